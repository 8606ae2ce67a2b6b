import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const WEB_DIR = join(import.meta.dirname, '..');
export const DIST_DIR = join(WEB_DIR, 'dist');

/**
 * `npm run build`: the production build, as compose and Kubernetes serve it (trusted-document ids). In its own
 * process, with NODE_ENV=production: under the test runner's NODE_ENV=test Vite would bundle React's
 * development build.
 */
export function buildApp(): void {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
