import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      // As in production (Node loads graphql's CommonJS main): the gateway's trusted documents validate against
      // schemas that the CommonJS Apollo packages built, and graphql-js refuses objects from a second (ESM) copy.
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
    ],
  },
  test: {
    globalSetup: ['tests/global-setup.ts'],
    // Two files at a time: most of an e2e file's time is spent waiting on processes it started, and one worker
    // (vitest's default on two cores) made this package the longest task of `npm test` by minutes.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
