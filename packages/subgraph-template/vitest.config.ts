import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // generate.test.ts copies the repository, runs codegen, composition, a typecheck and the generated tests.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
