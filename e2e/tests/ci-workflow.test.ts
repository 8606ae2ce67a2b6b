import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * .github/workflows/ci.yml cannot run here, so this proves what can go wrong in it without GitHub: a CI that
 * drifts from .ci/run (the one CI definition), a step that calls a script nobody defines, an image built with arguments the Dockerfile and docker-compose.yml do not
 * use, or a service image that is built (and, on main, pushed) when another service changed.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Step {
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  services?: Record<string, { image?: string }>;
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}
interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[];
}

const workflow = parse(read('.github/workflows/ci.yml')) as Workflow;
const rootPackage = JSON.parse(read('package.json')) as PackageJson;

/** Every workspace of the root package.json, by name and by folder (`-w` takes either). */
function workspaces(): Map<string, PackageJson> {
  const found = new Map<string, PackageJson>();
  for (const pattern of rootPackage.workspaces ?? []) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => `${pattern.slice(0, -2)}/${entry.name}`)
      : [pattern];
    for (const dir of dirs) {
      if (!existsSync(join(root, dir, 'package.json'))) continue;
      const pkg = JSON.parse(read(`${dir}/package.json`)) as PackageJson;
      found.set(pkg.name, pkg).set(dir, pkg);
    }
  }
  return found;
}

/**
 * The npm and npx commands in a `run:` script that refer to nothing: `npm run <script>`, `npm test`, `npm start`
 * (in the root package.json, or in each workspace named by `-w`/`--workspace`), `npm ci` (needs the lockfile),
 * `npx <bin>` (a dependency of the root package).
 */
function unresolvedCommands(run: string, packages = workspaces()): string[] {
  const problems: string[] = [];
  for (const segment of run.split(/\n|&&|\|\||;|\|/)) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    if (words[0] === 'npx') {
      const bin = words.slice(1).find((word) => !word.startsWith('-'));
      const declared = { ...rootPackage.dependencies, ...rootPackage.devDependencies };
      if (bin && !(bin in declared)) problems.push(`${segment.trim()}: ${bin} is not a root dependency`);
      continue;
    }
    if (words[0] !== 'npm') continue;
    const targets: string[] = [];
    const positionals: string[] = [];
    for (let index = 1; index < words.length; index += 1) {
      const word = words[index]!;
      if (word === '--') break;
      if (word === '-w' || word === '--workspace') targets.push(words[++index] ?? '');
      else if (word.startsWith('--workspace=')) targets.push(word.slice('--workspace='.length));
      else if (!word.startsWith('-')) positionals.push(word);
    }
    const [command, name] = positionals;
    if (command === 'ci' || command === 'install') {
      if (!existsSync(join(root, 'package-lock.json')))
        problems.push(`${segment.trim()}: no package-lock.json`);
      continue;
    }
    const script =
      command === 'run' || command === 'run-script'
        ? name
        : command === 'test' || command === 't'
          ? 'test'
          : command === 'start'
            ? 'start'
            : undefined;
    if (script === undefined) continue;
    const owners = targets.length === 0 ? [rootPackage] : targets.map((target) => packages.get(target));
    for (const [index, owner] of owners.entries()) {
      if (!owner) problems.push(`${segment.trim()}: no workspace ${targets[index]}`);
      else if (!owner.scripts?.[script])
        problems.push(`${segment.trim()}: ${owner.name} has no script "${script}"`);
    }
  }
  return problems;
}

/** The jobs that build an image, with the build arguments they pass to the Dockerfile. */
function imageJobs() {
  return Object.entries(workflow.jobs).flatMap(([name, job]) => {
    const build = job.steps.find((step) => step.uses?.startsWith('docker/build-push-action@'));
    if (!build) return [];
    const args = Object.fromEntries(
      String(build.with?.['build-args'] ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .map((line) => line.split('=', 2) as [string, string]),
    );
    return [{ name, job, build, args }];
  });
}

/** SERVICE → SERVICE_DIR of every service docker-compose.yml builds from the Dockerfile. */
function composeServices(): Record<string, string> {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<string, { build?: { dockerfile?: string; args?: Record<string, string> } }>;
  };
  return Object.fromEntries(
    Object.values(compose.services)
      .filter((service) => service.build?.dockerfile === 'Dockerfile')
      .map((service) => [service.build!.args!['SERVICE']!, service.build!.args!['SERVICE_DIR']!]),
  );
}

