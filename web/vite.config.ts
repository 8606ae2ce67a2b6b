import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { devGatewayUrl, trustedDocumentIds } from './build/trusted-documents.ts';
import { loadDevEnv } from './server/env.ts';

const ROOT = join(import.meta.dirname, '..');

export default defineConfig(() => {
  const env = loadDevEnv(process.env);
  return {
    plugins: [
      react(),
      devGatewayUrl(env.GATEWAY_URL),
      trustedDocumentIds({
        manifestPath: join(ROOT, 'schema/persisted-query-manifest.json'),
        operationsDir: join(import.meta.dirname, 'operations'),
      }),
    ],
    // The gateway's CORS allow-list names http://localhost:3000 and http://127.0.0.1:3000 in development.
    server: { port: env.WEB_PORT, strictPort: true, host: '127.0.0.1' },
    build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, reportCompressedSize: false },
  };
});
