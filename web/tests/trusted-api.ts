import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST } from 'graphql';
import { WEB_DIR } from './build-app.ts';

const manifest = JSON.parse(
  readFileSync(join(WEB_DIR, '..', 'schema', 'persisted-query-manifest.json'), 'utf8'),
) as { operations: { id: string; name: string }[] };
const ids = new Map(manifest.operations.map(({ name, id }) => [name, id]));

/**
 * Sends one of the app's operations by trusted-document id, as the app does, for what a test sets up
 * without the browser (a customer with many orders). Throws on any error.
 */
export async function sendById<TResult, TVariables>(
  gatewayUrl: string,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token?: string,
): Promise<TResult> {
  const name = getOperationAST(document)?.name?.value ?? '';
  const response = await fetch(gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({
      variables,
      extensions: { persistedQuery: { version: 1, sha256Hash: ids.get(name) } },
    }),
  });
  const body = (await response.json()) as { data?: TResult; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`${name} failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}
