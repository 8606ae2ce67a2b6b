import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '@supergraph/service-kit/logger';
import { readStaticFiles, type StaticFile } from './static-files.ts';

export interface StaticServerOptions {
  /** The built app (`web/dist`). */
  distDir: string;
  /** The gateway URL the page calls: written into index.html, and the only other origin CSP lets it reach. */
  gatewayUrl: string;
  logger: Logger;
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The browser may load this app's own files and talk to the gateway (HTTP, and WebSocket for subscriptions)
 * and nothing else: no inline script, no third-party origin, no framing.
 */
export function contentSecurityPolicy(gatewayUrl: string): string {
  const gateway = new URL(gatewayUrl);
  const socket = `${gateway.protocol === 'https:' ? 'wss:' : 'ws:'}//${gateway.host}`;
  return [
    "default-src 'self'",
    `connect-src 'self' ${gateway.origin} ${socket}`,
    "img-src 'self' data:",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Serves the production build: files by path (gzipped when the browser accepts it), index.html for every app
 * path (the app routes in the browser), `/health/live` and `/health/ready` for orchestrators. Reads the build
 * once, at construction.
 */
export function createStaticServer({ distDir, gatewayUrl, logger }: StaticServerOptions): RequestListener {
  const { files, index } = readStaticFiles(distDir, (html) =>
    html.replace('__GATEWAY_URL__', escapeAttribute(gatewayUrl)),
  );
  const headers = {
    'content-security-policy': contentSecurityPolicy(gatewayUrl),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };

  const send = (req: IncomingMessage, res: ServerResponse, file: StaticFile) => {
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? file.gzipped : file.body;
    res.writeHead(200, {
      ...headers,
      'content-type': file.contentType,
      'content-length': body.length,
      vary: 'accept-encoding',
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://app').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/health/live' || path === '/health/ready') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const file = files.get(path);
    if (file) return send(req, res, file);
    // A path with a file extension is a missing file; any other path is a screen of the app.
    if (/\.[a-z0-9]+$/i.test(path)) {
      logger.debug({ path }, 'no such file');
      res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    send(req, res, index);
  };
}
