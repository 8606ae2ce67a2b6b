import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import type { Identity } from '@supergraph/service-kit/auth';
import { createHash } from 'node:crypto';
import {
  print,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { RouterContext } from '../request-scope.ts';
import { grantsOf } from './caller.ts';
import { fillRemoved } from './fill.ts';
import { conditionVariables, decide, type Decision } from './filter.ts';
import { POLICIES } from './policies.ts';
import { requirementsOf, type Requirements } from './requirements.ts';

export type AuthorizationMode = 'filter' | 'reject';

/** What a decision depends on, besides the caller. */
export interface DecisionRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  /** Identifies the document's text (Apollo's queryHash, or the trusted document's id). */
  queryHash: string;
  variables: Record<string, unknown> | undefined;
}

/** Decisions kept per (operation, @skip/@include variables, caller's grants); the oldest go first. */
const MAX_DECISIONS = 5_000;

export interface Authorization {
  /** Wraps the gateway Apollo Server is given: its executor sees only what the caller may read. */
  gateway(inner: GatewayInterface): GatewayInterface;
  /** Reads the requirements of a newly served supergraph; returns problems (a policy no function decides). */
  served(coreSupergraphSdl: string): string[];
  /**
   * True when the caller may read every field the operation selects (with these variables): the trusted
   * documents' fast path runs stored plans only then, and leaves every other request to the filtering path.
   */
  permits(request: DecisionRequest, identity: Identity): boolean;
  /**
   * What of the operation the caller may run, as the gateway's executor applies it: all of it; a filtered
   * document, whose every result is completed by `complete` (the removed fields' nulls and errors); or
   * nothing, with the result to answer. subscriptions/ applies it to each event.
   */
  screen(request: DecisionRequest, identity: Identity): Screened;
}

export type Screened =
  | { kind: 'all' }
  | {
      kind: 'filtered';
      document: DocumentNode;
      operation: OperationDefinitionNode;
      source: string;
      queryHash: string;
      complete<T extends { data?: Record<string, unknown> | null; errors?: readonly GraphQLError[] }>(
        result: T,
      ): T & { errors: GraphQLError[] };
    }
  | { kind: 'refused'; result: { data?: Record<string, unknown> | null; errors: GraphQLError[] } };

/**
 * Declarative authorization (docs/authorization.md): the supergraph's @authenticated, @requiresScopes and
 * @policy, enforced on the operation before it is planned, like Apollo Router does.
 */
export function createAuthorization(options: { mode: AuthorizationMode }): Authorization {
  let requirements: Requirements = requirementsOf('scalar _Empty');
  let generation = 0;
  const decisions = new Map<string, Decision>();
  const conditionsOf = new WeakMap<DocumentNode, string[]>();

  const decisionFor = (request: DecisionRequest, identity: Identity): Decision => {
    const grants = grantsOf(identity, requirements.policies);
    const { document, queryHash, operation } = request;
    let conditions = conditionsOf.get(document);
    if (!conditions) conditionsOf.set(document, (conditions = conditionVariables(document)));
    const variables = request.variables ?? {};
    const key = [
      generation,
      queryHash,
      operation.name?.value ?? '',
      grants.key,
      JSON.stringify(conditions.map((name) => variables[name] ?? null)),
    ].join('\u0000');
    let decision = decisions.get(key);
    if (!decision) {
      decision = decide(request.schema, requirements, grants, operation, document, variables);
      if (decisions.size >= MAX_DECISIONS) decisions.delete(decisions.keys().next().value as string);
      decisions.set(key, decision);
    }
    return decision;
  };

  const screen = (request: DecisionRequest, identity: Identity): Screened => {
    if (requirements.fields.size === 0 && requirements.types.size === 0) return { kind: 'all' };
    const decision = decisionFor(request, identity);
    if (!decision.document) return { kind: 'all' };
    if (options.mode === 'reject') return { kind: 'refused', result: { errors: decision.errors } };
    // Nothing left to execute: no subgraph is asked.
    if (decision.empty) {
      return { kind: 'refused', result: { data: fillRemoved({}, decision.tree), errors: decision.errors } };
    }
    const filtered = decision.document;
    const source = print(filtered);
    return {
      kind: 'filtered',
      document: filtered,
      operation: filtered.definitions[0] as OperationDefinitionNode,
      source,
      // Apollo's plan cache is keyed by this: the filtered operation has its own plan.
      queryHash: createHash('sha256').update(source).digest('hex'),
      // The tree is shared by every request with this decision: filling never changes it, only the data.
      complete: (result) => ({
        ...result,
        data: fillRemoved(result.data, decision.tree),
        errors: [...decision.errors, ...(result.errors ?? [])],
      }),
    };
  };

  const authorizing =
    (executor: GatewayExecutor): GatewayExecutor =>
    async (requestContext) => {
      const screened = screen(
        {
          schema: requestContext.schema,
          document: requestContext.document,
          operation: requestContext.operation,
          queryHash: requestContext.queryHash,
          variables: requestContext.request.variables,
        },
        (requestContext.context as RouterContext).identity,
      );
      if (screened.kind === 'all') return executor(requestContext);
      if (screened.kind === 'refused') return screened.result;
      const { document, operation, source, queryHash } = screened;
      const result = await executor({ ...requestContext, document, operation, source, queryHash });
      return screened.complete({ ...result, errors: result.errors as GraphQLError[] | undefined });
    };

  return {
    gateway(inner) {
      return {
        ...inner,
        onSchemaLoadOrUpdate: inner.onSchemaLoadOrUpdate.bind(inner),
        stop: inner.stop.bind(inner),
        async load(loadOptions) {
          const loaded = await inner.load(loadOptions);
          return { ...loaded, executor: loaded.executor && authorizing(loaded.executor) };
        },
      };
    },
    served(coreSupergraphSdl) {
      requirements = requirementsOf(coreSupergraphSdl);
      generation += 1;
      decisions.clear();
      return [...requirements.policies]
        .filter((name) => !POLICIES[name])
        .map(
          (name) =>
            `@policy "${name}" is used in the supergraph but no policy function decides it (router/src/authorization/policies.ts)`,
        );
    },
    screen,
    permits(request, identity) {
      if (requirements.fields.size === 0 && requirements.types.size === 0) return true;
      return decisionFor(request, identity).document === undefined;
    },
  };
}
