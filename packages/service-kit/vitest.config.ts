import { defineConfig } from 'vitest/config';

// Some tests boot PGlite, which takes seconds on a busy shared machine: the same allowance as the subgraphs'.
export default defineConfig({ test: { testTimeout: 30_000, hookTimeout: 60_000 } });
