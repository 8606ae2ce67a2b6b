import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyPatch, parsePatch, patchTarget } from '../../scripts/patch-dependencies.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const PATCH = join(ROOT, 'patches', 'postgres+3.4.9.patch');
const files = parsePatch(readFileSync(PATCH, 'utf8'));

/** The installed (patched) file with every hunk undone: what a fresh `npm ci` extracts before postinstall. */
function pristine(path: string): string {
  let content = readFileSync(join(ROOT, path), 'utf8');
  for (const hunk of files.find((file) => file.path === path)!.hunks) {
    const after = hunk.after.join('\n');
    expect(content.split(after)).toHaveLength(2);
    content = content.replace(after, hunk.before.join('\n'));
  }
  return content;
}

describe('the postgres.js patch (patches/README.md)', () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** A root whose node_modules/postgres holds unpatched copies of the patched files, at `version`. */
  function freshInstall(version: string): string {
    const root = mkdtempSync(join(tmpdir(), 'patch-test-'));
    temps.push(root);
    for (const file of files) {
      mkdirSync(dirname(join(root, file.path)), { recursive: true });
      writeFileSync(join(root, file.path), pristine(file.path));
    }
    writeFileSync(join(root, 'node_modules/postgres/package.json'), JSON.stringify({ version }));
    return root;
  }

  it('is installed: every hunk is in node_modules/postgres (npm ci ran the root postinstall)', () => {
    expect(files.map((file) => file.path).sort()).toEqual([
      'node_modules/postgres/cjs/src/connection.js',
      'node_modules/postgres/src/connection.js',
    ]);
    expect(files.every((file) => file.hunks.length === 4)).toBe(true);
    expect(applyPatch(ROOT, PATCH, { dryRun: true })).toBe('already-applied');
    const installed = readFileSync(join(ROOT, 'node_modules/postgres/src/connection.js'), 'utf8');
    expect(installed).toContain("error(Errors.connection('CONNECTION_CLOSED', options))");
    expect(installed).toContain('return fetchArrayTypes().catch(() => {})');
  });

  it('is applied by `npm ci`: the root postinstall runs the patcher, and the Docker install stage has both', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts['postinstall']).toBe('node scripts/patch-dependencies.ts');
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const install = dockerfile.slice(dockerfile.indexOf('AS install'), dockerfile.indexOf('RUN npm ci'));
    expect(install).toContain('COPY --from=prune /repo/patches/ ./patches/');
    expect(install).toContain('COPY --from=prune /repo/scripts/patch-dependencies.ts ./scripts/');
  });

  it('turns a fresh install into the installed files, once: a second run changes nothing', () => {
    const root = freshInstall('3.4.9');
    expect(applyPatch(root, PATCH)).toBe('applied');
    for (const file of files) {
      expect(readFileSync(join(root, file.path), 'utf8')).toBe(readFileSync(join(ROOT, file.path), 'utf8'));
    }
    expect(applyPatch(root, PATCH)).toBe('already-applied');
  });

  it('refuses another version of the package, so an upgrade cannot silently drop the fix', () => {
    const root = freshInstall('3.4.10');
    expect(() => applyPatch(root, PATCH)).toThrow(/is for postgres 3\.4\.9, but 3\.4\.10 is installed/);
  });

  it('leaves every file untouched when one hunk does not match', () => {
    const root = freshInstall('3.4.9');
    const esm = join(root, 'node_modules/postgres/src/connection.js');
    const cjs = join(root, 'node_modules/postgres/cjs/src/connection.js');
    writeFileSync(
      esm,
      readFileSync(esm, 'utf8').replace('function nextWrite(fn) {', 'function nextWrite(f) {'),
    );
    const before = readFileSync(cjs, 'utf8');
    expect(() => applyPatch(root, PATCH)).toThrow(/context is missing or not unique/);
    expect(readFileSync(cjs, 'utf8')).toBe(before);
  });

  it('reads scoped package names from patch-package style file names', () => {
    expect(patchTarget('postgres+3.4.9.patch')).toEqual({ name: 'postgres', version: '3.4.9' });
    expect(patchTarget('@scope+name+1.2.3.patch')).toEqual({ name: '@scope/name', version: '1.2.3' });
  });
});

