import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/** One file of the build, held in memory with its gzipped form (the whole build is a few hundred KB). */
export interface StaticFile {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly contentType: string;
  /** Vite names everything under assets/ by content hash: cacheable for ever. */
  readonly immutable: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const fileOf = (body: Buffer, path: string, immutable: boolean): StaticFile => ({
  body,
  gzipped: gzipSync(body, { level: 9 }),
  contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
  immutable,
});

/**
 * Every file of `distDir` by URL path (`/assets/index-abc.js`), read once. `index.html` gets `transformIndex`
 * applied (the gateway URL written in), and is what every app path without a file answers.
 */
export function readStaticFiles(
  distDir: string,
  transformIndex: (html: string) => string,
): { files: ReadonlyMap<string, StaticFile>; index: StaticFile } {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const urlPath = `/${relative(distDir, path).split(sep).join('/')}`;
      const body =
        urlPath === '/index.html'
          ? Buffer.from(transformIndex(readFileSync(path, 'utf8')))
          : readFileSync(path);
      files.set(urlPath, fileOf(body, path, urlPath.startsWith('/assets/')));
    }
  };
  walk(distDir);
  const index = files.get('/index.html');
  if (!index)
    throw new Error(`${distDir} has no index.html: build the app first (npm run build -w @supergraph/web)`);
  return { files, index };
}
