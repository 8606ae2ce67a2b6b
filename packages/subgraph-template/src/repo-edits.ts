import type { SubgraphNames } from './names.ts';

/** A change to a file outside the new subgraph's folder: `edit` gets the file's text and returns the new text. */
export interface RepoEdit {
  path: string;
  /** What the entry is for, printed by the CLI. */
  what: string;
  edit(text: string): string;
}

/** Thrown when a file no longer has the shape an edit expects: the message names the file and what to add by hand. */
export class RepoEditError extends Error {
  override name = 'RepoEditError';
}

/** Inserts `insertion` before the first match of `anchor` after `from` (a regex source), or fails saying why. */
function insertBefore(
  path: string,
  text: string,
  anchor: RegExp,
  insertion: string,
  fallback: string,
): string {
  const match = anchor.exec(text);
  if (!match)
    throw new RepoEditError(`${path}: could not find where to add the entry; add it by hand: ${fallback}`);
  return text.slice(0, match.index) + insertion + text.slice(match.index);
}

/** The last line matching `line` (multiline regex): the new entry goes right after it, in the same style. */
function insertAfterLast(path: string, text: string, line: RegExp, insertion: string): string {
  const matches = [...text.matchAll(line)];
  const last = matches.at(-1);
  if (!last)
    throw new RepoEditError(
      `${path}: could not find where to add the entry; add it by hand: ${insertion.trim()}`,
    );
  const end = last.index + last[0].length;
  return text.slice(0, end) + insertion + text.slice(end);
}

/** The entries a new subgraph needs elsewhere in the repository, so that it composes, builds and deploys. */
export function repoEdits(n: SubgraphNames): RepoEdit[] {
  const { name, pascal, upper, port } = n;
  const mappers = `{ ${n.entity}: '../db/schema.ts#${n.entity}Row' }`;
  const codegenEntry = `    ...subgraphTargets('${name}', { contextType: '../context.ts#${pascal}Context', mappers: ${mappers} }),\n`;
  const composeEntry = `  { name: '${name}', url: 'http://127.0.0.1:${port}/graphql', schemaDir: schemaDirOf('${name}') },\n`;
  return [
    {
      path: 'codegen.ts',
      what: 'resolver types and typed test documents (subgraphTargets)',
      edit: (text) =>
        insertBefore(
          'codegen.ts',
          text,
          /^ {4}'e2e\/src\/generated\/operations\.ts'/m,
          codegenEntry,
          codegenEntry.trim(),
        ),
    },
    {
      path: 'schema/src/subgraphs.ts',
      what: 'composition: the subgraph and its SDL folder',
      edit: (text) =>
        insertBefore('schema/src/subgraphs.ts', text, /^\] as const;/m, composeEntry, composeEntry.trim()),
    },
    {
      path: 'packages/db-provision/src/services.ts',
      what: 'db:provision: its database and login role',
      edit: (text) =>
        insertBefore(
          'packages/db-provision/src/services.ts',
          text,
          /^\];/m,
          `  { service: '${name}', database: '${name}_db', role: '${name}_svc', passwordVariable: '${upper}_DB_PASSWORD' },\n`,
          `{ service: '${name}', database: '${name}_db', role: '${name}_svc', passwordVariable: '${upper}_DB_PASSWORD' }`,
        ),
    },
    {
      path: 'docker-compose.yml',
      what: 'compose: its PostgreSQL and the service',
      edit: (text) => {
        const services = insertBefore(
          'docker-compose.yml',
          text,
          /^volumes:$/m,
          composeServices(n),
          `services ${name}-db and ${name}`,
        );
        return insertAfterLast(
          'docker-compose.yml',
          services,
          /^ {2}[a-z0-9-]+-data:$/gm,
          `\n  ${name}-db-data:`,
        );
      },
    },
    {
      path: 'docker-compose.yml',
      what: "compose: the gateway's route to it, and the gateway waits for it",
      edit: (text) => {
        const routed = insertAfterLast(
          'docker-compose.yml',
          text,
          /^ {6}SUBGRAPH_[A-Z0-9_]+_URL: .*$/gm,
          `\n      SUBGRAPH_${upper}_URL: http://${name}:${port}/graphql`,
        );
        return insertBefore(
          'docker-compose.yml',
          routed,
          // The first line of the gateway's depends_on.
          /(?<=^ {2}gateway:\n(?:(?: {4}.*)?\n)*? {4}depends_on:\n)/m,
          `      ${name}: { condition: service_healthy }\n`,
          `gateway.depends_on.${name}: { condition: service_healthy }`,
        );
      },
    },
    {
      path: 'deploy/k8s/config.yaml',
      what: "Kubernetes: the gateway's route to it",
      edit: (text) =>
        insertAfterLast(
          'deploy/k8s/config.yaml',
          text,
          /^ {2}SUBGRAPH_[A-Z0-9_]+_URL: .*$/gm,
          `\n  SUBGRAPH_${upper}_URL: http://${name}.supergraph.svc.cluster.local:${port}/graphql`,
        ),
    },
    {
      path: 'deploy/k8s/gateway.yaml',
      what: 'Kubernetes: the gateway reads that route',
      edit: (text) =>
        insertAfterLast(
          'deploy/k8s/gateway.yaml',
          text,
          /^ {14}valueFrom: \{ configMapKeyRef: \{ name: supergraph-config, key: SUBGRAPH_[A-Z0-9_]+_URL \} \}$/gm,
          `\n            - name: SUBGRAPH_${upper}_URL\n              valueFrom: { configMapKeyRef: { name: supergraph-config, key: SUBGRAPH_${upper}_URL } }`,
        ),
    },
    {
      path: '.github/workflows/ci.yml',
      what: 'CI: builds and pushes its image when it is affected',
      edit: (text) => ciWorkflowWith(text, name),
    },
    {
      path: 'deploy/k8s/secrets.example.yaml',
      what: 'Kubernetes: its database URL secret',
      edit: (text) =>
        insertAfterLast(
          'deploy/k8s/secrets.example.yaml',
          text,
          /^ {2}[A-Z_]+_DATABASE_URL: .*$/gm,
          `\n  ${upper}_DATABASE_URL: postgres://${name}_svc:REPLACE_ME@postgres-${name}:5432/${name}_db`,
        ),
    },
    {
      path: '.env.example',
      what: 'compose: its database password',
      edit: (text) =>
        insertAfterLast('.env.example', text, /^[A-Z_]+_DB_PASSWORD=.*$/gm, `\n${upper}_DB_PASSWORD=`),
    },
    {
      path: 'Dockerfile',
      what: 'the image: SERVICE build arg',
      edit: (text) => {
        const line = /(--build-arg SERVICE=)([a-z0-9|]+)/.exec(text);
        if (!line)
          throw new RepoEditError(
            `Dockerfile: could not find the SERVICE build arg comment; add ${name} to it by hand`,
          );
        return text.replace(line[0], `${line[1]}${line[2]}|${name}`);
      },
    },
  ];
}

