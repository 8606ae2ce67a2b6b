import { defineConfig } from 'vitest/config';

// Tests start real HTTP servers and load the real supergraph; the default 5 s leaves no room on a slow CI box.
export default defineConfig({
  test: { globalSetup: ['tests/global-setup.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
