import { operationFromDocument, type Schema } from '@apollo/federation-internals';
import { buildServedSupergraph } from '../authorization/supported-features.ts';
import { buildOperationContext } from '@apollo/gateway';
import { QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import {
  getOperationAST,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import type { CostCheck } from '../cost.ts';
import type { ManifestOperation } from './manifest-file.ts';
import { usesDefer } from '../defer/detect.ts';
import { withDeferDirective } from '../defer/schema.ts';

/** What executing a plan needs of the supergraph it was planned on, built as @apollo/gateway builds its own. */
export interface ServedSchema {
  /** The schema clients see (graphql-js). */
  readonly schema: GraphQLSchema;
  readonly apiSchema: Schema;
  readonly supergraphSchema: GraphQLSchema;
  readonly planner: QueryPlanner;
}

export function servedSchemaOf(coreSupergraphSdl: string): ServedSchema {
  // Already validated by whoever accepts this supergraph (the gateway, or the check before it).
  const supergraph = buildServedSupergraph(coreSupergraphSdl, { validateSupergraph: false });
  const apiSchema = supergraph.apiSchema();
  return {
    schema: apiSchema.toGraphQLJSSchema(),
    apiSchema,
    supergraphSchema: supergraph.schema.toGraphQLJSSchema(),
    planner: new QueryPlanner(supergraph),
  };
}

/** One manifest operation, parsed, validated, limit-checked and planned once, when the manifest loaded. */
export interface CompiledOperation extends ManifestOperation {
  readonly document: DocumentNode;
  readonly operation: OperationDefinitionNode;
  readonly operationContext: ReturnType<typeof buildOperationContext>;
  readonly queryPlan: QueryPlan;
  readonly served: ServedSchema;
  /** Its cost depends on variables, so it is checked per request; otherwise it was checked here. */
  readonly costPerRequest: boolean;
  /** Only plain single results are executed by the fast path (no @defer, no subscription). */
  readonly fastPath: boolean;
}

/** The checks every operation passes before it executes, as the gateway applies them to free text. */
export interface Screening {
  readonly validationRules: readonly ValidationRule[];
  readonly maxTokens: number;
  readonly costCheck: CostCheck;
}

export type CompiledManifest = ReadonlyMap<string, CompiledOperation>;

/**
 * Compiles every operation of the manifest against `served`, or returns every problem: a manifest with one
 * operation that no longer validates, exceeds a limit or cannot be planned is refused as a whole.
 */
export function compileManifest(
  operations: readonly ManifestOperation[],
  served: ServedSchema,
  screening: Screening,
): { compiled: CompiledManifest; problems: [] } | { compiled?: undefined; problems: string[] } {
  const compiled = new Map<string, CompiledOperation>();
  const problems: string[] = [];
  const rules = [...specifiedRules, ...screening.validationRules];
  for (const entry of operations) {
    const where = `${entry.name} (${entry.id.slice(0, 12)}…)`;
    try {
      if (tooManyTokens(entry.body, screening.maxTokens)) {
        problems.push(`${where}: more than ${screening.maxTokens} tokens (MAX_TOKENS)`);
        continue;
      }
      const document = parse(entry.body);
      const operation = getOperationAST(document, entry.name);
      if (!operation || operation.operation !== entry.type) {
        problems.push(`${where}: the body has no ${entry.type} named ${entry.name}`);
        continue;
      }
      // Validated as Apollo Server validates the request (the gateway's schema declares @defer).
      const errors = validate(withDeferDirective(served.schema), document, rules);
      if (errors.length > 0) {
        problems.push(...errors.map((error) => `${where}: ${error.message}`));
        continue;
      }
      const costPerRequest = (operation.variableDefinitions ?? []).length > 0;
      const refusal = costPerRequest
        ? undefined
        : screening.costCheck(served.schema, document, {}, entry.name);
      if (refusal) {
        problems.push(`${where}: ${refusal.message}`);
        continue;
      }
      const queryPlan = served.planner.buildQueryPlan(
        operationFromDocument(served.apiSchema, document, { operationName: entry.name }),
      );
      compiled.set(entry.id, {
        ...entry,
        document,
        operation,
        operationContext: buildOperationContext({
          schema: served.schema,
          operationDocument: document,
          operationName: entry.name,
        }),
        queryPlan,
        served,
        costPerRequest,
        // A deferred operation goes through Apollo and the @defer executor (this planner strips @defer).
        fastPath: entry.type !== 'subscription' && !usesDefer(document),
      });
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  return problems.length > 0 ? { problems } : { compiled, problems: [] };
}

function tooManyTokens(body: string, maxTokens: number): boolean {
  let exceeded = false;
  try {
    new MaxTokensParserWLexer(body, { n: maxTokens, onReject: [() => (exceeded = true)] }).parseDocument();
  } catch {
    // A syntax error: parse() reports it.
  }
  return exceeded;
}
