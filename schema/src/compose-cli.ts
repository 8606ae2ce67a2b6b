// `npm run schema:compose`: composes the subgraphs and writes the committed supergraph.graphql.
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { composeSupergraph } from './compose.ts';
import { loadSubgraphs } from './subgraphs.ts';
import { SUPERGRAPH_PATH, renderSupergraphFile } from './supergraph-file.ts';

async function main(): Promise<number> {
  const subgraphs = loadSubgraphs();
  const outcome = composeSupergraph(subgraphs);
  for (const hint of outcome.hints) console.warn(`hint: ${hint}\n`);
  if (!outcome.ok) {
    console.error(
      `Composition of ${subgraphs.map((s) => s.name).join(', ')} failed with ${outcome.errors.length} error(s):\n`,
    );
    for (const error of outcome.errors) console.error(`${error}\n`);
    console.error(`${relative(process.cwd(), SUPERGRAPH_PATH)} was left unchanged.`);
    return 1;
  }

  const next = renderSupergraphFile(outcome.supergraphSdl);
  const previous = await readFile(SUPERGRAPH_PATH, 'utf8').catch(() => undefined);
  const shown = relative(process.cwd(), SUPERGRAPH_PATH);
  if (previous === next) {
    console.log(`${shown} is up to date (${subgraphs.length} subgraphs, ${outcome.hints.length} hint(s)).`);
    return 0;
  }
  await writeFile(SUPERGRAPH_PATH, next);
  console.log(`Wrote ${shown} (${subgraphs.length} subgraphs, ${outcome.hints.length} hint(s)).`);
  return 0;
}

process.exitCode = await main();
