import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';

/** Every spelling of a new subgraph's name that its files use, derived from the one name given. */
export interface SubgraphNames {
  /** `reviews`: folder, package (`@supergraph/reviews`), database (`reviews_db`), table, service name. */
  name: string;
  /** `Reviews`: types named after the subgraph (`ReviewsContext`, `ReviewsDb`). */
  pascal: string;
  /** `REVIEWS`: environment variables (`REVIEWS_DB_PASSWORD`). */
  upper: string;
  /** `Review`: the entity type; `review`: its query field and loader. */
  entity: string;
  entityCamel: string;
  /** The port it listens on by default: the next after the existing subgraphs'. */
  port: number;
}

const NAME = /^[a-z][a-z0-9]{1,29}$/;

/** Thrown for a name the generator refuses; the message says what to do instead. */
export class SubgraphNameError extends Error {
  override name = 'SubgraphNameError';
}

const capitalise = (word: string) => word[0]!.toUpperCase() + word.slice(1);

/** `reviews` → `review`, `categories` → `category`, `inventory` → `inventory`. */
function singular(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

/**
 * Checks a new subgraph's name against the repository and derives the rest. Refused: anything but a lower-case
 * word (letters and digits, 2 to 30, starting with a letter: it becomes a folder, a package, a database and
 * identifiers), a name a workspace package already has, and an entity, query field or create mutation the
 * supergraph already has.
 */
export function subgraphNames(repoRoot: string, name: string): SubgraphNames {
  if (!NAME.test(name)) {
    throw new SubgraphNameError(
      `"${name}" is not a subgraph name: use one lower-case word of 2 to 30 letters and digits, starting with a letter (like "reviews").`,
    );
  }
  const taken = workspaceNames(repoRoot);
  if (taken.has(name)) {
    throw new SubgraphNameError(
      `"${name}" is taken: @supergraph/${name} already exists in this repository. Choose another name.`,
    );
  }
  const entityCamel = singular(name);
  const entity = capitalise(entityCamel);
  const { types, queryFields, mutationFields } = supergraphNames(repoRoot);
  if (types.has(entity)) {
    throw new SubgraphNameError(
      `"${name}" would define the type ${entity}, which the supergraph already has. Choose another name.`,
    );
  }
  if (queryFields.has(entityCamel)) {
    throw new SubgraphNameError(
      `"${name}" would add Query.${entityCamel}, which the supergraph already has. Choose another name.`,
    );
  }
  if (mutationFields.has(`create${entity}`)) {
    throw new SubgraphNameError(
      `"${name}" would add Mutation.create${entity}, which the supergraph already has. Choose another name.`,
    );
  }
  return {
    name,
    pascal: capitalise(name),
    upper: name.toUpperCase(),
    entity,
    entityCamel,
    port: nextPort(repoRoot),
  };
}

/** The last segment of every workspace package's name (`@supergraph/users` → `users`), and the folder names. */
function workspaceNames(repoRoot: string): Set<string> {
  const names = new Set<string>();
  for (const dir of ['packages', 'subgraphs']) {
    const parent = join(repoRoot, dir);
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      names.add(entry.name);
      const manifest = join(parent, entry.name, 'package.json');
      if (existsSync(manifest)) {
        const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
        if (name) names.add(name.replace(/^@supergraph\//, ''));
      }
    }
  }
  for (const dir of ['router', 'schema', 'e2e', 'bench']) names.add(dir);
  return names;
}

/** The type names, Query fields and Mutation fields of the committed supergraph. */
function supergraphNames(repoRoot: string) {
  const document = parse(readFileSync(join(repoRoot, 'schema', 'supergraph.graphql'), 'utf8'));
  const types = new Set<string>();
  const queryFields = new Set<string>();
  const mutationFields = new Set<string>();
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    types.add(definition.name.value);
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    const root = definition.name.value;
    const fields = root === 'Query' ? queryFields : root === 'Mutation' ? mutationFields : undefined;
    for (const field of definition.fields ?? []) fields?.add(field.name.value);
  }
  return { types, queryFields, mutationFields };
}

/** One more than the highest default port among the subgraphs' env.ts (`subgraphEnv(…, { port: 4002 …`). */
function nextPort(repoRoot: string): number {
  const dir = join(repoRoot, 'subgraphs');
  const ports = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'src', 'env.ts')))
    .map((entry) => /port: (\d+)/.exec(readFileSync(join(dir, entry.name, 'src', 'env.ts'), 'utf8'))?.[1])
    .filter((port): port is string => port !== undefined)
    .map(Number);
  return Math.max(4000, ...ports) + 1;
}
