// `npm run schema:manifest` (run by `npm run codegen`): writes the trusted-documents manifest from the client corpora.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { findOperationFiles, readOperationFiles } from './operations/corpus.ts';
import { buildManifest, isClientCorpusFile, renderManifest } from './operations/manifest.ts';
import { MANIFEST_PATH, REPO_ROOT } from './paths.ts';

const corpus = readOperationFiles(findOperationFiles(REPO_ROOT), REPO_ROOT).filter(isClientCorpusFile);
const { manifest, problems } = buildManifest(corpus);
if (problems.length > 0) {
  console.error(`The manifest was not written:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
  process.exitCode = 1;
} else {
  writeFileSync(MANIFEST_PATH, renderManifest(manifest));
  console.error(
    `Wrote ${manifest.operations.length} trusted document(s) to ${relative(process.cwd(), MANIFEST_PATH)}.`,
  );
}
