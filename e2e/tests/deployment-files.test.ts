import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { ENV_KEYS as CATALOG_ENV_KEYS } from '@supergraph/catalog/env';
import { ENV_KEYS as ORDERS_ENV_KEYS } from '@supergraph/orders/env';
import {
  DEFAULT_MANIFEST_PATH,
  DEFAULT_SUPERGRAPH_PATH,
  ENV_KEYS as ROUTER_ENV_KEYS,
  PER_SUBGRAPH_VARIABLE,
} from '@supergraph/router/env';
import { GATEWAY_NODE_OPTIONS } from '@supergraph/router/heap';
import { ENV_KEYS as USERS_ENV_KEYS } from '@supergraph/users/env';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { loadComposeFile } from './compose-file.ts';

/**
 * No container engine runs here, so the deployment files are checked against the code: every variable a
 * service is given is one its env.ts reads, ports agree, every service has health checks.
 */
const ROOT = join(import.meta.dirname, '../..');
const readsOneOf = (keys: readonly string[]) => (key: string) => keys.includes(key);
const NODE_SERVICES = {
  users: { port: 4001, reads: readsOneOf(USERS_ENV_KEYS), workspace: 'users', dir: 'subgraphs/users' },
  orders: { port: 4002, reads: readsOneOf(ORDERS_ENV_KEYS), workspace: 'orders', dir: 'subgraphs/orders' },
  catalog: {
    port: 4003,
    reads: readsOneOf(CATALOG_ENV_KEYS),
    workspace: 'catalog',
    dir: 'subgraphs/catalog',
  },
  gateway: {
    port: 4000,
    // NODE_OPTIONS is read by Node itself: the gateway's heap sizing (router/src/heap.ts), checked below.
    // SUBGRAPH_<NAME>_URL and the other per-subgraph settings are read for any subgraph name.
    reads: (key: string) =>
      readsOneOf([...ROUTER_ENV_KEYS, 'NODE_OPTIONS'])(key) || PER_SUBGRAPH_VARIABLE.test(key),
    workspace: 'router',
    dir: 'router',
  },
} as const;

interface ComposeService {
  image?: string;
  build?: { args?: Record<string, string> };
  environment?: Record<string, string>;
  expose?: string[];
  ports?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml', () => {
  // Compose runs orders as two replicas (orders-a, orders-b) behind HAProxy (orders-lb); the others once.
  const REPLICAS: Record<keyof typeof NODE_SERVICES, readonly string[]> = {
    users: ['users'],
    orders: ['orders-a', 'orders-b'],
    catalog: ['catalog'],
    gateway: ['gateway'],
  };
  const nodeContainers = Object.entries(NODE_SERVICES).flatMap(([name, spec]) =>
    REPLICAS[name as keyof typeof NODE_SERVICES].map((container) => [container, spec] as const),
  );

  // What `.env` holds (see .env.example): every required variable set, so interpolation succeeds as in compose.
  const dotEnv = {
    JWT_SECRET: 'x'.repeat(64),
    INTERNAL_SECRET: 'y'.repeat(64),
    USERS_DB_PASSWORD: 'u',
    ORDERS_DB_PASSWORD: 'o',
    CATALOG_DB_PASSWORD: 'c',
    RABBITMQ_PASSWORD: 'r',
  };