function composeServices({ name, upper, port }: SubgraphNames): string {
  return `  ${name}-db:
    image: postgres:17-alpine
    restart: unless-stopped
    environment:
      POSTGRES_DB: ${name}_db
      POSTGRES_USER: ${name}_svc
      POSTGRES_PASSWORD: \${${upper}_DB_PASSWORD:?set ${upper}_DB_PASSWORD in .env}
    volumes:
      - ${name}-db-data:/var/lib/postgresql/data
    healthcheck:
      test: ['CMD-SHELL', 'pg_isready -U ${name}_svc -d ${name}_db']
      interval: 5s
      timeout: 3s
      retries: 10

  ${name}:
    <<: *node-service
    build:
      <<: *build
      args: { SERVICE: ${name}, SERVICE_DIR: subgraphs/${name} }
    environment:
      <<: *node-env
      PORT: '${port}'
      DATABASE_URL: postgres://${name}_svc:\${${upper}_DB_PASSWORD}@${name}-db:5432/${name}_db
      AMQP_URL: amqp://\${RABBITMQ_USER:-supergraph}:\${RABBITMQ_PASSWORD}@rabbitmq:5672
    expose: ['${port}']
    depends_on:
      ${name}-db: { condition: service_healthy }
      rabbitmq: { condition: service_healthy }

`;
}

