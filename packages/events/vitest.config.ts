import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['tests/global-setup.ts'],
    include: ['tests/**/*.test.ts'],
    // Tests talk to a real RabbitMQ and start databases (PGlite, or fresh PostgreSQL databases).
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
