import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAccessTable, withAccessTable } from './access-table.ts';
import { readPublicFields } from './authorization.ts';
import { REPO_ROOT } from './paths.ts';
import { SUPERGRAPH_PATH } from './supergraph-file.ts';

/** Rewrites the table in docs/authorization.md from the committed supergraph. */
export const ACCESS_DOC_PATH = join(REPO_ROOT, 'docs', 'authorization.md');

const table = renderAccessTable(readFileSync(SUPERGRAPH_PATH, 'utf8'), readPublicFields());
writeFileSync(ACCESS_DOC_PATH, withAccessTable(readFileSync(ACCESS_DOC_PATH, 'utf8'), table));
// Formatted as CI checks it (the staleness test compares cells, not padding).
spawnSync('npx', ['prettier', '--write', ACCESS_DOC_PATH], { cwd: REPO_ROOT, stdio: 'inherit' });
console.log('wrote docs/authorization.md');
