import type { ApolloServerPlugin } from '@apollo/server';
import { MAX_PAGE_SIZE } from '@supergraph/service-kit/graphql';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
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

/** Verdicts kept per document; a document with more distinct variable sets than this starts its list over. */
const VERDICTS_PER_DOCUMENT = 64;
/**
 * Verdicts kept in all (each key at most MAX_VARIABLES_KEY_LENGTH characters: a few MB at most); past it the
 * cache starts over, so a client inventing variable sets for thousands of documents can't grow it.
 */
const MAX_VERDICTS = 4_096;
/** Variables longer than this (as JSON) are judged every time rather than kept as a key. */
const MAX_VARIABLES_KEY_LENGTH = 1_024;

/**
 * The verdict depends only on the schema, the parsed document, the operation name and the variables, and
 * working it out walks the whole document with a TypeInfo (about an eighth of what the gateway allocated per
 * request at O1 N=10, measured with BENCH_HEAP_PROFILE_DIR). Apollo hands every request for the same query the
 * same cached DocumentNode, so verdicts are kept per schema and document, dropped with them, and keyed by the
 * operation name and the variables' JSON. A key with other variables (even ones the operation ignores) is
 * just another entry, judged on its own.
 */
function verdictCache() {
  let bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, Verdict>>>();
  let kept = 0;
  return (
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Record<string, unknown>,
    operationName: string | undefined,
  ): Verdict => {
    const variablesKey = JSON.stringify(variables);
    if (variablesKey.length > MAX_VARIABLES_KEY_LENGTH)
      return judge(schema, document, variables, operationName);
    let byDocument = bySchema.get(schema);
    if (!byDocument) bySchema.set(schema, (byDocument = new WeakMap()));
    let verdicts = byDocument.get(document);
    if (!verdicts) byDocument.set(document, (verdicts = new Map()));
    const key = `${operationName ?? ''}\n${variablesKey}`;
    let verdict = verdicts.get(key);
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