describe('the GitHub Actions workflow', () => {
  it('runs on pushes and pull requests', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it('only calls npm scripts, workspaces and tools that exist', () => {
    const runs = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => step.run ?? []));
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.flatMap((run) => unresolvedCommands(run))).toEqual([]);
  });

  it('would notice a step that calls a script nobody defines', () => {
    expect(unresolvedCommands('npm run schema:chek')).toEqual([
      'npm run schema:chek: supergraph has no script "schema:chek"',
    ]);
    expect(unresolvedCommands('npm run plans -w @supergraph/nope')).toEqual([
      'npm run plans -w @supergraph/nope: no workspace @supergraph/nope',
    ]);
    expect(
      unresolvedCommands('npm run plans --workspace=@supergraph/schema && npm test && npx turbo ls'),
    ).toEqual([]);
  });

  it('runs the one CI script, .ci/run, with the history schema:check compares against', () => {
    const checks = workflow.jobs['checks']!;
    const checkout = checks.steps.find((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with?.['fetch-depth']).toBe(0);
    const setupNode = checks.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with).toMatchObject({ 'node-version': 24, cache: 'npm' });
    // Nothing else runs in the job: every check lives in .ci/run, so the two CI definitions cannot drift.
    expect(checks.steps.flatMap((step) => step.run ?? [])).toEqual(['bash .ci/run']);
  });

  it('gives .ci/run every service it waits for, as the machine provides them', () => {
    const script = read('.ci/run');
    const ports = [...script.matchAll(/^if ! answers (\d+); then$/gm)].map((match) => Number(match[1]));
    expect(ports.sort()).toEqual([5432, 5672, 6379]);
    const services = workflow.jobs['checks']!.services ?? {};
    const published = Object.values(services).flatMap((service) =>
      ((service as { ports?: string[] }).ports ?? []).map((mapping) => Number(mapping.split(':')[0])),
    );
    expect(published.sort()).toEqual(ports);
    // .ci/run's PostgreSQL URL has no password: the job's server trusts local connections, as the machine's does.
    expect(script).toContain('PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"');
    expect((services['postgres'] as { env?: Record<string, string> }).env).toEqual({
      POSTGRES_HOST_AUTH_METHOD: 'trust',
    });
  });

  it('runs the README’s test command, on PGlite and on PostgreSQL, after the formatting and schema checks', () => {
    expect(read('README.md')).toMatch(/^npm test$/m);
    const commands = read('.ci/run')
      .split('\n')
      .filter((line) => /^(\w+=\S+ )?npm /.test(line))
      .map((line) => line.replace(/ 2>&1.*$/, ''));
    expect(commands).toEqual([
      'npm ci --no-audit --no-fund',
      'npm run format:check',
      'npm run schema:check',
      'npm test',
      'TEST_DATABASE_URL="$PG_ADMIN_URL" npm test',
      'npm exec -- node scripts/test-summary.ts "$logs"/*.log',
    ]);
    expect(unresolvedCommands(commands.join('\n'))).toEqual([]);
  });

  it('builds each image with the build arguments the Dockerfile declares and docker-compose.yml passes', () => {
    const dockerfileArgs = [...read('Dockerfile').matchAll(/^ARG (\w+)(=.*)?$/gm)]
      .filter((match) => match[2] === undefined)
      .map((match) => match[1]);
    const required = [...new Set(dockerfileArgs)].sort();
    expect(required).toEqual(['SERVICE', 'SERVICE_DIR']);

    const jobs = imageJobs();
    for (const { args } of jobs) expect(Object.keys(args).sort()).toEqual(required);
    const built = Object.fromEntries(jobs.map(({ args }) => [args['SERVICE'], args['SERVICE_DIR']]));
    expect(built).toEqual(composeServices());
    // The Dockerfile prunes the workspace named @supergraph/${SERVICE}: SERVICE_DIR must be that workspace.
    expect(read('Dockerfile')).toContain('"@supergraph/${SERVICE}"');
    for (const [service, dir] of Object.entries(built)) {
      expect((JSON.parse(read(`${dir}/package.json`)) as PackageJson).name).toBe(`@supergraph/${service}`);
    }
  });

  it('builds each service only when its own workspace is affected, after the checks, pushing only on main', () => {
    const jobs = imageJobs();
    expect(jobs.map(({ args }) => args['SERVICE']).sort()).toEqual(['catalog', 'orders', 'router', 'users']);
    for (const { name, job, build, args } of jobs) {
      const service = args['SERVICE']!;
      const needs = [job.needs ?? []].flat();
      expect(needs, name).toContain('checks');

      const gate = /^needs\.([\w-]+)\.outputs\.([\w-]+) == 'true'$/.exec(job.if ?? '');
      expect(gate, `${name}: if: needs.<job>.outputs.${service} == 'true'`).not.toBeNull();
      const [, gateJob, output] = gate!;
      expect(output, name).toBe(service);
      expect(needs, name).toContain(gateJob);

      const detector = workflow.jobs[gateJob!]!;
      const stepId = /^\$\{\{ steps\.([\w-]+)\.outputs\.affected \}\}$/.exec(
        detector.outputs?.[service] ?? '',
      )?.[1];
      const step = detector.steps.find((candidate) => candidate.id === stepId);
      expect(step?.run, `${gateJob}.outputs.${service}`).toMatch(/\bturbo\b.*\baffected\b/);
      const packages = [...(step?.run ?? '').matchAll(/@supergraph\/[\w-]+/g)].map((match) => match[0]);
      expect([...new Set(packages)], `${gateJob}.outputs.${service}`).toEqual([`@supergraph/${service}`]);

      const onMain = "${{ github.ref == 'refs/heads/main' }}";
      expect(build.with?.['push'], name).toBe(onMain);
      const login = job.steps.find((candidate) => candidate.uses?.startsWith('docker/login-action@'));
      expect(login?.if, name).toBe("github.ref == 'refs/heads/main'");
    }
  });

  it('rebuilds the gateway image when the composed supergraph it carries changes', () => {
    const router = workflow.jobs['affected']!.steps.find((step) => step.id === 'router');
    expect(read('Dockerfile')).toContain('/repo/schema/supergraph.graphql ./schema/supergraph.graphql');
    expect(router?.run).toContain('git diff --quiet "$BASE" HEAD -- schema/supergraph.graphql');
  });
});
