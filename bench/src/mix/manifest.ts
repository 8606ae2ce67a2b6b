import { createHash } from 'node:crypto';
import { getOperationAST, parse } from 'graphql';
import { MIX_OPERATIONS } from './operations.ts';

const ids = new Map<string, string>();

/** A mix operation's trusted-document id: the SHA-256 of its text, as web/'s persisted-query link sends it. */
export function mixDocumentId(query: string): string {
  let id = ids.get(query);
  if (id === undefined) ids.set(query, (id = createHash('sha256').update(query).digest('hex')));
  return id;
}

/** The mix's operations as an Apollo persisted query manifest (router/src/trusted-documents/manifest-file.ts). */
export const mixManifest = () => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations: MIX_OPERATIONS.map((op) => ({
    id: mixDocumentId(op.query),
    name: op.name,
    type: getOperationAST(parse(op.query), op.name)?.operation ?? 'query',
    body: op.query,
  })),
});
