import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mixDocumentId, mixManifest } from '../src/mix/manifest.ts';
import { MIX_OPERATIONS } from '../src/mix/operations.ts';

describe('the mix’s trusted-document manifest (configuration A)', () => {
  it('lists every operation of the mix once, by the SHA-256 of its text, with its name and kind', () => {
    const { format, version, operations } = mixManifest();
    expect({ format, version }).toEqual({ format: 'apollo-persisted-query-manifest', version: 1 });
    expect(operations).toHaveLength(MIX_OPERATIONS.length);
    expect(new Set(operations.map(({ id }) => id)).size).toBe(MIX_OPERATIONS.length);
    for (const op of MIX_OPERATIONS) {
      const entry = operations.find(({ name }) => name === op.name);
      expect(entry).toEqual({
        id: createHash('sha256').update(op.query).digest('hex'),
        name: op.name,
        type: op.query.trimStart().startsWith('mutation') ? 'mutation' : 'query',
        body: op.query,
      });
      expect(mixDocumentId(op.query)).toBe(entry!.id);
    }
  });
});
