import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      // As in production (Node loads graphql's CommonJS main): subscriptions execute against the schema that the
      // CommonJS @apollo/subgraph built, and graphql-js refuses objects from a second (ESM) copy.
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
    ],
  },
  test: {
    globalSetup: ['tests/global-setup.ts'],
    include: ['tests/**/*.test.ts'],
    // Every file starts its own server and database (PGlite boot or a fresh PostgreSQL database).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
