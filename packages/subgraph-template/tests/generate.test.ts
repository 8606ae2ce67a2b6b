import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '@supergraph/service-kit/auth';
import { eventually, freePort, graphql, markdownTableRows, testSecrets } from '@supergraph/testing';
import { GRACE } from '@supergraph/subgraph-testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { generateSubgraph, type GeneratedSubgraph } from '../src/generate.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
/** What the generator, codegen and composition read; the rest of the repository plays no part. */
const COPIED = [
  'package.json',
  'codegen.ts',
  'eslint.config.js',
  'turbo.json',
  'Dockerfile',
  'docker-compose.yml',
  '.env.example',
  '.prettierrc.json',
  '.prettierignore',
  'packages',
  'subgraphs',
  'schema',
  'deploy',
  'e2e/operations',
  'docs/authorization.md',
  'web/operations',
  '.github',
];
/** The repository's tools (node 24 first: the `node` devDependency) for the commands run in the copy. */
const PATH = `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}`;

/** Runs a repository tool in the copy; a failure shows its output. */
async function tool(cwd: string, bin: string, args: string[]) {
  try {
    return await run(join(REPO_ROOT, 'node_modules', '.bin', bin), args, {
      cwd,
      env: { ...process.env, PATH },
      maxBuffer: 64 << 20,
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${bin} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/**
 * A copy of the git-tracked files the generator touches, with the repository's node_modules linked in (the
 * workspaces' own node_modules too), so tools resolve exactly as they do in the repository.
 */
async function copyRepository(): Promise<string> {
  const copy = mkdtempSync(join(tmpdir(), 'new-subgraph-'));
  const { stdout } = await run('git', ['ls-files', '-z', '--', ...COPIED], {
    cwd: REPO_ROOT,
    maxBuffer: 64 << 20,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (existsSync(join(REPO_ROOT, file))) cpSync(join(REPO_ROOT, file), join(copy, file));
  }
  for (const dir of ['.', 'schema', 'subgraphs/users', 'subgraphs/orders']) {
    const modules = join(REPO_ROOT, dir, 'node_modules');
    if (existsSync(modules)) symlinkSync(modules, join(copy, dir, 'node_modules'), 'dir');
  }
  return copy;
}

let copy: string;
let generated: GeneratedSubgraph;
const dir = () => join(copy, 'subgraphs', 'reviews');

beforeAll(async () => {
  copy = await copyRepository();
  generated = await generateSubgraph(copy, 'reviews');
  await tool(copy, 'graphql-codegen', ['--config', 'codegen.ts', '--silent']);
});
afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new:subgraph -- reviews, in a copy of the repository', () => {
  it('writes the subgraph in the shape of users and orders, with a first drizzle-kit migration', () => {
    expect(generated.names).toMatchObject({ entity: 'Review', port: 4004 });
    for (const file of [
      'src/env.ts',
      'src/server.ts',
      'src/index.ts',
      'src/subgraph.ts',
      'src/context.ts',
      'src/db/client.ts',
      'src/db/seed.ts',
      'src/reviews/queries.ts',
      'src/reviews/validation.ts',
      'src/reviews/idempotent.ts',
      'src/events/index.ts',
      'src/graphql/review/loaders.ts',
      'tests/reviews.test.ts',
      'tests/create-review.test.ts',
      'tests/documents/Review.graphql',
      'tests/documents/CreateReview.graphql',
    ]) {
      expect(existsSync(join(dir(), file)), file).toBe(true);
    }
    const journal = JSON.parse(readFileSync(join(dir(), 'src/db/migrations/meta/_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    expect(journal.entries.map((entry) => entry.tag)).toEqual(['0000_init']);
    const migration = readFileSync(join(dir(), 'src/db/migrations/0000_init.sql'), 'utf8');
    expect(migration).toContain('CREATE TABLE "reviews"');
    expect(migration).toContain('CREATE TABLE "outbox"');
    // createReview's safe retry keeps its answers here, created by the same first migration.
    expect(migration).toContain('CREATE TABLE "idempotency_keys"');
  });

  it('adds its entries to compose, Kubernetes, db:provision, the Dockerfile and .env.example', async () => {
    const compose = parseYaml(readFileSync(join(copy, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<
        string,
        { build?: { args?: Record<string, string> }; environment?: Record<string, string> }
      >;
      volumes: Record<string, unknown>;
    };
    expect(compose.services['reviews']?.build?.args).toEqual({
      SERVICE: 'reviews',
      SERVICE_DIR: 'subgraphs/reviews',
    });
    expect(compose.services['reviews']?.environment).toMatchObject({ PORT: '4004', NODE_ENV: 'production' });
    expect(compose.services['reviews-db']?.environment).toMatchObject({
      POSTGRES_DB: 'reviews_db',
      POSTGRES_USER: 'reviews_svc',
    });
    expect(Object.keys(compose.volumes)).toContain('reviews-db-data');
    expect(readFileSync(join(copy, 'deploy/k8s/reviews.yaml'), 'utf8')).toContain(
      'key: REVIEWS_DATABASE_URL',
    );
    const manifests = parseAllDocuments(readFileSync(join(copy, 'deploy/k8s/reviews.yaml'), 'utf8')).map(
      (doc) =>
        doc.toJS() as {
          kind: string;
          spec: { template?: { spec: { containers: { env: { name: string }[] }[] } } };
        },
    );
    expect(manifests.map((manifest) => manifest.kind)).toEqual([
      'Deployment',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
    ]);
    // Every variable the deployment files give the service is one its env.ts reads.
    const { ENV_KEYS } = (await import(join(dir(), 'src/env.ts'))) as { ENV_KEYS: string[] };
    const deployed = manifests[0]!.spec.template!.spec.containers[0]!.env.map((variable) => variable.name);
    expect(deployed.filter((key) => !ENV_KEYS.includes(key))).toEqual([]);
    expect(
      Object.keys(compose.services['reviews']?.environment ?? {}).filter((key) => !ENV_KEYS.includes(key)),
    ).toEqual([]);
    expect(readFileSync(join(copy, 'deploy/k8s/secrets.example.yaml'), 'utf8')).toContain(
      'REVIEWS_DATABASE_URL: postgres://reviews_svc:',
    );
    expect(readFileSync(join(copy, 'packages/db-provision/src/services.ts'), 'utf8')).toMatch(
      /\{\s*service: 'reviews',\s*database: 'reviews_db',\s*role: 'reviews_svc',\s*passwordVariable: 'REVIEWS_DB_PASSWORD',?\s*\}/,
    );
    expect(readFileSync(join(copy, 'Dockerfile'), 'utf8')).toContain(
      '--build-arg SERVICE=users|orders|router|catalog|reviews',
    );
    expect(readFileSync(join(copy, '.env.example'), 'utf8')).toContain('\nREVIEWS_DB_PASSWORD=\n');
  });

  it('routes the gateway to it in compose and Kubernetes, and builds its image in CI when it is affected', () => {
    const compose = parseYaml(readFileSync(join(copy, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<
        string,
        { environment?: Record<string, string>; depends_on?: Record<string, unknown> }
      >;
    };
    expect(compose.services['gateway']?.environment?.['SUBGRAPH_REVIEWS_URL']).toBe(
      'http://reviews:4004/graphql',
    );
    expect(compose.services['gateway']?.depends_on?.['reviews']).toEqual({ condition: 'service_healthy' });
    const config = parseYaml(readFileSync(join(copy, 'deploy/k8s/config.yaml'), 'utf8')) as {
      data: Record<string, string>;
    };
    expect(config.data['SUBGRAPH_REVIEWS_URL']).toBe(
      'http://reviews.supergraph.svc.cluster.local:4004/graphql',
    );
    const gateway = parseAllDocuments(readFileSync(join(copy, 'deploy/k8s/gateway.yaml'), 'utf8'))
      .map(
        (doc) =>
          doc.toJS() as {
            kind: string;
            spec: { template?: { spec: { containers: { env: { name: string }[] }[] } } };
          },
      )
      .find((manifest) => manifest.kind === 'Deployment');
    expect(gateway?.spec.template?.spec.containers[0]?.env.map((entry) => entry.name)).toContain(
      'SUBGRAPH_REVIEWS_URL',
    );

    interface Job {
      if?: string;
      outputs?: Record<string, string>;
      steps: { id?: string; run?: string; with?: Record<string, string> }[];
    }
    const workflow = parseYaml(readFileSync(join(copy, '.github/workflows/ci.yml'), 'utf8')) as {
      jobs: Record<string, Job>;
    };
    expect(workflow.jobs['affected']?.outputs?.['reviews']).toBe('${{ steps.reviews.outputs.affected }}');
    expect(workflow.jobs['affected']?.steps.find((step) => step.id === 'reviews')?.run).toContain(
      'turbo query affected --packages @supergraph/reviews',
    );
    const job = workflow.jobs['reviews']!;
    expect(job.if).toBe("needs.affected.outputs.reviews == 'true'");
    const build = job.steps.find((step) => step.with?.['build-args']);
    expect(build?.with?.['build-args']).toBe('SERVICE=reviews\nSERVICE_DIR=subgraphs/reviews\n');
    expect(JSON.stringify(job)).not.toMatch(/\busers\b/);
  });

  it('typechecks and lints', async () => {
    await tool(dir(), 'tsc', ['--noEmit']);
    await tool(copy, 'eslint', ['subgraphs/reviews']);
  });

  it("composes into the supergraph with the repository's own composition", async () => {
    await tool(copy, 'node', ['schema/src/compose-cli.ts']);
    const supergraph = readFileSync(join(copy, 'schema/supergraph.graphql'), 'utf8');

    expect(supergraph).toContain(
      'REVIEWS @join__graph(name: "reviews", url: "http://127.0.0.1:4004/graphql")',
    );
    expect(supergraph).toMatch(/type Review\s+@join__type\(graph: REVIEWS, key: "id"\)/);
    expect(supergraph).toMatch(/review\(id: ID!\): Review @join__field\(graph: REVIEWS\)/);
    expect(supergraph).toMatch(
      /createReview\(name: String!\): Review! @join__field\(graph: REVIEWS\) @requiresScopes\(scopes: \[\["admin"\]\]\)/,
    );
  });

  it("lists its fields in docs/authorization.md's access table, the mutation for admins only", async () => {
    await tool(copy, 'node', ['schema/src/compose-cli.ts']);
    await tool(copy, 'node', ['schema/src/access-docs-cli.ts']);
    const rows = markdownTableRows(readFileSync(join(copy, 'docs/authorization.md'), 'utf8')).filter(
      ([, field]) => field === '`Query.review`' || field === '`Mutation.createReview`',
    );

    expect(rows).toEqual([
      [
        '',
        '`Mutation.createReview`',
        'root',
        '`@requiresScopes(scopes: [["admin"]])`',
        'no',
        'no',
        'yes',
        '',
      ],
      ['', '`Query.review`', 'root', '`@authenticated`', 'no', 'yes', 'yes', ''],
    ]);
  });

  it('starts on a free port with its embedded database and answers the gateway', async () => {
    const port = await freePort();
    const { INTERNAL_SECRET } = testSecrets();
    const child: ChildProcess = spawn(process.execPath, ['src/index.ts'], {
      cwd: dir(),
      env: {
        PATH,
        PORT: String(port),
        HOST: '127.0.0.1',
        INTERNAL_SECRET,
        DATA_DIR: 'memory://',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const origin = `http://127.0.0.1:${port}`;
      await eventually(
        async () => expect((await fetch(`${origin}/health/ready`).catch(() => null))?.status).toBe(200),
        { timeoutMs: 60_000 },
      );
      const token = await signInternalToken(GRACE, INTERNAL_SECRET);
      const res = await graphql(
        `${origin}/graphql`,
        '{ review(id: "a0000000-0000-4000-8000-000000000001") { id name } }',
        {},
        { [INTERNAL_TOKEN_HEADER]: token },
      );

      expect(res.body).toEqual({
        data: { review: { id: 'a0000000-0000-4000-8000-000000000001', name: 'First review' } },
      });
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
  });

  it('passes its generated tests, which use the shared harness and typed documents', async () => {
    const report = join(copy, 'reviews-tests.json');
    // The default reporter's output shows in the error when a generated test fails; the JSON counts them.
    await tool(dir(), 'vitest', [
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]);
    const results = JSON.parse(readFileSync(report, 'utf8')) as {
      numTotalTests: number;
      numPassedTests: number;
      numFailedTests: number;
    };

    expect(results).toMatchObject({ numTotalTests: 14, numPassedTests: 14, numFailedTests: 0 });
  });
});
