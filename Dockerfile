# syntax=docker/dockerfile:1
# One parameterised image for every service: `--build-arg SERVICE=users|orders|router|catalog`.
# Only that workspace and what it depends on are copied in (turbo prune), so a change elsewhere in the
# monorepo does not invalidate its layers. Services run their TypeScript directly on Node 24.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS prune
ARG SERVICE
WORKDIR /repo
COPY . .
RUN npx --yes turbo@2 prune "@supergraph/${SERVICE}" --docker

FROM ${NODE_IMAGE} AS install
WORKDIR /app
COPY --from=prune /repo/out/json/ .
# The root postinstall applies the reviewed dependency patches (patches/README.md) during `npm ci`.
COPY --from=prune /repo/patches/ ./patches/
COPY --from=prune /repo/scripts/patch-dependencies.ts ./scripts/
# The `node` devDependency pins Node for developers; the image already is Node 24, so dev deps are omitted.
RUN npm ci --omit=dev --no-audit --no-fund
COPY --from=prune /repo/out/full/ .

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG SERVICE_DIR
ENV NODE_ENV=production HOST=0.0.0.0 NODE_COMPILE_CACHE=/home/node/.cache/node-compile-cache
WORKDIR /app
COPY --from=install --chown=node:node /app .
# The gateway reads the composed supergraph by path (router/src/env.ts) and depends on no schema or subgraph
# package, so the file is not in its pruned workspace: it comes on its own, to where the default path points.
COPY --from=prune --chown=node:node /repo/schema/supergraph.graphql ./schema/supergraph.graphql
# Likewise the trusted documents it executes in production (TRUSTED_DOCUMENTS_MANIFEST).
COPY --from=prune --chown=node:node /repo/schema/persisted-query-manifest.json ./schema/persisted-query-manifest.json
COPY --from=prune --chown=node:node /repo/scripts/warm-compile-cache.ts ./scripts/
WORKDIR /app/${SERVICE_DIR}
USER node
# The service's modules, stripped of their types and compiled, into the image's compile cache (NODE_COMPILE_CACHE):
# started from it, the service never loads Node's type stripper, which would stay in its memory for good
# (docs/operations.md, "Gateway memory"). The tracing SDK is loaded only when an exporter is configured.
RUN node /app/scripts/warm-compile-cache.ts src/index.ts --require /app/packages/service-kit/src/tracing/sdk.ts
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/ready`).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/index.ts"]
