import { createHash } from 'node:crypto';
import {
  Kind,
  print,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import type { OperationFile } from './corpus.ts';
import { parseOperationFile } from './parse.ts';

/**
 * Apollo's persisted query manifest: the list of operations production executes (trusted documents), read by
 * the gateway (TRUSTED_DOCUMENTS) and by Apollo Client's `@apollo/persisted-query-lists`.
 */
export interface PersistedQueryManifest {
  readonly format: 'apollo-persisted-query-manifest';
  readonly version: 1;
  readonly operations: readonly ManifestOperation[];
}

export interface ManifestOperation {
  /** SHA-256 (hex) of `body`, exactly as written: what Apollo Client sends as `persistedQuery.sha256Hash`. */
  readonly id: string;
  readonly name: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly body: string;
}

// Subgraph test corpora are written against one subgraph's schema (`_entities`, internal fields) and are never
// sent to the gateway by a client; only client corpora become trusted documents.
const NOT_CLIENT_CORPORA = ['subgraphs/', 'packages/'];

/** The corpus files that clients send through the gateway: every `operations/` folder outside subgraphs/ and packages/. */
export const isClientCorpusFile = (file: OperationFile): boolean =>
  !NOT_CLIENT_CORPORA.some((prefix) => file.file.startsWith(prefix));

export const documentIdOf = (body: string): string => createHash('sha256').update(body).digest('hex');

/**
 * The manifest of every named operation in `corpus`, with the body Apollo Client would send for it: the
 * operation and the fragments it uses, `__typename` added to every selection set below the root (as Apollo
 * Client's cache does), operations before fragments and each sorted by name (`sortTopLevelDefinitions`), then
 * printed by graphql-js. So ids equal those `@apollo/generate-persisted-query-manifest` computes for the
 * same documents. Problems (unparsable files, anonymous operations, names used twice, unknown fragments) are
 * returned, never thrown.
 */
export function buildManifest(corpus: readonly OperationFile[]): {
  manifest: PersistedQueryManifest;
  problems: string[];
} {
  const problems: string[] = [];
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: { file: string; operation: OperationDefinitionNode }[] = [];
  for (const file of corpus) {
    const parsed = parseOperationFile(file);
    if ('error' in parsed) {
      problems.push(parsed.error);
      continue;
    }
    for (const definition of parsed.document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      if (definition.kind === Kind.OPERATION_DEFINITION)
        operations.push({ file: file.file, operation: definition });
    }
  }
  const seen = new Map<string, string>();
  const entries: ManifestOperation[] = [];
  for (const { file, operation } of operations) {
    const name = operation.name?.value;
    if (!name) {
      problems.push(`${file}: an anonymous ${operation.operation} cannot be a trusted document; name it`);
      continue;
    }
    if (seen.has(name)) {
      problems.push(
        `${file} (${operation.operation} ${name}): the name is already used in ${seen.get(name)}`,
      );
      continue;
    }
    seen.set(name, file);
    try {
      const document = withTypename({
        kind: Kind.DOCUMENT,
        definitions: [operation, ...fragmentsUsedBy(operation, fragments)],
      });
      const body = print(sortTopLevelDefinitions(document));
      entries.push({ id: documentIdOf(body), name, type: operation.operation, body });
    } catch (error) {
      problems.push(`${file} (${operation.operation} ${name}): ${(error as Error).message}`);
    }
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    manifest: { format: 'apollo-persisted-query-manifest', version: 1, operations: entries },
    problems,
  };
}

/** The manifest file's text: stable, prettier-formatted JSON. */
export const renderManifest = (manifest: PersistedQueryManifest): string =>
  `${JSON.stringify(manifest, null, 2)}\n`;

function fragmentsUsedBy(
  root: DefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: DefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name)) return;
        const fragment = fragments.get(name);
        if (!fragment) throw new Error(`uses fragment ${name}, which no corpus file defines`);
        used.set(name, fragment);
        collect(fragment);
      },
    });
  collect(root);
  return [...used.values()];
}

const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

/**
 * Apollo Client's `addTypenameToDocument`: every selection set except an operation's root one gets a
 * `__typename` field at its end, unless it already selects one or belongs to an introspection field.
 */
function withTypename(document: DocumentNode): DocumentNode {
  return visit(document, {
    SelectionSet: {
      enter(node, _key, parent) {
        if (
          parent &&
          !Array.isArray(parent) &&
          (parent as { kind?: string }).kind === Kind.OPERATION_DEFINITION
        )
          return undefined;
        const field = parent && !Array.isArray(parent) ? (parent as FieldNode) : undefined;
        if (field?.kind === Kind.FIELD && field.name.value.startsWith('__')) return undefined;
        const hasTypename = node.selections.some(
          (selection) => selection.kind === Kind.FIELD && selection.name.value === '__typename',
        );
        if (hasTypename) return undefined;
        return { ...node, selections: [...node.selections, TYPENAME] };
      },
    },
  });
}

/** `@apollo/persisted-query-lists`' sortTopLevelDefinitions: operations before fragments, each by name. */
function sortTopLevelDefinitions(document: DocumentNode): DocumentNode {
  const nameOf = (definition: DefinitionNode) =>
    'name' in definition && definition.name ? definition.name.value : '';
  const definitions = [...document.definitions].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind > b.kind ? -1 : 1;
    const [x, y] = [nameOf(a), nameOf(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { ...document, definitions };
}
