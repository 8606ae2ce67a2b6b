import {
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * What the gateway needs to know about an operation it sends to a subgraph. The query planner writes one
 * operation per fetch; the same texts come back for every request with the same plan, so parsing is cached.
 */
export interface SubgraphOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode | undefined;
  isMutation: boolean;
}

const CACHE_SIZE = 1_000;
const cache = new Map<string, SubgraphOperation>();

/** Reads a subgraph operation from its text, or from the document the planner already built when it gave one. */
export function subgraphOperation(query: string, document?: DocumentNode): SubgraphOperation {
  const cached = cache.get(query);
  if (cached) return cached;
  const parsed = document ?? parse(query, { noLocation: true });
  const operation = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const result = { document: parsed, operation, isMutation: operation?.operation === 'mutation' };
  if (cache.size >= CACHE_SIZE) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(query, result);
  return result;
}

/**
 * The response paths (relative to the fetch, as a subgraph would report them in its errors) of the fields
 * that a failed fetch should have answered: each root field, or for an entity fetch each field of each
 * requested entity (`['_entities', i, field]`, which the gateway maps back to the entity's place in the
 * client's response).
 */
export function fetchedFieldPaths(
  { document, operation }: SubgraphOperation,
  variables: Record<string, unknown> | undefined,
): (string | number)[][] {
  if (!operation) return [];
  const fragments = new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const paths: (string | number)[][] = [];
  for (const { key, selectionSet } of responseFields(operation.selectionSet, fragments)) {
    if (key === '_entities' && selectionSet) {
      const representations = variables?.['representations'];
      if (!Array.isArray(representations)) continue;
      representations.forEach((representation: unknown, index) => {
        const typename = (representation as { __typename?: unknown } | null)?.__typename;
        const ofType = responseFields(
          selectionSet,
          fragments,
          typeof typename === 'string' ? typename : undefined,
        );
        // A type condition on an interface names no entity's __typename: then every field may be affected.
        const entityFields = ofType.length > 0 ? ofType : responseFields(selectionSet, fragments);
        for (const field of entityFields) paths.push([key, index, field.key]);
      });
    } else {
      paths.push([key]);
    }
  }
  return paths;
}

/**
 * The response keys of a selection set, fragments flattened (only those that apply to `typename`, when
 * given), `__typename` left out, each key once.
 */
function responseFields(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  typename?: string,
): { key: string; selectionSet: SelectionSetNode | undefined }[] {
  const fields = new Map<string, SelectionSetNode | undefined>();
  const applies = (condition: string | undefined) => !typename || !condition || condition === typename;
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (key !== '__typename' && !fields.has(key)) fields.set(key, selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) visit(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && applies(fragment.typeCondition.name.value)) visit(fragment.selectionSet);
      }
    }
  };
  visit(selectionSet);
  return [...fields].map(([key, set]) => ({ key, selectionSet: set }));
}
