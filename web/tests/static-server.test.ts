import { listen, type RunningServer } from '@supergraph/service-kit/http/listen';
import { createLogger } from '@supergraph/service-kit/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createStaticServer } from '../server/static-server.ts';
import { DIST_DIR } from './build-app.ts';

/** The server compose and Kubernetes run in front of the build (and the browser tests use). */
let server: RunningServer;
beforeAll(async () => {
  server = await listen(
    createStaticServer({
      distDir: DIST_DIR,
      gatewayUrl: 'https://api.example.com/graphql',
      logger: createLogger('web', 'silent'),
    }),
    0,
    '127.0.0.1',
  );
});
afterAll(() => server?.close(0));

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers });

describe('the static server', () => {
  it('answers every screen of the app with index.html, the gateway URL written in, never cached', async () => {
    for (const path of ['/', '/orders', '/orders/8d5c1a7e', '/account']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain(
        '<meta name="supergraph-gateway-url" content="https://api.example.com/graphql"',
      );
    }
  });

  it('lets the page reach its own origin and the gateway only (Content-Security-Policy)', async () => {
    const response = await get('/');
    expect(response.headers.get('content-security-policy')).toBe(
      contentSecurityPolicy('https://api.example.com/graphql'),
    );
    expect(response.headers.get('content-security-policy')).toContain(
      "connect-src 'self' https://api.example.com wss://api.example.com",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves hashed assets gzipped and cacheable for ever; a missing file is 404, a POST 405', async () => {
    const html = await (await get('/')).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const response = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // fetch decompresses; the raw length is what travelled.
    expect(Number(response.headers.get('content-length'))).toBeLessThan(
      (await response.arrayBuffer()).byteLength,
    );
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await fetch(`${server.url}/orders`, { method: 'POST' })).status).toBe(405);
  });

  it('answers the health checks of compose and Kubernetes', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      const response = await get(path);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
  });
});
