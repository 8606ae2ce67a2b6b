import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      // As in production (Node loads graphql's CommonJS main): the gateway's trusted documents (A+ids) validate
      // against schemas that the CommonJS Apollo packages built, and graphql-js refuses a second (ESM) copy.
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
    ],
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
