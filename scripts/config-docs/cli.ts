/**
 * `npm run docs:config`: writes docs/configuration.md from every service's `env.ts`. With `--check` it writes
 * nothing and exits 1 when the committed page is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIG_REFERENCE_PATH, configReference } from './generate.ts';

const expected = await configReference();
if (process.argv.includes('--check')) {
  const current = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
  if (current !== expected) {
    console.error('docs/configuration.md is stale: run `npm run docs:config` and commit it');
    process.exit(1);
  }
  console.log('docs/configuration.md is current');
} else {
  writeFileSync(CONFIG_REFERENCE_PATH, expected);
  console.log('wrote docs/configuration.md');
}
