import { randomBytes } from 'node:crypto';

/** Fresh secrets for each test process: nothing secret is ever committed, not even for tests. */
export function testSecrets() {
  return {
    JWT_SECRET: randomBytes(32).toString('hex'),
    INTERNAL_SECRET: randomBytes(32).toString('hex'),
  };
}
