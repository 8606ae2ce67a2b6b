import { createHash } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// Clients repeat the same few documents: their hashes are remembered (bounded, oldest dropped first).
const documentHashes = new Map<string, string>();
function documentHashOf(query: string): string {
  let hash = documentHashes.get(query);
  if (hash === undefined) {
    hash = sha256(query);
    if (query.length > 10_000) return hash;
    if (documentHashes.size >= 1_000) documentHashes.delete(documentHashes.keys().next().value!);
    documentHashes.set(query, hash);
  }
  return hash;
}
const SHA256_HEX = /^[0-9a-f]{64}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What besides the request decides an answer: the schema being served and the gateway's own rules. */
export interface KeyScope {
  /** Hash of the supergraph being served; undefined before it is loaded. */
  schema: string | undefined;
  /** Hash of the configuration that changes answers (NODE_ENV, the abuse limits). */
  config: string;
}

/**
 * The cache key of a JSON `POST /graphql` body, or undefined when the request is not one the cache answers
 * (not a single operation, odd field types, an APQ hash that does not match its query: Apollo answers those,
 * with the right error). The document is identified by its SHA-256, which is also its APQ hash, so a
 * hash-only APQ request finds the answer stored for the same query sent in full.
 */
export function cacheKeyOf(body: unknown, caller: string, scope: KeyScope): string | undefined {
  if (!isRecord(body) || scope.schema === undefined) return undefined;
  const { query, operationName = null, variables = null, extensions } = body;
  if (operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== null && !isRecord(variables)) return undefined;
  if (extensions !== undefined && extensions !== null && !isRecord(extensions)) return undefined;
  const persistedQuery = extensions?.['persistedQuery'];
  let persisted: string | undefined;
  if (persistedQuery !== undefined) {
    // Only the shape Apollo accepts; anything else is Apollo's to refuse.
    if (!isRecord(persistedQuery) || persistedQuery['version'] !== 1) return undefined;
    const hash = persistedQuery['sha256Hash'];
    if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) return undefined;
    persisted = hash;
  }
  let document: string;
  if (typeof query === 'string') {
    document = documentHashOf(query);
    if (persisted !== undefined && persisted !== document) return undefined;
  } else if (query === undefined && persisted !== undefined) {
    // Apollo would answer PERSISTED_QUERY_NOT_FOUND for a hash this replica has not registered; an answer
    // stored for the same document sent in full is as good, and saves the client its second round trip.
    document = persisted;
  } else {
    return undefined;
  }
  return sha256(JSON.stringify([scope.config, scope.schema, caller, document, operationName, variables]));
}

export const configHashOf = (settings: Record<string, unknown>): string => sha256(JSON.stringify(settings));
export const schemaHashOf = (supergraphSdl: string): string => sha256(supergraphSdl);
