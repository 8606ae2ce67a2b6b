import {
  buildOperationContext,
  executeQueryPlan,
  type GraphQLDataSource,
  type ServiceMap,
} from '@apollo/gateway';
import type { FieldSelection } from '@apollo/federation-internals';
import {
  evaluateCondition,
  type DeferNode,
  type DeferredNode,
  type FetchNode,
  type PlanNode,
} from '@apollo/query-planner';
import type { GatewayExecutionResult, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { graphqlJs } from './graphql-js.ts';
import type { ApolloResultShaping } from '../result-shaping/install.ts';
import { captureFor, ensureCapturing } from './capture.ts';
import { PayloadQueue } from './payload-queue.ts';
import type { DeferPlan, DeferPlanning } from './planner.ts';
import {
  addPathsTo,
  shapeBlock,
  withRootMetaFields,
  type ResponsePath,
  type ShapedPart,
  type ShapingContext,
} from './shape.ts';

type ResultMap = Record<string, unknown>;

/** One entry of a subsequent payload (deferSpec=20220824). */
export interface IncrementalPart {
  data: ResultMap | null;
  path: ResponsePath;
  label?: string;
  errors?: GraphQLError[];
  extensions?: { valueCompletion: GraphQLError[] };
}

/** A payload after the first: the deferred fragments that just completed, and whether more will follow. */
export interface SubsequentPayload {
  incremental?: IncrementalPart[];
  hasNext: boolean;
}

export interface IncrementalExecution {
  /** The primary part: everything not deferred. */
  initial: GatewayExecutionResult;
  /** The deferred parts as they complete; ends with `hasNext: false`. */
  subsequent: AsyncIterable<SubsequentPayload>;
}

export interface DeferredPlanRun {
  requestContext: GatewayGraphQLRequestContext;
  planned: DeferPlan;
  /** The top of the plan once its conditions are decided: a Defer node. */
  root: DeferNode;
  planning: DeferPlanning;
  serviceMap: ServiceMap;
  shaping: ApolloResultShaping;
  /** The request's variables with the operation's defaults applied. */
  variables: Record<string, unknown>;
  /** Aborts the deferred fetches still running: the request's deadline, or the client going away. */
  signal: AbortSignal;
}

/** The request's variables with the operation's defaults applied. */
export function variablesOf(
  planned: DeferPlan,
  given: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return Object.assign(
    Object.create(null) as Record<string, unknown>,
    planned.operation.collectDefaultedVariableValues(),
    given,
  );
}

/** The plan node with the `Condition`s on its top (from `@defer(if: $var)`) decided for this request's variables. */
export function decideConditions(
  node: PlanNode | undefined,
  planned: DeferPlan,
  variables: Record<string, unknown>,
): PlanNode | undefined {
  let current = node;
  while (current?.kind === 'Condition') {
    current = evaluateCondition(current, planned.operation.variableDefinitions, variables)
      ? current.ifClause
      : current.elseClause;
  }
  return current;
}

/**
 * Runs a plan with @defer: the primary part through Apollo's own executor, shaped and returned as soon as it
 * completes; then each deferred part, started once the part it is nested in has completed (its `depends`
 * fetches are then done), executed by Apollo's executor on top of that part's data and shaped at its own
 * paths. Every part goes through `executeQueryPlan`, so fetches, entity representations, error paths, tracing,
 * in-flight dedup, the breaker and the deadline all work as for any request.
 */
export async function runDeferredPlan(run: DeferredPlanRun): Promise<IncrementalExecution> {
  const { requestContext, planned, variables } = run;
  ensureCapturing(run.shaping);
  const operationContext = buildOperationContext({
    schema: requestContext.schema,
    operationDocument: requestContext.document,
    operationName: requestContext.operationName ?? undefined,
  });
  const shaping: ShapingContext = {
    operation: planned.operation,
    variables,
    introspection: introspectionOf(
      requestContext.schema,
      operationContext.operation.variableDefinitions,
      variables,
    ),
  };
  // Deferred parts run after the response has begun: they answer to the stream's signal, not only the deadline.
  const deferredContext = { ...requestContext.context, deadline: run.signal };

  const executeBlock = async (node: PlanNode | undefined, base: ResultMap | undefined, deferred: boolean) => {
    if (!node) return { data: base ?? (Object.create(null) as ResultMap), errors: [] as GraphQLError[] };
    // A fresh variables object per execution: the key under which its data tree is captured.
    const ownVariables = { ...requestContext.request.variables };
    const captured = captureFor(ownVariables);
    const serviceMap: ServiceMap = base
      ? { ...run.serviceMap, [REPLAY_SERVICE]: replayOf(base) }
      : run.serviceMap;
    let errors: readonly GraphQLError[];
    try {
      const result = await executeQueryPlan(
        { kind: 'QueryPlan', node: base ? { kind: 'Sequence', nodes: [REPLAY_FETCH, node] } : node },
        serviceMap,
        {
          ...requestContext,
          request: { ...requestContext.request, variables: ownVariables },
          ...(deferred ? { context: deferredContext } : {}),
        },
        operationContext,
        run.planning.supergraphSchema,
        run.planning.apiSchema,
      );
      errors = result.errors ?? [];
    } catch (error) {
      errors = [error instanceof GraphQLError ? error : new GraphQLError(String((error as Error).message))];
    }
    return { data: captured.input ?? base ?? (Object.create(null) as ResultMap), errors: [...errors] };
  };

  const primary = await executeBlock(run.root.primary.node, undefined, false);
  const [initialPart] = partsOf(
    shapeBlock(
      shaping,
      [],
      withRootMetaFields(planned.operation, run.root.primary.subselection),
      primary.data,
    ),
    primary.errors,
    undefined,
  );
  if (initialPart) pathsToDeferred(initialPart, primary.data, [], run.root.deferred);
  const queue = new PayloadQueue<SubsequentPayload>();
  let pending = 0;

  const startDeferred = (block: DeferredNode, base: ResultMap): void => {
    pending += 1;
    void (async () => {
      let parts: IncrementalPart[];
      try {
        const node = decideConditions(block.node, planned, variables);
        const nested = node?.kind === 'Defer' ? node : undefined;
        const outcome = await executeBlock(nested ? nested.primary.node : node, base, true);
        const subselection = nested ? nested.primary.subselection : block.subselection;
        parts = partsOf(
          shapeBlock(shaping, block.queryPath, subselection, outcome.data),
          outcome.errors,
          block.label,
        );
        if (nested)
          for (const part of parts) pathsToDeferred(part, outcome.data, block.queryPath, nested.deferred);
        if (nested && !run.signal.aborted)
          for (const inner of nested.deferred) startDeferred(inner, outcome.data);
      } catch (error) {
        parts = [
          {
            data: null,
            path: [],
            ...(block.label !== undefined ? { label: block.label } : {}),
            errors: [
              error instanceof GraphQLError ? error : new GraphQLError(String((error as Error).message)),
            ],
          },
        ];
      }
      pending -= 1;
      if (parts.length > 0 || pending === 0) {
        queue.push(
          { ...(parts.length > 0 ? { incremental: parts } : {}), hasNext: pending > 0 },
          pending === 0,
        );
      }
    })();
  };
  for (const block of run.root.deferred) startDeferred(block, primary.data);

  // A Defer node always has deferred blocks, so `pending` is above 0 here and the queue will end.
  return {
    initial: {
      data: initialPart ? initialPart.data : {},
      ...(initialPart?.errors ? { errors: initialPart.errors } : {}),
      ...(initialPart?.extensions ? { extensions: initialPart.extensions } : {}),
    },
    subsequent: queue,
  };

  /** Makes sure the paths of the fragments deferred inside a part exist in its answer (shape.ts, addPathsTo). */
  function pathsToDeferred(
    part: IncrementalPart,
    data: ResultMap,
    queryPath: readonly string[],
    inner: readonly DeferredNode[],
  ): void {
    if (!part.data) return;
    let input: unknown = data;
    for (const step of part.path) input = (input as Record<string | number, unknown> | null)?.[step];
    if (!input || typeof input !== 'object') return;
    for (const block of inner) {
      addPathsTo(part.data, input as ResultMap, block.queryPath.slice(queryPath.length), planned.operation);
    }
  }
}

/**
 * Each object's part with the block's execution errors that concern it (by path); an error whose path lies
 * under none of them goes with the first, so none is lost. Errors found while shaping follow Apollo's rule for
 * a whole response: dropped when execution failed (they echo it), else sent as `valueCompletion`.
 */
function partsOf(
  shaped: ShapedPart[],
  executionErrors: GraphQLError[],
  label: string | undefined,
): IncrementalPart[] {
  const errorsOf = shaped.map((): GraphQLError[] => []);
  for (const error of executionErrors) {
    const index = shaped.findIndex((part) => isPrefix(part.path, error.path));
    errorsOf[index >= 0 ? index : 0]?.push(error);
  }
  return shaped.map((part, index) => ({
    data: part.data,
    path: part.path,
    ...(label !== undefined ? { label } : {}),
    ...(errorsOf[index]!.length > 0 ? { errors: errorsOf[index]! } : {}),
    ...(executionErrors.length === 0 && part.errors.length > 0
      ? { extensions: { valueCompletion: part.errors } }
      : {}),
  }));
}

const isPrefix = (prefix: ResponsePath, path: readonly (string | number)[] | undefined): boolean =>
  !!path && prefix.length <= path.length && prefix.every((step, index) => path[index] === step);

/**
 * A deferred part's plan starts from the data of the part it is nested in (and a subscription event's from
 * the event the owning subgraph sent): a first fetch to this pseudo subgraph hands that data to Apollo's executor, which merges it into the part's own tree (by reference:
 * nothing is copied) before the part's own fetches read their entity keys from it.
 */
export const REPLAY_SERVICE = '__defer_replay__';
export const REPLAY_FETCH: FetchNode = {
  kind: 'Fetch',
  serviceName: REPLAY_SERVICE,
  operation: '{__typename}',
  operationName: undefined,
  operationKind: OperationTypeNode.QUERY,
  variableUsages: [],
};

export function replayOf(data: ResultMap, errors?: readonly GraphQLFormattedError[]): GraphQLDataSource {
  return { process: async () => ({ data, ...(errors ? { errors: [...errors] } : {}) }) };
}

/** Introspection inside an operation with @defer is answered the way Apollo's executor answers it. */
function introspectionOf(
  schema: GraphQLSchema,
  variableDefinitions: ReturnType<typeof buildOperationContext>['operation']['variableDefinitions'],
  variables: Record<string, unknown>,
): (selection: FieldSelection) => unknown {
  return (selection) => {
    const node = selection.expandFragments().toSelectionNode();
    const result = graphqlJs.execute({
      schema,
      document: {
        kind: Kind.DOCUMENT,
        definitions: [
          {
            kind: Kind.OPERATION_DEFINITION,
            operation: OperationTypeNode.QUERY,
            selectionSet: { kind: Kind.SELECTION_SET, selections: [node] },
            ...(variableDefinitions ? { variableDefinitions } : {}),
          },
        ],
      },
      variableValues: variables,
    });
    if ('then' in result) throw new Error('introspection resolved asynchronously');
    const key = node.kind === Kind.FIELD ? (node.alias?.value ?? node.name.value) : '';
    return result.data?.[key];
  };
}
