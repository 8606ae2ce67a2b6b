import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// Tests start real HTTP servers and load the real supergraph; the default 5 s leaves no room on a slow CI box.
export default defineConfig({
  resolve: {
    alias: [
      // graphql ships CommonJS (main) and ESM (module). Node, and the CommonJS Apollo packages, load the CommonJS
      // build; Vite would give our sources the ESM one, and graphql-js refuses to mix schema objects from two
      // copies (src/defer/schema.ts extends the gateway's schema).
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
    ],
  },
  test: { globalSetup: ['tests/global-setup.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