/** deploy/k8s/<name>.yaml: Deployment, Service, autoscaler and disruption budget, like users.yaml. */
export function k8sManifest({ name, upper, port }: SubgraphNames): string {
  const config = (key: string) =>
    `            - name: ${key}\n              valueFrom: { configMapKeyRef: { name: supergraph-config, key: ${key} } }\n`;
  return `# The ${name} service: stateless (all state in PostgreSQL), so it scales horizontally behind its Service.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: supergraph
  labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: supergraph }
spec:
  replicas: 2
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
  strategy:
    type: RollingUpdate
    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name}, app.kubernetes.io/part-of: supergraph }
      annotations: { prometheus.io/scrape: 'true', prometheus.io/port: '${port}', prometheus.io/path: /metrics }
    spec:
      # Longer than the service's own shutdown grace (10 s), so in-flight requests finish before SIGKILL.
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        seccompProfile: { type: RuntimeDefault }
      containers:
        - name: ${name}
          image: ghcr.io/example/supergraph-${name}:latest
          ports:
            - { name: http, containerPort: ${port} }
          env:
            - { name: PORT, value: '${port}' }
${config('NODE_ENV')}${config('LOG_LEVEL')}${config('HOST')}            - name: INTERNAL_SECRET
              valueFrom: { secretKeyRef: { name: supergraph-secrets, key: INTERNAL_SECRET } }
            - name: DATABASE_URL
              valueFrom: { secretKeyRef: { name: supergraph-secrets, key: ${upper}_DATABASE_URL } }
${config('DATABASE_POOL_SIZE')}${config('DATABASE_STATEMENT_TIMEOUT_MS')}            - name: AMQP_URL
              valueFrom: { secretKeyRef: { name: supergraph-secrets, key: AMQP_URL } }
          readinessProbe:
            httpGet: { path: /health/ready, port: http }
            periodSeconds: 5
            failureThreshold: 2
          livenessProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 10
            failureThreshold: 3
          startupProbe:
            httpGet: { path: /health/live, port: http }
            periodSeconds: 2
            failureThreshold: 30
          resources:
            requests: { cpu: 250m, memory: 192Mi }
            limits: { memory: 512Mi }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
      volumes:
        - { name: tmp, emptyDir: {} }
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: supergraph
  labels: { app.kubernetes.io/name: ${name} }
spec:
  type: ClusterIP
  selector: { app.kubernetes.io/name: ${name} }
  ports:
    - { name: http, port: ${port}, targetPort: http }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: supergraph
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
  minReplicas: 2
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: { type: Utilization, averageUtilization: 70 }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: supergraph
spec:
  minAvailable: 1
  selector:
    matchLabels: { app.kubernetes.io/name: ${name} }
`;
}

/**
 * The workflow with the subgraph's own `affected` output and step and its image job, each written like
 * users' (the job copied with the name changed), so the new service builds and ships on its own.
 */
function ciWorkflowWith(text: string, name: string): string {
  const path = '.github/workflows/ci.yml';
  const output = insertAfterLast(
    path,
    text,
    /^ {6}[a-z0-9-]+: \$\{\{ steps\.[a-z0-9-]+\.outputs\.affected \}\}$/gm,
    `\n      ${name}: \${{ steps.${name}.outputs.affected }}`,
  );
  const usersStep = /^ {6}- id: users\n {8}run: (.*@supergraph\/users.*)$/m.exec(output);
  if (!usersStep)
    throw new RepoEditError(
      `${path}: no \`- id: users\` step to copy; add an affected step for ${name} by hand`,
    );
  const step = `\n      - id: ${name}\n        run: ${usersStep[1]!.replace('@supergraph/users', `@supergraph/${name}`)}`;
  const withStep = insertAfterLast(
    path,
    output,
    /^ {6}- id: [a-z0-9-]+\n {8}run: npx turbo query affected .*$/gm,
    step,
  );
  const usersJob = /^ {2}users:\n(?: {4}.*\n|\n(?= {4}))+/m.exec(withStep);
  if (!usersJob)
    throw new RepoEditError(`${path}: no \`users:\` image job to copy; add a ${name} image job by hand`);
  const job = usersJob[0]
    .replace(/^ {2}users:$/m, `  ${name}:`)
    .replace(/\busers image\b/g, `${name} image`)
    .replace(/needs\.affected\.outputs\.users\b/g, `needs.affected.outputs.${name}`)
    .replace(/image-users-/g, `image-${name}-`)
    .replace(/\/users$/m, `/${name}`)
    .replace(/SERVICE=users/g, `SERVICE=${name}`)
    .replace(/SERVICE_DIR=subgraphs\/users/g, `SERVICE_DIR=subgraphs/${name}`)
    .replace(/scope=users\b/g, `scope=${name}`);
  return insertBefore(path, withStep, /^ {2}router:$/m, `${job.trimEnd()}\n\n`, `an image job for ${name}`);
}
