import { z } from 'zod';
import { badUserInput } from '../errors.ts';
import { isUuid } from './uuid.ts';

export const MAX_PAGE_SIZE = 100;

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}
export interface Connection<TNode> {
  edges: Edge<TNode>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Validates a connection's `first` argument: 0..100, defaulting when the client sends null. */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`"first" must be between 0 and ${MAX_PAGE_SIZE}; got ${size}.`, 'first');
  }
  return size;
}

const CURSOR_PREFIX = 'v1:';
const cursorSchema = z.array(z.string()).min(1);

/** Cursors are opaque to clients: versioned, base64url-encoded sort keys of the last row seen. */
export function encodeCursor(sortKey: readonly string[]): string {
  return Buffer.from(CURSOR_PREFIX + JSON.stringify(sortKey)).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined, arity: number): string[] | null {
  if (cursor === null || cursor === undefined) return null;
  const invalid = () =>
    badUserInput('"after" is not a cursor this API issued; pass an endCursor back as-is.', 'after');
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(CURSOR_PREFIX.length));
  } catch {
    throw invalid();
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success || result.data.length !== arity) throw invalid();
  return result.data;
}

/**
 * Builds a connection from rows fetched with `limit: first + 1`: the extra row only tells whether there
 * is a next page and is never returned.
 */
export function toConnection<TRow, TNode>(
  rows: readonly TRow[],
  first: number,
  sortKey: (row: TRow) => readonly string[],
  toNode: (row: TRow) => TNode,
  after: string | null = null,
): Connection<TNode> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(sortKey(row)), node: toNode(row) }));
  // An empty page (first: 0) ends where it started, so a client following endCursor does not restart.
  const endCursor = edges.at(-1)?.cursor ?? after;
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor } };
}

/** Sort key of rows ordered by creation time with the id as tie-breaker. */
export interface TimeKey {
  createdAt: Date;
  id: string;
}

export const timeKeyOf = (row: TimeKey): readonly string[] => [row.createdAt.toISOString(), row.id];

/** Decodes an `after` cursor issued by `timeKeyOf`; null when absent, BAD_USER_INPUT when forged. */
export function decodeTimeCursor(after: string | null | undefined): TimeKey | null {
  const parts = decodeCursor(after, 2);
  if (!parts) return null;
  const createdAt = new Date(parts[0]!);
  // Only timestamps we could have issued: PostgreSQL cannot read ISO strings for years outside 1-9999.
  const year = createdAt.getUTCFullYear();
  if (Number.isNaN(createdAt.getTime()) || year < 1 || year > 9999 || !isUuid(parts[1]!)) {
    throw badUserInput('"after" is not a cursor this API issued; pass an endCursor back as-is.', 'after');
  }
  return { createdAt, id: parts[1]! };
}
