import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      // graphql ships CommonJS (main) and ESM (module). Node, and the CommonJS Apollo federation packages,
      // load the CommonJS build; Vite would give our sources the ESM one, and graphql-js refuses to mix schema
      // objects from two copies ("Cannot use GraphQLSchema ... from another module or realm").
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') },
    ],
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Composition and query planning take seconds on a busy shared machine.
    testTimeout: 30_000,
  },
});