  it('is valid against the Compose Specification (the JSON schema Docker Compose validates with)', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(ROOT, 'e2e/schemas/compose-spec.json'), 'utf8')),
    );
    const valid = validate(loadComposeFile(dotEnv));
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('refers only to services, volumes and networks it declares (what `docker compose config` checks beyond the schema)', () => {
    const file = loadComposeFile(dotEnv) as {
      services: Record<
        string,
        { depends_on?: Record<string, unknown>; volumes?: string[]; networks?: string[] }
      >;
      volumes?: Record<string, unknown>;
      networks?: Record<string, unknown>;
    };
    const services = Object.keys(file.services);
    for (const [name, service] of Object.entries(file.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) {
        expect(services, `${name} depends on ${dependency}`).toContain(dependency);
      }
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(existsSync(join(ROOT, source)), `${name} mounts ${source}`).toBe(true);
        } else {
          expect(Object.keys(file.volumes ?? {}), `${name} mounts the volume ${source}`).toContain(source);
        }
      }
      for (const network of service.networks ?? []) {
        expect(Object.keys(file.networks ?? {}), `${name} joins ${network}`).toContain(network);
      }
    }
  });

  it('refuses to start without the secrets .env must set', () => {
    expect(() => loadComposeFile({ ...dotEnv, INTERNAL_SECRET: '' })).toThrow(/INTERNAL_SECRET/);
  });

  it('runs one PostgreSQL per service, each with its own volume', () => {
    expect(compose.services['users-db']?.image).toMatch(/^postgres:/);
    expect(compose.services['orders-db']?.image).toMatch(/^postgres:/);
    expect(compose.services['users']?.environment?.['DATABASE_URL']).toMatch(/@users-db:5432\/users_db$/);
    for (const replica of REPLICAS.orders) {
      expect(compose.services[replica]?.environment?.['DATABASE_URL']).toMatch(/@orders-db:5432\/orders_db$/);
    }
  });

  it.each(nodeContainers)('gives %s only variables its env.ts reads, and its own port', (name, spec) => {
    const service = compose.services[name]!;
    const unknown = Object.keys(service.environment ?? {}).filter((key) => !spec.reads(key));
    expect(unknown).toEqual([]);
    expect(service.environment?.['PORT']).toBe(String(spec.port));
    expect(service.build?.args).toEqual({ SERVICE: spec.workspace, SERVICE_DIR: spec.dir });
  });

  it('has a healthcheck on every service and starts each only after its dependencies are healthy', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck, `${name} healthcheck`).toBeDefined();
      for (const [dependency, condition] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} → ${dependency}`).toEqual({ condition: 'service_healthy' });
      }
    }
  });

  it('publishes only the gateway and the web app (checked in web/tests/deployment.test.ts)', () => {
    const published = Object.entries(compose.services)
      .filter(([, service]) => service.ports?.length)
      .map(([name]) => name);
    expect(published).toEqual(['gateway', 'web']);
    expect(compose.services['gateway']?.ports).toEqual(['${GATEWAY_PORT:-4000}:4000']);
  });

  it('points the gateway at the subgraphs by service name and port', () => {
    expect(compose.services['gateway']?.environment).toMatchObject({
      SUBGRAPH_USERS_URL: `http://users:${NODE_SERVICES.users.port}/graphql`,
    });
    expect(compose.services['gateway']?.environment?.['SUBGRAPH_ORDERS_URL']).toBe(
      `http://orders-lb:${NODE_SERVICES.orders.port}/graphql`,
    );
    expect(compose.services['gateway']?.environment?.['SUBGRAPH_CATALOG_URL']).toBe(
      `http://catalog:${NODE_SERVICES.catalog.port}/graphql`,
    );
    expect(Object.keys(compose.services['gateway']?.depends_on ?? {}).sort()).toEqual([
      'catalog',
      'orders-lb',
      'redis',
      'users',
    ]);
  });

  it('runs orders as identical replicas behind HAProxy, which is given every variable its config expands', () => {
    const [first, ...others] = REPLICAS.orders.map((name) => compose.services[name]);
    for (const other of others) expect(other).toEqual(first);

    const lb = compose.services['orders-lb'] as ComposeService & { volumes?: string[] };
    expect(lb.image).toMatch(/^haproxy:2\./);
    expect(lb.volumes).toContain('./deploy/haproxy/orders.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const config = readFileSync(join(ROOT, 'deploy/haproxy/orders.cfg'), 'utf8').replace(/^\s*#.*$/gm, '');
    // HAProxy expands "${NAME}" (no default after a dash): each must be set, or HAProxy sees an empty string.
    const expanded = [...config.matchAll(/"\$\{([A-Z_]+)\}"/g)].map((match) => match[1]!);
    expect(Object.keys(lb.environment ?? {}).sort()).toEqual([...new Set(expanded)].sort());
    expect(lb.environment?.['ORDERS_LB_BIND']).toBe(`:${NODE_SERVICES.orders.port}`);
    const servers = [...config.matchAll(/^\s*server (\S+) "\$\{(\w+)\}" check\b/gm)].map(
      (match) => [match[1]!, match[2]!] as const,
    );
    expect(servers.map(([name]) => name)).toEqual(REPLICAS.orders);
    for (const [name, variable] of servers)
      expect(lb.environment?.[variable]).toBe(`${name}:${NODE_SERVICES.orders.port}`);
    expect(lb.depends_on).toEqual(
      Object.fromEntries(REPLICAS.orders.map((name) => [name, { condition: 'service_healthy' }])),
    );
  });

  it('documents every variable it interpolates in .env.example', () => {
    const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const interpolated = new Set([...text.matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]!));
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map((match) => match[1]!));
    expect([...interpolated].filter((name) => !documented.has(name))).toEqual([]);
  });
});

