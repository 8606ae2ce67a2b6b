import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { graphql, type GraphQLResponse } from '@supergraph/testing';
import { print } from 'graphql';
import { LogInDocument } from '../src/generated/operations.ts';

export interface GatewayClient {
  /** Sends any document as a string: for what the corpus deliberately does not hold. Prefer `request`. */
  query<TData = Record<string, unknown>>(
    document: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<TData>>;
  /**
   * Sends an operation of the corpus (`e2e/operations/`, typed by `npm run codegen`): the variables are checked
   * against the operation's, and `body.data` has the operation's generated result type.
   */
  request<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    token?: string,
  ): Promise<GraphQLResponse<TResult>>;
  /** A demo user's (or any user's) access token. */
  logIn(email: string, password?: string): Promise<string>;
}

/** A client of the gateway at `gatewayUrl` over real HTTP, as a frontend calls it. */
export function gatewayClient(gatewayUrl: string): GatewayClient {
  const query: GatewayClient['query'] = (document, variables = {}, token) =>
    graphql(gatewayUrl, document, variables, token ? { authorization: `Bearer ${token}` } : {});
  const request: GatewayClient['request'] = (document, variables, token) =>
    query(print(document), variables, token);
  return {
    query,
    request,
    async logIn(email, password = 'demo-password') {
      const response = await request(LogInDocument, { email, password });
      if (!response.body.data?.logIn)
        throw new Error(`log in failed: ${JSON.stringify(response.body.errors)}`);
      return response.body.data.logIn.token;
    },
  };
}
