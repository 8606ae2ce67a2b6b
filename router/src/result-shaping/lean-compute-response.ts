// Apollo's result shaping (`computeResponse` in @apollo/gateway's dist/resultShaping.js) without its per-value
// allocations: the same algorithm against the same @apollo/federation-internals API, differing only in
//  - answer objects come from a constructor whose prototype has no prototype: ordinary fast objects that, as
//    Object.create(null) ones, inherit nothing, so a response name such as `__proto__` or `constructor` is an
//    own property like any other (no `__proto__` setter is ever reached);
//  - a selection without directives skips the @skip/@include lookups (`appliedDirectivesOf` filters a copy);
//  - each value's flags travel in `ShapingState` instead of a new { updated, isInvalid, hasErrors } object;
//  - a failed check builds its message only once it failed (Apollo passes a new closure per check and value).
// Messages, paths, which errors are reported and when null bubbles up are Apollo's. Why, what it saves and how
// to re-audit it: README.md in this folder.
import {
  assert,
  ERRORS,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  isValidLeafValue,
  typenameFieldName,
  type Variable,
  type CompositeType,
  type FieldSelection,
  type NamedType,
  type Operation,
  type OutputType,
  type Schema,
  type Selection,
  type SelectionSet,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';

/** A JSON object of the answer being built or of the subgraphs' merged data. */
type ResponseObject = Record<string, unknown>;

export interface ComputeResponseArgs {
  operation: Operation;
  variables?: Record<string, unknown> | undefined;
  input: ResponseObject | null | undefined;
  introspectionHandling: (introspectionSelection: FieldSelection) => unknown;
}

export interface ComputedResponse {
  data: ResponseObject | null | undefined;
  errors: GraphQLError[];
}

/** `computeResponse`'s signature in @apollo/gateway 2.14 (dist/resultShaping.d.ts). */
export type ComputeResponse = (args: ComputeResponseArgs) => ComputedResponse;

// A fast-mode object with nothing to inherit: `new AnswerObject()` behaves like Object.create(null) for every
// key (no `__proto__` accessor, no `constructor`, no `toString`) but gets V8's in-object property layout.
const AnswerObject = function AnswerObject() {} as unknown as new () => ResponseObject;
AnswerObject.prototype = Object.freeze(Object.create(null) as object);

interface ShapingState {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspectionHandling: (introspectionSelection: FieldSelection) => unknown;
  // What the last updateOutputValue call found besides its value, read by its caller right after the call.
  // Apollo returns them in a new { updated, isInvalid, hasErrors } object per value; these save that allocation.
  /** Null reached a non-null position: the enclosing object or list becomes null. */
  isInvalid: boolean;
  /** An error was already reported below, so a non-null parent must not report another. */
  hasErrors: boolean;
}

/** Whether null must replace the object that holds the selection set just applied. */
const NULL_BUBBLE_UP = true;

/** Builds the client's answer from the merged subgraph data; same contract as Apollo's `computeResponse`. */
export const leanComputeResponse: ComputeResponse = ({
  operation,
  variables,
  input,
  introspectionHandling,
}) => {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const state: ShapingState = {
    schema,
    variables: Object.assign(
      Object.create(null) as Record<string, unknown>,
      operation.collectDefaultedVariableValues(),
      variables,
    ),
    errors: [],
    introspectionHandling,
    isInvalid: false,
    hasErrors: false,
  };
  const data = new AnswerObject();
  const bubbled = applySelectionSet(
    input,
    operation.selectionSet,
    data,
    state,
    [],
    schema.schemaDefinition.rootType(operation.rootKind) as CompositeType,
  );
  return { data: bubbled ? null : data, errors: state.errors };
};

export interface ShapeAtArgs {
  schema: Schema;
  /** The operation's variables with their defaults applied. */
  variables: Record<string, unknown>;
  /** One object of the merged subgraph data. */
  input: ResponseObject;
  selectionSet: SelectionSet;
  /** Where `input` sits in the whole answer: errors carry paths from the answer's root. */
  path: readonly (string | number)[];
  parentType: CompositeType;
  introspectionHandling: (introspectionSelection: FieldSelection) => unknown;
}

/**
 * The same shaping applied to one selection set over one object inside the answer instead of the whole
 * operation from the root: a deferred fragment's payload (router/src/defer/). `data` is null when a non-null
 * field's null bubbled up to the object itself.
 */
export function shapeSelectionSetAt(args: ShapeAtArgs): {
  data: ResponseObject | null;
  errors: GraphQLError[];
} {
  const state: ShapingState = {
    schema: args.schema,
    variables: args.variables,
    errors: [],
    introspectionHandling: args.introspectionHandling,
    isInvalid: false,
    hasErrors: false,
  };
  const data = new AnswerObject();
  const bubbled = applySelectionSet(
    args.input,
    args.selectionSet,
    data,
    state,
    [...args.path],
    args.parentType,
  );
  return { data: bubbled ? null : data, errors: state.errors };
}

/**
 * Throws what Apollo's `assert` throws when a check fails. The checks call it only once they failed, so the
 * message (and a closure per value to build it) costs nothing on the way through.
 */
function fail(message: string): never {
  assert(false, message);
}

/** @skip or @include as applied in an operation. */
interface ConditionDirective {
  arguments(): { if: boolean | Variable };
  toString(): string;
}

function ifArgument(directive: ConditionDirective, variables: Record<string, unknown>): boolean {
  const condition = directive.arguments().if;
  // Told apart by type, not `instanceof Variable` as Apollo does: with a second copy of federation-internals
  // installed, the gateway's Variable would not be ours, and every @skip(if: $x) would skip.
  if (typeof condition !== 'boolean') {
    const value = variables[condition.name];
    if (typeof value !== 'boolean')
      fail(
        `Unexpected value ${String(value)} for variable ${condition.toString()} of ${directive.toString()}`,
      );
    return value;
  }
  return condition;
}

function isSkipped(selection: Selection, state: ShapingState): boolean {
  const directives = selection.element.appliedDirectives;
  if (directives.length === 0) return false; // almost every selection: no lookups, no copies
  const skip = selection.element.appliedDirectivesOf(state.schema.skipDirective())[0];
  const include = selection.element.appliedDirectivesOf(state.schema.includeDirective())[0];
  return (
    (skip !== undefined && ifArgument(skip, state.variables)) ||
    (include !== undefined && !ifArgument(include, state.variables))
  );
}

function typeConditionApplies(
  schema: Schema,
  typeCondition: CompositeType | undefined,
  typename: string | undefined,
  parentType: CompositeType,
): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return type !== undefined && isSubtype(typeCondition, type);
  }
  return isSubtype(typeCondition, parentType);
}

