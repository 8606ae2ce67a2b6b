import type { Request } from 'express';

/** What a `/graphql` request asks to run, read before anything parses it. */
export type Asked =
  /** A persisted document by id: `extensions.persistedQuery.sha256Hash` (APQ), or `documentId`. */
  | { kind: 'id'; id: string; via: 'persistedQuery' | 'documentId'; query: string | undefined }
  /** Free-form text with no id. */
  | { kind: 'text'; query: string }
  /** Neither: Apollo answers with its own error. */
  | { kind: 'none' };

// The GraphQL-over-HTTP persisted documents draft prefixes SHA-256 ids; Apollo's manifests hold them bare.
const SHA256_PREFIX = 'sha256:';

export function askedBy(req: Request): Asked {
  return askedIn(fieldsOf(req));
}

/** What a GraphQL request's fields ask to run (a WebSocket or SSE subscribe payload has the same fields). */
export function askedIn(fields: Fields): Asked {
  // An empty text beside an id is no text: graphql-sse and graphql-ws clients must send a `query` string.
  const query = typeof fields.query === 'string' && fields.query !== '' ? fields.query : undefined;
  if (typeof fields.documentId === 'string' && fields.documentId) {
    const id = fields.documentId.startsWith(SHA256_PREFIX)
      ? fields.documentId.slice(SHA256_PREFIX.length)
      : fields.documentId;
    return { kind: 'id', id, via: 'documentId', query };
  }
  const hash = persistedHashOf(fields.extensions);
  if (hash !== undefined) return { kind: 'id', id: hash, via: 'persistedQuery', query };
  if (query !== undefined) return { kind: 'text', query };
  return { kind: 'none' };
}

export interface Fields {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/** A POST's JSON body, or a GET's query string (where `extensions` is JSON text). */
function fieldsOf(req: Request): Fields {
  if (req.method === 'POST') {
    const body: unknown = req.body;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Fields) : {};
  }
  const params = req.query as Record<string, unknown>;
  let extensions: unknown = params['extensions'];
  if (typeof extensions === 'string') {
    try {
      extensions = JSON.parse(extensions);
    } catch {
      extensions = undefined; // Apollo reports the malformed parameter
    }
  }
  return { query: params['query'], documentId: params['documentId'], extensions };
}

function persistedHashOf(extensions: unknown): string | undefined {
  if (!extensions || typeof extensions !== 'object') return undefined;
  const persisted = (extensions as { persistedQuery?: unknown }).persistedQuery;
  if (!persisted || typeof persisted !== 'object') return undefined;
  const hash = (persisted as { sha256Hash?: unknown }).sha256Hash;
  return typeof hash === 'string' && hash ? hash : undefined;
}
