import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, parse, type GraphQLFormattedError } from 'graphql';
import { WEB_DIR } from './build-app.ts';

const manifest = JSON.parse(
  readFileSync(join(WEB_DIR, '..', 'schema', 'persisted-query-manifest.json'), 'utf8'),
) as { operations: { id: string; name: string }[] };
const ids = new Map(manifest.operations.map(({ name, id }) => [name, id]));

/**
 * Posts one trusted operation by id, as the app does, for what a test sets up without the browser (a customer
 * with many orders); the whole answer, errors included.
 */
export async function postById<TResult, TVariables>(
  gatewayUrl: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<{ data?: TResult | null; errors?: GraphQLFormattedError[] }> {
  const name = getOperationAST(document)?.name?.value ?? '';
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: ids.get(name) } },
    }),
  });
  return (await response.json()) as { data?: TResult | null; errors?: GraphQLFormattedError[] };
}

/** postById's data; throws on any error. */
export async function sendById<TResult, TVariables>(
  gatewayUrl: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<TResult> {
  const body = await postById(gatewayUrl, document, variables, token);
  if (!body.data || body.errors) {
    const name = getOperationAST(document)?.name?.value ?? '';
    throw new Error(`${name} failed: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

/** An operation of the e2e corpus (also trusted), for what only an admin tool does, like archiving a product. */
export const corpusOperation = <TResult, TVariables>(name: string): TypedDocumentNode<TResult, TVariables> =>
  parse(readFileSync(join(WEB_DIR, '..', 'e2e', 'operations', `${name}.graphql`), 'utf8'));
