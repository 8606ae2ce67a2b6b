import {
  baseType,
  isCompositeType,
  isSubtype,
  parseSelectionSet,
  type CompositeType,
  type FieldSelection,
  type Operation,
  type SelectionSet,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';
import { shapeSelectionSetAt } from '../result-shaping/lean-compute-response.ts';

type ResultMap = Record<string, unknown>;
export type ResponsePath = (string | number)[];

/** One deferred fragment's answer for one object (a fragment on list items has one per item). */
export interface ShapedPart {
  data: ResultMap | null;
  path: ResponsePath;
  errors: GraphQLError[];
}

export interface ShapingContext {
  /** The operation, fragments expanded: the types along a deferred fragment's path come from it. */
  operation: Operation;
  variables: Record<string, unknown>;
  introspection: (selection: FieldSelection) => unknown;
}

/**
 * The answer of one block of the plan: its `subselection` (the planner prints it, relative to the block's
 * `queryPath`) shaped over each object found at that path in the merged data, with the lean result shaping
 * Apollo's own answer goes through. `queryPath` holds response names (aliases) and `... on T` steps; a list on
 * the way gives one part per item, a null ends the path.
 */
export function shapeBlock(
  context: ShapingContext,
  queryPath: readonly string[],
  subselection: string | undefined,
  data: ResultMap,
): ShapedPart[] {
  const parentType = typeAt(context.operation, queryPath);
  const schema = context.operation.schema();
  const selectionSet: SelectionSet | undefined = subselection
    ? parseSelectionSet({
        parentType,
        source: subselection,
        variableDefinitions: context.operation.variableDefinitions,
        validate: false,
      })
    : undefined;
  return objectsAt(data, queryPath, context.operation).map(({ object, path }) =>
    selectionSet
      ? {
          path,
          ...shapeSelectionSetAt({
            schema,
            variables: context.variables,
            input: object,
            selectionSet,
            path,
            parentType,
            introspectionHandling: context.introspection,
          }),
        }
      : { path, data: {}, errors: [] },
  );
}

/** The composite type a deferred fragment applies to, found by following `queryPath` through the operation. */
function typeAt(operation: Operation, queryPath: readonly string[]): CompositeType {
  let type = operation.schema().schemaDefinition.rootType(operation.rootKind) as CompositeType;
  let selectionSet: SelectionSet | undefined = operation.selectionSet;
  for (const step of queryPath) {
    const condition = typeConditionOf(step);
    if (condition) {
      const named = operation.schema().type(condition);
      if (!named || !isCompositeType(named)) throw new Error(`@defer path names an unknown type: ${step}`);
      type = named;
      continue;
    }
    const field: FieldSelection | undefined = selectionSet ? fieldNamed(selectionSet, step) : undefined;
    if (!field) throw new Error(`@defer path step "${step}" names no field of the operation`);
    const base = baseType(field.element.definition.type!);
    if (!isCompositeType(base)) throw new Error(`@defer path step "${step}" is not an object`);
    type = base;
    selectionSet = field.selectionSet;
  }
  return type;
}

function fieldNamed(selectionSet: SelectionSet, responseName: string): FieldSelection | undefined {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FieldSelection') {
      if (selection.element.responseName() === responseName) return selection;
    } else if (selection.selectionSet) {
      const found = fieldNamed(selection.selectionSet, responseName);
      if (found) return found;
    }
  }
  return undefined;
}

const typeConditionOf = (step: string): string | undefined =>
  step.startsWith('... on ') ? step.slice('... on '.length) : undefined;

/** Every object at `queryPath` in the data, with its path in the answer (list indexes filled in). */
function objectsAt(
  data: ResultMap,
  queryPath: readonly string[],
  operation: Operation,
): { object: ResultMap; path: ResponsePath }[] {
  let found: { value: unknown; path: ResponsePath }[] = [{ value: data, path: [] }];
  for (const step of queryPath) {
    const condition = typeConditionOf(step);
    const next: { value: unknown; path: ResponsePath }[] = [];
    for (const { value, path } of found) {
      for (const item of flattenLists(value, path)) {
        if (condition) {
          if (matchesType(item.value, condition, operation)) next.push(item);
        } else {
          const child = (item.value as ResultMap)[step];
          if (child !== undefined && child !== null) next.push({ value: child, path: [...item.path, step] });
        }
      }
    }
    found = next;
  }
  return found
    .flatMap(({ value, path }) => flattenLists(value, path))
    .map(({ value, path }) => ({ object: value as ResultMap, path }));
}

function flattenLists(value: unknown, path: ResponsePath): { value: unknown; path: ResponsePath }[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return typeof value === 'object' ? [{ value, path }] : [];
  return value.flatMap((item: unknown, index) => flattenLists(item, [...path, index]));
}

function matchesType(value: unknown, condition: string, operation: Operation): boolean {
  const typename = (value as ResultMap)['__typename'];
  if (typeof typename !== 'string') return true;
  const schema = operation.schema();
  const wanted = schema.type(condition);
  const actual = schema.type(typename);
  return !!wanted && !!actual && isCompositeType(wanted) && isSubtype(wanted, actual);
}

/**
 * Adds to a part's answer the objects on the way to a fragment deferred inside it, as `{}` (or null where the
 * data holds null): a client merges the later payload at that path, so the path must exist. The part's own
 * subselection does not reach them when every field below is deferred.
 */
export function addPathsTo(
  answer: ResultMap,
  input: ResultMap,
  steps: readonly string[],
  operation: Operation,
): void {
  const [step, ...rest] = steps;
  if (step === undefined) return;
  const condition = typeConditionOf(step);
  if (condition) {
    if (matchesType(input, condition, operation)) addPathsTo(answer, input, rest, operation);
    return;
  }
  const value = input[step];
  if (value === undefined) return;
  if (!Object.hasOwn(answer, step)) answer[step] = skeletonOf(value);
  descend(answer[step], value, rest, operation);
}

function skeletonOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value === undefined ? null : value;
  return Array.isArray(value) ? value.map(skeletonOf) : {};
}

function descend(answer: unknown, input: unknown, steps: readonly string[], operation: Operation): void {
  if (answer === null || input === null || typeof answer !== 'object' || typeof input !== 'object') return;
  if (Array.isArray(answer) && Array.isArray(input)) {
    answer.forEach((item, index) => descend(item, input[index], steps, operation));
    return;
  }
  if (!Array.isArray(answer) && !Array.isArray(input)) {
    addPathsTo(answer as ResultMap, input as ResultMap, steps, operation);
  }
}

/**
 * The planner leaves out of a part's subselection what no subgraph answers: the root's `__typename` and
 * introspection fields. They are not deferred (unless written inside a deferred fragment), so the first part
 * gets back those written at the operation's root.
 */
export function withRootMetaFields(
  operation: Operation,
  subselection: string | undefined,
): string | undefined {
  const meta = operation.selectionSet
    .selections()
    .filter(
      (selection) =>
        selection.kind === 'FieldSelection' &&
        (selection.element.name === '__typename' ||
          selection.element.definition.isSchemaIntrospectionField()),
    );
  if (meta.length === 0) return subselection;
  const inner = subselection ? subselection.trim().slice(1, -1) : '';
  return `{ ${meta.map((selection) => selection.toString()).join(' ')} ${inner} }`;
}
