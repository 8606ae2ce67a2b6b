import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { RouterContext } from '../request-scope.ts';
import type { TrustedDocuments } from '../trusted-documents/index.ts';
import type { LiveSubscription } from './live.ts';
import { withSlot, type SubscribeSlot } from './slot.ts';

/** What a client sends to run an operation over WebSocket or SSE (graphql-ws' and graphql-sse's payload). */
export interface OperationPayload {
  query?: string | undefined;
  variables?: Record<string, unknown> | null | undefined;
  operationName?: string | null | undefined;
  extensions?: Record<string, unknown> | null | undefined;
  documentId?: string | undefined;
}

/** A subscription to run; or the one result of a query or mutation, or of a refusal (`refused`: no data). */
export type Outcome = { live: LiveSubscription } | { result: FormattedExecutionResult; refused: boolean };

export interface OperationRunnerDeps {
  apollo: () => ApolloServer<RouterContext>;
  /** The token limit (limits.ts), applied to the text before anything parses it. */
  tokenCheck: (query: unknown) => GraphQLFormattedError | undefined;
  trusted: TrustedDocuments | undefined;
}

const refused = (error: GraphQLFormattedError): Outcome => ({ result: { errors: [error] }, refused: true });

/**
 * Runs an operation that came over WebSocket or SSE through the same screens and Apollo request pipeline as
 * `POST /graphql`: the token limit and trusted documents first (they are HTTP middleware there), then Apollo —
 * parsing, validation and armor's limits, the cost limit, APQ, authorization and the executor. A
 * subscription comes back planned and ready to run; anything else as its single result.
 */
export function createOperationRunner(deps: OperationRunnerDeps) {
  return async (payload: OperationPayload, context: RouterContext, slot: SubscribeSlot): Promise<Outcome> => {
    let query = payload.query;
    let extensions = payload.extensions ?? undefined;
    // An SSE request is an HTTP request: the gateway's HTTP screens have passed it already.
    const screened = slot.transport === 'sse';
    const tooLong = screened ? undefined : deps.tokenCheck(payload.query);
    if (tooLong) return refused(tooLong);
    if (deps.trusted && !screened) {
      const admitted = deps.trusted.admit(payload);
      if ('refusal' in admitted) return refused(admitted.refusal);
      if (admitted.query !== undefined && admitted.query !== query) {
        // A manifest operation by id: Apollo runs its trusted text, as the HTTP screen has it do.
        query = admitted.query;
        const { persistedQuery: _id, ...rest } = extensions ?? {};
        extensions = rest;
      }
    }
    const headers = new HeaderMap([['content-type', 'application/json']]);
    const response = await deps.apollo().executeOperation(
      {
        ...(query !== undefined ? { query } : {}),
        ...(payload.variables ? { variables: payload.variables } : {}),
        ...(payload.operationName ? { operationName: payload.operationName } : {}),
        ...(extensions ? { extensions } : {}),
        http: { method: 'POST', headers, search: '', body: payload },
      },
      { contextValue: withSlot(context, slot) },
    );
    if (slot.live) return { live: slot.live };
    if (response.body.kind !== 'single') {
      return refused({
        message: 'Incremental delivery (@defer) is served over HTTP only.',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
    const result = response.body.singleResult as FormattedExecutionResult;
    return { result, refused: result.data === undefined && (result.errors?.length ?? 0) > 0 };
  };
}

export type OperationRunner = ReturnType<typeof createOperationRunner>;