/** Copies `selectionSet` from `input` into `output`; true when null must replace `output`. */
function applySelectionSet(
  input: ResponseObject,
  selectionSet: SelectionSet,
  output: ResponseObject,
  state: ShapingState,
  path: (string | number)[],
  parentType: CompositeType,
): boolean {
  for (const selection of selectionSet.selections()) {
    if (isSkipped(selection, state)) continue;
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const responseName = field.responseName();
      const outputValue = output[responseName];
      if (field.definition.isSchemaIntrospectionField()) {
        if (outputValue === undefined) output[responseName] = state.introspectionHandling(selection);
        continue;
      }
      let inputValue: unknown = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
      if (field.name === typenameFieldName) {
        if (outputValue === undefined) {
          if (inputValue === null && responseName !== typenameFieldName) {
            inputValue = input[typenameFieldName] ?? null;
          }
          const type =
            typeof inputValue === 'string' ? (state.schema.type(inputValue) ?? parentType) : parentType;
          if (!isObjectType(type)) return NULL_BUBBLE_UP;
          output[responseName] = type.name;
        }
        continue;
      }
      path.push(responseName);
      const updated = updateOutputValue(
        outputValue,
        field.definition.type!,
        inputValue,
        selection.selectionSet,
        path,
        state,
        parentType,
      );
      output[responseName] = updated;
      path.pop();
      if (state.isInvalid) return NULL_BUBBLE_UP;
    } else {
      const fragment = selection.element;
      const typename: unknown = input[typenameFieldName];
      if (typename && typeof typename !== 'string')
        fail(`Got unexpected value for __typename: ${String(typename)}`);
      if (
        typeConditionApplies(
          state.schema,
          fragment.typeCondition,
          (typename || undefined) as string | undefined,
          parentType,
        ) &&
        applySelectionSet(
          input,
          selection.selectionSet,
          output,
          state,
          path,
          fragment.typeCondition ?? parentType,
        )
      ) {
        return NULL_BUBBLE_UP;
      }
    }
  }
  return !NULL_BUBBLE_UP;
}

function describeLastPathElement(
  path: (string | number)[],
  currentType: OutputType,
  parentType: CompositeType,
): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string'
    ? `field ${parentType.toString()}.${element}`
    : `array element of type ${currentType.toString()} at index ${element}`;
}

