import type { IdempotencyCodec } from '@supergraph/service-kit/db';
import type { ProductRow } from '../db/schema.ts';
import type { CreateOutcome } from './queries.ts';

/** createProduct keeps the product it created; a refusal (SKU taken) created nothing and keeps no key. */
export const createProductCodec: IdempotencyCodec<CreateOutcome> = {
  store: (outcome) => (outcome.kind === 'created' ? outcome.product : undefined),
  replay: (stored) => {
    const row = stored as Omit<ProductRow, 'createdAt' | 'updatedAt'> & {
      createdAt: string;
      updatedAt: string;
    };
    return {
      kind: 'created',
      product: { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) },
    };
  },
};