describe("the gateway's heap sizing", () => {
  // V8 fixes the young generation at process start, so every way the gateway is started must pass it.
  it('is passed wherever the gateway process is started without a memory limit', () => {
    expect(compose.services['gateway']?.environment?.['NODE_OPTIONS']).toBe(GATEWAY_NODE_OPTIONS);
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'router/package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    expect(scripts['start']).toBe(`node ${GATEWAY_NODE_OPTIONS} src/index.ts`);
    expect(scripts['dev']).toBe(`node --watch ${GATEWAY_NODE_OPTIONS} src/index.ts`);
    expect(readFileSync(join(ROOT, 'scripts/start.ts'), 'utf8')).toMatch(
      /NODE_OPTIONS: \[GATEWAY_NODE_OPTIONS, process\.env\['NODE_OPTIONS'\]\]/,
    );
  });

  it('is not given to the subgraphs', () => {
    for (const name of ['users', 'orders-a', 'orders-b']) {
      expect(compose.services[name]?.environment?.['NODE_OPTIONS']).toBeUndefined();
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  it('builds only the service with turbo prune, runs as a non-root user and has a HEALTHCHECK', () => {
    expect(dockerfile).toMatch(/turbo@2 prune "@supergraph\/\$\{SERVICE\}" --docker/);
    expect(dockerfile).toMatch(/^FROM node:24|ARG NODE_IMAGE=node:24/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/\/health\/ready/);
  });

  it('copies the supergraph to where the gateway looks for it by default', () => {
    const copied =
      /^COPY --from=prune \S+ \/repo\/schema\/supergraph\.graphql \.\/schema\/supergraph\.graphql$/m;
    expect(dockerfile).toMatch(copied);
    // In the image the services live at /app/<dir>; the gateway's default resolves to /app/schema/….
    expect(relative(join(ROOT, 'router/src'), DEFAULT_SUPERGRAPH_PATH)).toBe(
      '../../schema/supergraph.graphql',
    );
  });

  it('copies the trusted-documents manifest to where the gateway looks for it by default', () => {
    expect(dockerfile).toMatch(
      /^COPY --from=prune \S+ \/repo\/schema\/persisted-query-manifest\.json \.\/schema\/persisted-query-manifest\.json$/m,
    );
    expect(relative(join(ROOT, 'router/src'), DEFAULT_MANIFEST_PATH)).toBe(
      '../../schema/persisted-query-manifest.json',
    );
  });

  it("prunes the gateway's workspace to no subgraph, schema tooling or demo data", () => {
    const out = mkdtempSync(join(tmpdir(), 'gateway-prune-'));
    try {
      execFileSync(
        join(ROOT, 'node_modules/.bin/turbo'),
        ['prune', '@supergraph/router', '--docker', '--out-dir', out],
        { cwd: ROOT, stdio: 'pipe', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
      );
      const files = readdirSync(join(out, 'full'), { recursive: true, encoding: 'utf8' });
      const workspaces = files
        .filter((file) => basename(file) === 'package.json' && !file.includes('node_modules'))
        .map((file) => (JSON.parse(readFileSync(join(out, 'full', file), 'utf8')) as { name: string }).name);
      const subgraphDirs = readdirSync(join(ROOT, 'subgraphs'));

      expect(workspaces).toContain('@supergraph/router');
      expect(files.filter((file) => file.startsWith('subgraphs'))).toEqual([]);
      for (const dir of subgraphDirs) {
        const name = (
          JSON.parse(readFileSync(join(ROOT, 'subgraphs', dir, 'package.json'), 'utf8')) as { name: string }
        ).name;
        expect(workspaces).not.toContain(name);
      }
      expect(workspaces).not.toContain('@supergraph/schema');
      expect(workspaces).not.toContain('@supergraph/demo-data');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

const MODELS = {
  Namespace,
  ConfigMap,
  Secret,
  Service,
  Deployment,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
} as const;

type Manifest = { kind: keyof typeof MODELS; metadata: { name: string }; [key: string]: unknown };
const K8S_DIR = join(ROOT, 'deploy/k8s');
const manifests: Manifest[] = readdirSync(K8S_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(K8S_DIR, file), 'utf8')).map((doc) => doc.toJS() as Manifest),
  );
const byKind = (kind: Manifest['kind']) => manifests.filter((manifest) => manifest.kind === kind);

describe('Kubernetes manifests (deploy/k8s)', () => {
  it('validate against the Kubernetes API schemas', () => {
    for (const manifest of manifests) {
      const Model = MODELS[manifest.kind];
      expect(Model, `unexpected kind ${manifest.kind}`).toBeDefined();
      expect(
        () => new Model(manifest as never).validate(),
        `${manifest.kind}/${manifest.metadata.name}`,
      ).not.toThrow();
    }
  });

  it.each(Object.entries(NODE_SERVICES))(
    'deploy %s with probes on its port, known variables, an HPA and a PDB',
    (name, spec) => {
      const deployment = byKind('Deployment').find(
        (manifest) => manifest.metadata.name === name,
      ) as unknown as Deployment;
      expect(deployment).toBeDefined();
      const container = deployment.spec!.template.spec!.containers[0]!;
      expect(container.ports).toContainEqual({ name: 'http', containerPort: spec.port });
      // Only the http port is in the Service; the gateway's metrics port stays inside the cluster network.
      const env = container.env ?? [];
      expect(env.find((variable) => variable.name === 'PORT')?.value).toBe(String(spec.port));
      expect(env.map((variable) => variable.name).filter((key) => !spec.reads(key))).toEqual([]);
      expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(container.image).toBe(`ghcr.io/example/supergraph-${spec.workspace}:latest`);

      const service = byKind('Service').find(
        (manifest) => manifest.metadata.name === name,
      ) as unknown as Service;
      expect(service.spec?.ports?.[0]?.targetPort).toBe('http');
      expect(byKind('HorizontalPodAutoscaler').some((hpa) => hpa.metadata.name === name)).toBe(true);
      expect(byKind('PodDisruptionBudget').some((pdb) => pdb.metadata.name === name)).toBe(true);
    },
  );

  it("leaves the gateway's young generation to Node: its memory limit (at most 2Gi) already gives a smaller one", () => {
    const gateway = byKind('Deployment').find(
      (manifest) => manifest.metadata.name === 'gateway',
    ) as unknown as Deployment;
    const container = gateway.spec!.template.spec!.containers[0]!;
    expect(container.env?.find((variable) => variable.name === 'NODE_OPTIONS')).toBeUndefined();
    const limit = String(container.resources?.limits?.['memory']);
    const mebibytes = Number(/^(\d+)Mi$/.exec(limit)?.[1] ?? Number(/^(\d+)Gi$/.exec(limit)?.[1]) * 1024);
    expect(mebibytes).toBeGreaterThan(0);
    expect(mebibytes).toBeLessThanOrEqual(2 * 1024);
  });

  it('references only ConfigMap and Secret keys that exist', () => {
    const config = byKind('ConfigMap')[0] as unknown as ConfigMap;
    const secret = byKind('Secret')[0] as unknown as Secret;
    for (const deployment of byKind('Deployment') as unknown as Deployment[]) {
      for (const variable of deployment.spec!.template.spec!.containers[0]!.env ?? []) {
        const configKey = variable.valueFrom?.configMapKeyRef?.key;
        const secretKey = variable.valueFrom?.secretKeyRef?.key;
        if (configKey) expect(Object.keys(config.data ?? {}), `${variable.name}`).toContain(configKey);
        if (secretKey) expect(Object.keys(secret.stringData ?? {}), `${variable.name}`).toContain(secretKey);
      }
    }
  });

  it('routes the gateway to the subgraph Services by cluster DNS on their ports', () => {
    const config = (byKind('ConfigMap')[0] as unknown as ConfigMap).data ?? {};
    expect(config['SUBGRAPH_USERS_URL']).toBe('http://users.supergraph.svc.cluster.local:4001/graphql');
    expect(config['SUBGRAPH_ORDERS_URL']).toBe('http://orders.supergraph.svc.cluster.local:4002/graphql');
    expect(config['SUBGRAPH_CATALOG_URL']).toBe('http://catalog.supergraph.svc.cluster.local:4003/graphql');
  });
});