/** Records what updateOutputValue found besides `updated` (see ShapingState's flags) and returns `updated`. */
function withOutcome(state: ShapingState, updated: unknown, isInvalid: boolean, hasErrors: boolean): unknown {
  state.isInvalid = isInvalid;
  state.hasErrors = hasErrors;
  return updated;
}

/** The value to store at `path`; sets state.isInvalid and state.hasErrors. */
function updateOutputValue(
  outputValue: unknown,
  type: OutputType,
  inputValue: unknown,
  selectionSet: SelectionSet | undefined,
  path: (string | number)[],
  state: ShapingState,
  parentType: CompositeType,
): unknown {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) {
    return withOutcome(state, outputValue, false, false);
  }

  if (isNonNullType(type)) {
    const updated = updateOutputValue(
      outputValue,
      type.ofType,
      inputValue,
      selectionSet,
      path,
      state,
      parentType,
    );
    if (updated === null) {
      if (!state.hasErrors) {
        state.errors.push(
          ERRORS.INVALID_GRAPHQL.err(
            `Cannot return null for non-nullable ${describeLastPathElement(path, type.ofType, parentType)}.`,
            { path: Array.from(path) },
          ),
        );
      }
      return withOutcome(state, null, true, true);
    }
    // As Apollo does: errors below a non-null value that is not null are not passed up.
    return withOutcome(state, updated, false, false);
  }

  if (inputValue === null) return withOutcome(state, null, false, false);

  if (isListType(type)) {
    if (!Array.isArray(inputValue))
      fail(
        `Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type.toString()}`,
      );
    if (outputValue !== undefined && !Array.isArray(outputValue))
      fail(
        `Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${type.toString()}`,
      );
    const inputList = inputValue as unknown[];
    const outputList = outputValue as unknown[] | undefined;
    if (outputList !== undefined && inputList.length !== outputList.length)
      fail(
        `[${String(inputList)}].length (${inputList.length}) !== [${String(outputList)}].length (${outputList?.length})`,
      );
    let shouldNullify = false;
    let hasErrors = false;
    const updated = new Array<unknown>(inputList.length);
    for (let index = 0; index < inputList.length; index++) {
      path.push(index);
      updated[index] = updateOutputValue(
        outputList?.[index],
        type.ofType,
        inputList[index],
        selectionSet,
        path,
        state,
        parentType,
      );
      path.pop();
      shouldNullify ||= state.isInvalid;
      hasErrors ||= state.hasErrors;
    }
    return withOutcome(state, shouldNullify ? null : updated, false, hasErrors);
  }

  if (isCompositeType(type)) {
    if (!selectionSet) fail(`Invalid empty selection set for composite type ${type.toString()}`);
    if (typeof inputValue !== 'object')
      fail(
        `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.toString()}`,
      );
    if (outputValue !== undefined && typeof outputValue !== 'object')
      fail(
        `Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type.toString()}`,
      );
    const inputObject = inputValue as ResponseObject;
    const inputTypename = inputObject[typenameFieldName];
    if (inputTypename !== undefined && typeof inputTypename !== 'string')
      fail(`Invalid non-string value ${String(inputTypename)} for __typename at ${String(path)}`);
    let objectType: CompositeType = type;
    if (inputTypename) {
      const typenameType: NamedType | undefined = state.schema.type(inputTypename);
      if (!typenameType || !isCompositeType(typenameType)) {
        state.errors.push(
          ERRORS.INVALID_GRAPHQL.err(
            `Invalid __typename found for object at ${describeLastPathElement(path, type, parentType)}.`,
            { path: Array.from(path) },
          ),
        );
        return withOutcome(state, null, false, true);
      }
      objectType = typenameType;
    }
    const outputObject = (outputValue as ResponseObject | undefined) ?? new AnswerObject();
    const bubbled = applySelectionSet(inputObject, selectionSet, outputObject, state, path, objectType);
    return withOutcome(state, bubbled ? null : outputObject, false, bubbled);
  }

  if (outputValue !== undefined) fail(`Excepted output to be undefined but got ${type} for type ${type}`);
  const isValid = isValidLeafValue(state.schema, inputValue, type);
  if (!isValid) {
    state.errors.push(
      ERRORS.INVALID_GRAPHQL.err(
        `Invalid value found for ${describeLastPathElement(path, type, parentType)}.`,
        { path: Array.from(path) },
      ),
    );
  }
  return withOutcome(state, isValid ? inputValue : null, false, !isValid);
}
