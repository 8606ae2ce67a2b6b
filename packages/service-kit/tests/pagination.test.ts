import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  decodeTimeCursor,
  encodeCursor,
  pageSize,
  toConnection,
} from '@supergraph/service-kit/graphql';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { extensions?: { code?: string; field?: string } }).extensions;
  }
  throw new Error('expected an error');
};

describe('pageSize', () => {
  it('defaults when the client sends null and accepts 0..100', () => {
    expect(pageSize(null)).toBe(20);
    expect(pageSize(0)).toBe(0);
    expect(pageSize(100)).toBe(100);
  });
  it('refuses sizes outside 0..100 with BAD_USER_INPUT naming first', () => {
    expect(codeOf(() => pageSize(101))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(codeOf(() => pageSize(-1))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('cursors', () => {
  it('round-trips a sort key and is opaque', () => {
    const cursor = encodeCursor(['2026-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000001']);
    expect(cursor).not.toMatch(/2026/);
    expect(decodeCursor(cursor, 2)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '00000000-0000-4000-8000-000000000001',
    ]);
  });
  it('refuses forged cursors with BAD_USER_INPUT naming after', () => {
    for (const forged of ['garbage', encodeCursor(['x']), Buffer.from('v1:{').toString('base64url')]) {
      expect(codeOf(() => decodeCursor(forged, 2))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
  });
  it('refuses time cursors PostgreSQL could not read or with a non-uuid id', () => {
    const id = '00000000-0000-4000-8000-000000000001';
    for (const forged of [
      encodeCursor(['+010000-01-01T00:00:00.000Z', id]),
      encodeCursor(['0000-01-01T00:00:00.000Z', id]),
      encodeCursor(['not a date', id]),
      encodeCursor(['2026-01-01T00:00:00.000Z', "1' or 1=1"]),
    ]) {
      expect(codeOf(() => decodeTimeCursor(forged))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    }
    expect(decodeTimeCursor(encodeCursor(['2026-01-01T00:00:00.000Z', id]))).toEqual({
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
      id,
    });
  });
});

describe('toConnection', () => {
  const key = (n: number) => [String(n)];
  it('uses the extra row only to tell that a next page exists', () => {
    const page = toConnection([1, 2, 3], 2, key, (n) => n * 10);
    expect(page.edges.map((edge) => edge.node)).toEqual([10, 20]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(['2']) });
  });
  it('keeps the incoming cursor for an empty page, so following it does not restart', () => {
    expect(toConnection([1], 0, key, (n) => n, 'AFTER').pageInfo).toEqual({
      hasNextPage: true,
      endCursor: 'AFTER',
    });
    expect(toConnection([], 5, key, (n) => n).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
