import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadComposeFile } from '@supergraph/e2e/compose-file';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ENV_KEYS } from '../server/env.ts';
import { WEB_DIR } from './build-app.ts';

/**
 * No container engine runs here: the web app's deployment files are checked against its server's env.ts and
 * against the gateway's (e2e/tests/deployment-files.test.ts validates every file against its schema).
 */
const ROOT = join(WEB_DIR, '..');
const dotEnv = {
  JWT_SECRET: 'x'.repeat(64),
  INTERNAL_SECRET: 'y'.repeat(64),
  USERS_DB_PASSWORD: 'u',
  ORDERS_DB_PASSWORD: 'o',
  CATALOG_DB_PASSWORD: 'c',
  RABBITMQ_PASSWORD: 'r',
};

interface ComposeService {
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const services = (variables: Record<string, string>) =>
    loadComposeFile({ ...dotEnv, ...variables })['services'] as Record<string, ComposeService>;

  it('serves the built app on WEB_PORT with its own image, health-checked, after the gateway', () => {
    const web = services({})['web']!;
    expect(web.build).toEqual({ context: '.', dockerfile: 'web/Dockerfile' });
    expect(web.ports).toEqual(['3000:3000']);
    expect(services({ WEB_PORT: '8080' })['web']!.ports).toEqual(['8080:3000']);
    expect(web.environment?.['PORT']).toBe('3000');
    expect(Object.keys(web.environment ?? {}).filter((key) => !ENV_KEYS.includes(key))).toEqual([]);
    expect(web.healthcheck?.test.join(' ')).toContain('/health/ready');
    expect(web.depends_on).toEqual({ gateway: { condition: 'service_healthy' } });
  });

  it("points the page at the gateway's published port, and the gateway's CORS allow-list at the app's origin", () => {
    const settings: Record<string, string>[] = [{}, { GATEWAY_PORT: '4100', WEB_PORT: '8080' }];
    for (const variables of settings) {
      const all = services(variables);
      const gatewayPort = all['gateway']!.ports![0]!.split(':')[0];
      const webPort = all['web']!.ports![0]!.split(':')[0];
      expect(all['web']!.environment?.['GATEWAY_URL']).toBe(`http://localhost:${gatewayPort}/graphql`);
      const origins = all['gateway']!.environment!['CORS_ORIGINS']!.split(',');
      expect(origins).toEqual(
        expect.arrayContaining([`http://localhost:${webPort}`, `http://127.0.0.1:${webPort}`]),
      );
    }
  });
});

describe('web/Dockerfile', () => {
  const dockerfile = readFileSync(join(WEB_DIR, 'Dockerfile'), 'utf8');
  it('builds the app with codegen, then runs only the static server and the build, as a non-root user', () => {
    expect(dockerfile).toMatch(/^RUN npm run codegen && npm run build --workspace=@supergraph\/web$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \S+ \/repo\/web\/dist \.\/web\/dist$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \S+ \/repo\/web\/server \.\/web\/server$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n.*\/health\/ready/m);
    expect(dockerfile).toMatch(/^CMD \["node", "server\/index.ts"\]$/m);
  });
});

describe('Kubernetes (deploy/k8s/web.yaml)', () => {
  const documents = (file: string) =>
    parseAllDocuments(readFileSync(join(ROOT, 'deploy/k8s', file), 'utf8')).map(
      (document) =>
        document.toJS() as {
          kind: string;
          metadata: { name: string };
          spec?: unknown;
          data?: Record<string, string>;
        },
    );
  type Container = {
    image: string;
    ports: { name: string; containerPort: number }[];
    env: { name: string; value?: string; valueFrom?: { configMapKeyRef?: { key: string } } }[];
    readinessProbe: { httpGet: { path: string } };
    livenessProbe: { httpGet: { path: string } };
  };
  const containerOf = (file: string, name: string) =>
    (
      documents(file).find((document) => document.kind === 'Deployment' && document.metadata.name === name)!
        .spec as { template: { spec: { containers: Container[] } } }
    ).template.spec.containers[0]!;

  it('deploys the web image with probes on its port and only variables its env.ts reads', () => {
    const web = containerOf('web.yaml', 'web');
    expect(web.image).toBe('ghcr.io/example/supergraph-web:latest');
    expect(web.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
    expect(web.env.find((variable) => variable.name === 'PORT')?.value).toBe('3000');
    expect(web.env.map((variable) => variable.name).filter((key) => !ENV_KEYS.includes(key))).toEqual([]);
    expect(web.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(web.livenessProbe.httpGet.path).toBe('/health/live');
    expect(documents('web.yaml').map((document) => document.kind)).toEqual([
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
    ]);
  });

  it("gives the page the gateway's public URL and the gateway the app's origin, from the shared ConfigMap", () => {
    const config = documents('config.yaml')[0]!.data!;
    const web = containerOf('web.yaml', 'web');
    const gateway = containerOf('gateway.yaml', 'gateway');
    const fromConfig = (container: Container, name: string) =>
      config[container.env.find((variable) => variable.name === name)!.valueFrom!.configMapKeyRef!.key];
    expect(new URL(fromConfig(web, 'GATEWAY_URL')!).pathname).toBe('/graphql');
    expect(fromConfig(gateway, 'CORS_ORIGINS')).toMatch(/^https:\/\//);
  });
});
