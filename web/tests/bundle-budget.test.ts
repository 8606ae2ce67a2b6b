import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { operationNames } from '../build/trusted-documents.ts';
import { DIST_DIR } from './build-app.ts';

/** What a first visit downloads, compressed as the static server sends it. */
const BUDGET_GZIPPED_JS_BYTES = 200 * 1024;

describe('the production build', () => {
  it(`ships at most ${BUDGET_GZIPPED_JS_BYTES / 1024} KB of gzipped JavaScript`, () => {
    const assets = join(DIST_DIR, 'assets');
    const scripts = readdirSync(assets).filter((file) => file.endsWith('.js'));
    const sizes = scripts.map((file) => ({
      file,
      gzipped: gzipSync(readFileSync(join(assets, file)), { level: 9 }).length,
    }));
    const total = sizes.reduce((sum, { gzipped }) => sum + gzipped, 0);
    console.log(`gzipped JavaScript: ${(total / 1024).toFixed(1)} KB in ${scripts.length} file(s)`, sizes);
    expect(scripts.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(BUDGET_GZIPPED_JS_BYTES);
  });

  it('names the gateway nowhere: the static server writes it into index.html at serve time', () => {
    const html = readFileSync(join(DIST_DIR, 'index.html'), 'utf8');
    expect(html).toContain('<meta name="supergraph-gateway-url" content="__GATEWAY_URL__"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("carries the app's trusted-document ids, not the manifest's operation text", () => {
    const assets = join(DIST_DIR, 'assets');
    const code = readdirSync(assets)
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(assets, file), 'utf8'))
      .join('\n');
    const manifest = JSON.parse(
      readFileSync(join(DIST_DIR, '..', '..', 'schema', 'persisted-query-manifest.json'), 'utf8'),
    ) as { operations: { id: string; name: string; type: string; body: string }[] };
    const ours = new Set(operationNames(join(DIST_DIR, '..', 'operations')));
    expect(ours).toContain('AccountPage');
    for (const { name, id, type, body } of manifest.operations) {
      // Operations of other clients (e2e/operations) are trusted too, but nothing of theirs is in this bundle.
      if (ours.has(name)) expect(code, name).toContain(id);
      else expect(code, name).not.toContain(id);
      // A subscription's text goes with its id (graphql-ws requires a query); no other text does.
      const bodyInBundle = code.includes(body) || code.includes(JSON.stringify(body).slice(1, -1));
      expect(bodyInBundle, name).toBe(ours.has(name) && type === 'subscription');
    }
  });
});