describe('the @apollo/gateway patch (patches/README.md): code it does not run is not loaded', () => {
  const GATEWAY_PATCH = join(ROOT, 'patches', '@apollo+gateway+2.14.4.patch');
  /** What the patch moved from import time to first use. */
  const LAZY = [
    'make-fetch-happen',
    'node-cpu-count',
    '@opentelemetry/semantic-conventions/incubating',
    '@opentelemetry/sdk-metrics',
    '@opentelemetry/resource-detector-alibaba-cloud',
    '@opentelemetry/resource-detector-aws',
    '@opentelemetry/resource-detector-gcp',
    '@opentelemetry/resource-detector-azure',
    '@opentelemetry/resources',
    '@opentelemetry/exporter-metrics-otlp-http',
  ];
  /**
   * What `script` prints as JSON, run in a fresh process (this one's module cache holds whatever other tests
   * loaded), with the gateway's own usage metrics off as the router sets them (src/server.ts).
   */
  const printedBy = (script: string): unknown =>
    JSON.parse(
      execFileSync(process.execPath, ['-e', script], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, APOLLO_TELEMETRY_DISABLED: 'true' },
      }),
    );

  it('is installed', () => {
    expect(applyPatch(ROOT, GATEWAY_PATCH, { dryRun: true })).toBe('already-applied');
  });

  it('leaves them out of a process that imports the gateway, and each still resolves from it', () => {
    const script = `
      const { ApolloGateway, RemoteGraphQLDataSource } = require('@apollo/gateway');
      // As the router builds them: a data source given its fetcher.
      new RemoteGraphQLDataSource({ url: 'http://127.0.0.1:1/graphql', fetcher: async () => ({}) });
      new ApolloGateway({ supergraphSdl: async () => ({ supergraphSdl: '' }) });
      const { createRequire } = require('node:module');
      const fromTelemetry = createRequire(require.resolve('@apollo/gateway/dist/utilities/opentelemetry.js'));
      console.log(JSON.stringify({
        loaded: Object.keys(require.cache).filter((file) =>
          /node_modules\\/(@opentelemetry\\/(sdk-metrics|resources|resource-detector-[a-z-]+|exporter-metrics-otlp-http|semantic-conventions)|node-cpu-count|make-fetch-happen)\\//.test(file)),
        resolves: ${JSON.stringify(LAZY)}.every((name) => Boolean(fromTelemetry.resolve(name))),
        defaultFetcher: typeof new RemoteGraphQLDataSource({ url: 'http://127.0.0.1:1/graphql' }).fetcher,
      }));`;
    expect(printedBy(script)).toEqual({ loaded: [], resolves: true, defaultFetcher: 'function' });
  });

  it('builds the node-fetch Request of a subgraph fetch only for a hook that receives it', () => {
    const script = `
      // node-fetch as the gateway resolves it (it may have a copy of its own).
      const nodeFetch = require('node:module').createRequire(require.resolve('@apollo/gateway'))('node-fetch');
      let built = 0;
      const Original = nodeFetch.Request;
      nodeFetch.Request = class extends Original { constructor(...args) { super(...args); built += 1; } };
      const { RemoteGraphQLDataSource } = require('@apollo/gateway');
      const answer = { ok: true, headers: { get: () => 'application/json' }, json: async () => ({ data: { a: 1 } }) };
      const request = () => ({ query: '{ a }', http: { url: 'http://127.0.0.1:1/graphql', method: 'POST', headers: new Map() } });
      (async () => {
        const counts = {};
        const plain = new RemoteGraphQLDataSource({ url: 'http://127.0.0.1:1/graphql', fetcher: async () => answer });
        const data = (await plain.sendRequest(request(), {})).data;
        counts.answered = built;
        let seen;
        const failing = new RemoteGraphQLDataSource({ url: 'http://127.0.0.1:1/graphql', fetcher: async () => { throw new Error('down'); } });
        failing.didEncounterError = (error, fetchRequest) => { seen = fetchRequest instanceof Original; throw error; };
        await failing.sendRequest(request(), {}).catch(() => {});
        counts.failed = built - counts.answered;
        class Reading extends RemoteGraphQLDataSource {
          parseBody(response, fetchRequest) { seen = seen && fetchRequest instanceof Original; return response.json(); }
        }
        await new Reading({ url: 'http://127.0.0.1:1/graphql', fetcher: async () => answer }).sendRequest(request(), {});
        counts.overridden = built - counts.answered - counts.failed;
        console.log(JSON.stringify({ data, counts, hooksGotRequests: seen }));
      })();`;
    expect(printedBy(script)).toEqual({
      data: { a: 1 },
      counts: { answered: 0, failed: 1, overridden: 1 },
      hooksGotRequests: true,
    });
  });
});
