import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import type { Plugin } from 'vite';

const ID = 'virtual:trusted-documents';
const RESOLVED = `\0${ID}`;

interface Manifest {
  operations: { id: string; name: string; type: string; body: string }[];
}

/** The names of the operations in `operationsDir`'s `.graphql` files. */
export function operationNames(operationsDir: string): string[] {
  return globSync('**/*.graphql', { cwd: operationsDir }).flatMap((file) =>
    parse(readFileSync(join(operationsDir, file), 'utf8')).definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION && definition.name ? [definition.name.value] : [],
    ),
  );
}

/**
 * `virtual:trusted-documents`: the id of each of the app's operations in the committed manifest
 * (schema/persisted-query-manifest.json), so the bundle carries ids, not the manifest's bodies — but for
 * subscriptions: graphql-ws requires a `query` string in every subscribe message, and the gateway accepts an id
 * with text only when the text is the manifest's body, so those few bodies travel too. The build fails when an
 * operation is missing from the manifest (`npm run codegen` writes it).
 */
export function trustedDocumentIds({
  manifestPath,
  operationsDir,
}: {
  manifestPath: string;
  operationsDir: string;
}): Plugin {
  return {
    name: 'supergraph:trusted-documents',
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      this.addWatchFile(manifestPath);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
      const byName = new Map(manifest.operations.map((operation) => [operation.name, operation]));
      const names = operationNames(operationsDir).sort();
      const missing = names.filter((name) => !byName.has(name));
      if (missing.length > 0) {
        this.error(
          `${missing.join(', ')} not in ${manifestPath}: run \`npm run codegen\` to make them trusted documents`,
        );
      }
      const ours = names.map((name) => byName.get(name)!);
      const ids = Object.fromEntries(ours.map(({ name, id }) => [name, id]));
      const subscriptions = Object.fromEntries(
        ours.filter(({ type }) => type === 'subscription').map(({ name, body }) => [name, body]),
      );
      return [
        `export const documentIds = ${JSON.stringify(ids)};`,
        `export const subscriptionBodies = ${JSON.stringify(subscriptions)};`,
      ].join('\n');
    },
  };
}

/** Fills the gateway URL into index.html on the dev server (the static server does it for the build). */
export function devGatewayUrl(url: string): Plugin {
  return {
    name: 'supergraph:dev-gateway-url',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace('__GATEWAY_URL__', url),
  };
}
