import type { ApolloServerPlugin } from '@apollo/server';
import { MAX_PAGE_SIZE } from '@supergraph/service-kit/graphql';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { LimitCode } from './limits.ts';

/**
 * Lists multiply cost: a field with a `first` argument costs `first` times its selection. Arguments arrive
 * coerced — variables substituted, defaults applied — which is why this uses graphql-query-complexity
 * rather than graphql-armor's cost limit: armor reads only literal `first` values, and an operation that
 * passes `first` as a variable slips past it entirely.
 */
const listEstimator =
  (oversized: { field: string; first: number }[]): ComplexityEstimator =>
  ({ field, args, childComplexity }) => {
    if (!('first' in args)) return undefined;
    const first = typeof args['first'] === 'number' ? args['first'] : 20;
    if (first > MAX_PAGE_SIZE || first < 0) oversized.push({ field: field.name, first });
    return 1 + Math.max(first, 1) * childComplexity;
  };

/** What the limits need to know about one operation with one set of variables. */
interface Verdict {
  cost: number;
  tooLong: { field: string; first: number } | undefined;
}

function judge(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
): Verdict {
  const oversized: { field: string; first: number }[] = [];
  const cost = getComplexity({
    schema,
    query: document,
    variables,
    ...(operationName === undefined ? {} : { operationName }),
    estimators: [listEstimator(oversized), simpleEstimator({ defaultComplexity: 1 })],
  });
  return { cost, tooLong: oversized[0] };
}

/** Verdicts kept per document; a document with more distinct cost-relevant variable sets starts its list over. */
const VERDICTS_PER_DOCUMENT = 64;
/**
 * Verdicts kept in all (each key at most MAX_VARIABLES_KEY_LENGTH characters: a few MB at most); past it the
 * cache starts over, so a client inventing variable sets for thousands of documents can't grow it.
 */
const MAX_VERDICTS = 4_096;
/** Cost-relevant variables longer than this (as JSON) are judged every time rather than kept as a key. */
const MAX_VARIABLES_KEY_LENGTH = 1_024;

/** The variables in an argument's value, however deeply nested in lists and input objects. */
function variablesIn(value: ValueNode, into: Set<string>): void {
  if (value.kind === Kind.VARIABLE) into.add(value.name.value);
  else if (value.kind === Kind.LIST) for (const item of value.values) variablesIn(item, into);
  else if (value.kind === Kind.OBJECT) for (const field of value.fields) variablesIn(field.value, into);
}

/**
 * The variables a verdict can depend on: those in any field's `first` argument (listEstimator) and in any
 * directive's arguments (`@include(if:)` / `@skip(if:)` decide which fields count). Every other variable — ids,
 * cursors, inputs — changes neither the cost nor the page sizes, so requests differing only there share one
 * verdict. Found once per document (cached with it).
 */
function costVariablesOf(document: DocumentNode): readonly string[] {
  const names = new Set<string>();
  visit(document, {
    Field(field) {
      for (const argument of field.arguments ?? [])
        if (argument.name.value === 'first') variablesIn(argument.value, names);
    },
    Directive(directive) {
      for (const argument of directive.arguments ?? []) variablesIn(argument.value, names);
    },
  });
  return [...names].sort();
}

/** Whether `variables` coerce to the operation's variable definitions (what getComplexity checks first). */
function coerces(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation?.variableDefinitions?.length) return true;
  return getVariableValues(schema, operation.variableDefinitions, variables).errors === undefined;
}

interface DocumentVerdicts {
  costVariables: readonly string[];
  verdicts: Map<string, Verdict>;
}

/**
 * The verdict depends only on the schema, the parsed document, the operation name and the cost-relevant
 * variables (costVariablesOf), and working it out walks the whole document with a TypeInfo (about an eighth of
 * what the gateway allocated per request at O1 N=10, measured with BENCH_HEAP_PROFILE_DIR). Apollo hands every
 * request for the same query the same cached DocumentNode, so verdicts are kept per schema and document,
 * dropped with them, and keyed by the operation name and the JSON of the cost-relevant variables' values (an
 * absent one is left out of the JSON, so it keys apart from an explicit null, as coercion treats them).
 */
function verdictCache() {
  let bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentVerdicts>>();
  let kept = 0;
  return (
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Record<string, unknown>,
    operationName: string | undefined,
  ): Verdict => {
    let byDocument = bySchema.get(schema);
    if (!byDocument) bySchema.set(schema, (byDocument = new WeakMap()));
    let entry = byDocument.get(document);
    if (!entry)
      byDocument.set(document, (entry = { costVariables: costVariablesOf(document), verdicts: new Map() }));
    const relevant: Record<string, unknown> = {};
    for (const name of entry.costVariables) if (name in variables) relevant[name] = variables[name];
    const variablesKey = JSON.stringify(relevant);
    if (variablesKey.length > MAX_VARIABLES_KEY_LENGTH)
      return judge(schema, document, variables, operationName);
    const { verdicts } = entry;
    const key = `${operationName ?? ''}\n${variablesKey}`;
    let verdict = verdicts.get(key);
    // A verdict shared across other variables must not skip their check: getComplexity refuses variables
    // that do not coerce (its error is the answer), so a request whose other variables do not is judged itself.
    if (verdict && !coerces(schema, document, variables, operationName)) verdict = undefined;
    if (!verdict) {
      verdict = judge(schema, document, variables, operationName);
      if (kept >= MAX_VERDICTS) {
        bySchema = new WeakMap();
        kept = 0;
        return verdict;
      }
      if (verdicts.size >= VERDICTS_PER_DOCUMENT) {
        kept -= verdicts.size;
        verdicts.clear();
      }
      verdicts.set(key, verdict);
      kept += 1;
    }
    return verdict;
  };
}

/** The error that refuses an operation for its cost with these variables, or undefined when it may run. */
export type CostCheck = (
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | undefined,
) => GraphQLError | undefined;

/** Cost and page-size limits, with their verdicts cached (see verdictCache). */
export function createCostCheck(maxCost: number): CostCheck {
  const verdictOf = verdictCache();
  return (schema, document, variables, operationName) => {
    let verdict: Verdict;
    try {
      verdict = verdictOf(schema, document, variables, operationName);
    } catch (error) {
      // graphql-query-complexity coerces the variables first and throws their coercion error (an unknown input
      // field, a string for an Int): the client's mistake, so a 400 naming it rather than an internal error.
      if (error instanceof GraphQLError) {
        return new GraphQLError(error.message, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
      throw error;
    }
    const { cost, tooLong } = verdict;
    if (tooLong) {
      return new GraphQLError(
        `"first" must be between 0 and ${MAX_PAGE_SIZE}; ${tooLong.field} asked for ${tooLong.first}.`,
        { extensions: { code: 'BAD_USER_INPUT', field: 'first', http: { status: 400 } } },
      );
    }
    if (cost > maxCost) {
      return new GraphQLError(
        `The operation is too expensive: cost ${cost} exceeds the limit of ${maxCost}. Ask for fewer items or fields.`,
        { extensions: { code: LimitCode.cost, cost, maxCost, http: { status: 400 } } },
      );
    }
    return undefined;
  };
}

/**
 * Refuses, before any query plan runs, operations whose estimated cost exceeds `maxCost` and list fields
 * asking for more than 100 items. The operation never reaches a subgraph.
 */
export function costLimitPlugin(maxCost: number): ApolloServerPlugin {
  const check = createCostCheck(maxCost);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operationName }) {
          const refusal = check(schema, document, request.variables ?? {}, operationName ?? undefined);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
