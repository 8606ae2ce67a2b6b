import {
  GraphQLError,
  Kind,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { meets, type CallerGrants } from './caller.ts';
import type { Requirements } from './requirements.ts';

/** The code of each field removed because the caller may not read it (Apollo Router's). */
export const UNAUTHORIZED_FIELD_OR_TYPE = 'UNAUTHORIZED_FIELD_OR_TYPE';

/** The response key of the `__typename` that stands in for a selection set whose every field was removed. */
export const PLACEHOLDER_KEY = '__authz_placeholder';

/** Where a removed field sits in the response, to answer it with null after execution. */
export interface ResponseTree {
  children: Map<string, ResponseBranch>;
}
export interface ResponseBranch {
  type: GraphQLOutputType;
  /** Removed: answered null (which a non-null type propagates to its parent). */
  removed: boolean;
  /** The stand-in `__typename`: deleted from the response. */
  placeholder: boolean;
  tree: ResponseTree | undefined;
}

export interface Decision {
  /** The operation without the fields the caller may not see; undefined when nothing was removed. */
  document: DocumentNode | undefined;
  /** One per removed field, at its response path (response keys; list items are not numbered). */
  errors: GraphQLError[];
  /** True when every root field was removed: nothing is left to execute. */
  empty: boolean;
  tree: ResponseTree;
}

interface Walk {
  schema: GraphQLSchema;
  requirements: Requirements;
  grants: CallerGrants;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  errors: Map<string, GraphQLError>;
}

/**
 * Removes from an operation every field the caller may not see (its own requirements and those of the type it
 * returns), the way Apollo Router does before planning. Fragments are inlined so that a fragment used at two
 * places is judged at each; fields excluded by @skip/@include are dropped unjudged. Introspection is untouched.
 */
export function decide(
  schema: GraphQLSchema,
  requirements: Requirements,
  grants: CallerGrants,
  operation: OperationDefinitionNode,
  document: DocumentNode,
  variables: Record<string, unknown>,
): Decision {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const root = schema.getRootType(operation.operation);
  const walk: Walk = { schema, requirements, grants, fragments, variables, errors: new Map() };
  const tree: ResponseTree = { children: new Map() };
  const selectionSet = root ? filterSet(walk, operation.selectionSet, root, [], tree) : undefined;
  if (walk.errors.size === 0) return { document: undefined, errors: [], empty: false, tree };
  const empty = !selectionSet;
  const filtered: OperationDefinitionNode = {
    ...operation,
    selectionSet: selectionSet ?? { kind: Kind.SELECTION_SET, selections: [] },
  };
  return {
    document: { kind: Kind.DOCUMENT, definitions: [filtered] },
    errors: [...walk.errors.values()],
    empty,
    tree,
  };
}

/** The kept selections; undefined when none is left. */
function filterSet(
  walk: Walk,
  selectionSet: SelectionSetNode,
  parent: GraphQLCompositeType,
  path: readonly string[],
  tree: ResponseTree,
): SelectionSetNode | undefined {
  const kept: SelectionNode[] = [];
  for (const selection of selectionSet.selections) {
    if (!included(selection.directives, walk.variables)) continue;
    if (selection.kind === Kind.FIELD) {
      const field = filterField(walk, selection, parent, path, tree);
      if (field) kept.push(field);
      continue;
    }
    const fragment =
      selection.kind === Kind.FRAGMENT_SPREAD ? walk.fragments.get(selection.name.value) : selection;
    if (!fragment) continue;
    const conditionName = fragment.typeCondition?.name.value;
    const condition = conditionName ? walk.schema.getType(conditionName) : parent;
    if (!condition || !isCompositeType(condition)) continue;
    const inner = filterSet(walk, fragment.selectionSet, condition, path, tree);
    if (inner) {
      kept.push({
        kind: Kind.INLINE_FRAGMENT,
        ...(fragment.typeCondition ? { typeCondition: fragment.typeCondition } : {}),
        directives: selection.kind === Kind.INLINE_FRAGMENT ? selection.directives : [],
        selectionSet: inner,
      });
    }
  }
  return kept.length > 0 ? { kind: Kind.SELECTION_SET, selections: kept } : undefined;
}

function filterField(
  walk: Walk,
  field: FieldNode,
  parent: GraphQLCompositeType,
  path: readonly string[],
  tree: ResponseTree,
): FieldNode | undefined {
  const name = field.name.value;
  if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return field;
  const definition = parent.getFields()[name];
  if (!definition) return field;
  const key = field.alias?.value ?? name;
  const fieldPath = [...path, key];
  const returned = getNamedType(definition.type);
  const demands = [
    ...(walk.requirements.fields.get(`${parent.name}.${name}`) ?? []),
    ...(walk.requirements.types.get(returned.name) ?? []),
  ];
  const branch = branchOf(tree, key, definition.type);
  if (!demands.every((demand) => meets(walk.grants, demand))) {
    branch.removed = true;
    const at = fieldPath.join('.');
    if (!walk.errors.has(at)) {
      walk.errors.set(
        at,
        new GraphQLError(`Unauthorized field or type: you may not read ${parent.name}.${name}.`, {
          path: fieldPath,
          extensions: { code: UNAUTHORIZED_FIELD_OR_TYPE },
        }),
      );
    }
    return undefined;
  }
  if (!field.selectionSet || !isCompositeType(returned)) return field;
  branch.tree ??= { children: new Map() };
  const inner = filterSet(walk, field.selectionSet, returned, fieldPath, branch.tree);
  if (inner) return { ...field, selectionSet: inner };
  // Every sub-field was removed: the field stays (its object is still there) with a `__typename` stand-in.
  branchOf(branch.tree, PLACEHOLDER_KEY, definition.type).placeholder = true;
  return {
    ...field,
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: PLACEHOLDER_KEY },
          name: { kind: Kind.NAME, value: '__typename' },
        },
      ],
    },
  };
}

function branchOf(tree: ResponseTree, key: string, type: GraphQLOutputType): ResponseBranch {
  let branch = tree.children.get(key);
  if (!branch) {
    branch = { type, removed: false, placeholder: false, tree: undefined };
    tree.children.set(key, branch);
  }
  return branch;
}

/** @skip/@include, evaluated with the request's variables. */
function included(
  directives: readonly DirectiveNode[] | undefined,
  variables: Record<string, unknown>,
): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const argument = directive.arguments?.find((arg) => arg.name.value === 'if');
    const value = argument ? valueFromASTUntyped(argument.value, variables) === true : false;
    if (name === 'skip' ? value : !value) return false;
  }
  return true;
}

/** Variables whose value decides @skip/@include somewhere in the document: they are part of a decision's key. */
export function conditionVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  const scan = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(scan);
    if (!node || typeof node !== 'object') return;
    const record = node as { kind?: string; name?: { value: string }; arguments?: unknown };
    if (
      record.kind === Kind.DIRECTIVE &&
      (record.name?.value === 'skip' || record.name?.value === 'include')
    ) {
      for (const argument of (record.arguments ?? []) as {
        value: { kind: string; name?: { value: string } };
      }[]) {
        if (argument.value.kind === Kind.VARIABLE && argument.value.name)
          names.add(argument.value.name.value);
      }
      return;
    }
    for (const [field, value] of Object.entries(node)) if (field !== 'loc') scan(value);
  };
  scan(document);
  return [...names].sort();
}
