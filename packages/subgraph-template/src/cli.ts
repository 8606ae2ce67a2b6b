// `npm run new:subgraph -- <name>`: scaffolds subgraphs/<name> and its entries elsewhere (see generate.ts).
import { join } from 'node:path';
import { generateSubgraph } from './generate.ts';
import { SubgraphNameError } from './names.ts';
import { RepoEditError } from './repo-edits.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
const [name, ...rest] = process.argv.slice(2);

if (!name || rest.length > 0) {
  console.error('Usage: npm run new:subgraph -- <name>   (one lower-case word, like "reviews")');
  process.exit(2);
}

try {
  const { names, created, changed } = await generateSubgraph(REPO_ROOT, name);
  console.log(`Created subgraphs/${name} (entity ${names.entity}, port ${names.port}):`);
  for (const path of created) console.log(`  + ${path}`);
  console.log('Added its entries to:');
  for (const { path, what } of changed) console.log(`  ~ ${path}: ${what}`);
  console.log(`
Next:
  npm install                  link @supergraph/${name} into the workspace
  npm run codegen              its resolver types and typed test documents
  npm run schema:compose       add it to schema/supergraph.graphql
  npm run docs:authorization   list its fields in docs/authorization.md's access table
  npm test -w @supergraph/${name}
Still by hand: the gateway's SUBGRAPH_${names.upper}_URL (router/src/env.ts), the service list of scripts/start.ts
and the resolver map of the schema lint (schema/src/cli/repo-inputs.ts).`);
} catch (error) {
  if (error instanceof SubgraphNameError || error instanceof RepoEditError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
