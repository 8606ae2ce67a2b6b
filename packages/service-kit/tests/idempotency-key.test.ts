import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../src/db/idempotency.ts';
import { MAX_IDEMPOTENCY_KEY_LENGTH, parseIdempotencyKey } from '../src/http/idempotency-key.ts';

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { extensions?: { code?: string; field?: string } }).extensions;
  }
  return undefined;
};

describe('the Idempotency-Key header', () => {
  it('is optional, and read as a bare token (Stripe) or a structured-field string (IETF draft)', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    expect(parseIdempotencyKey(' "8e03978e-40d5" ')).toBe('8e03978e-40d5');
  });

  it('is BAD_USER_INPUT when empty, too long, not printable ASCII, or sent twice', () => {
    for (const bad of [
      '',
      '""',
      'k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH + 1),
      'tab\tkey',
      'cl\u00e9',
      ['a', 'b'],
    ]) {
      expect(codeOf(() => parseIdempotencyKey(bad))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'Idempotency-Key',
      });
    }
    expect(parseIdempotencyKey('k'.repeat(MAX_IDEMPOTENCY_KEY_LENGTH))).toHaveLength(
      MAX_IDEMPOTENCY_KEY_LENGTH,
    );
  });
});

describe('the request fingerprint', () => {
  it('is the same for the same operation and input whatever the key order, and differs otherwise', () => {
    const order = { currency: 'EUR', items: [{ sku: 'A', quantity: 1 }] };
    const reordered = { items: [{ quantity: 1, sku: 'A' }], currency: 'EUR' };
    expect(fingerprintOf('placeOrder', order)).toBe(fingerprintOf('placeOrder', reordered));
    expect(fingerprintOf('placeOrder', order)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf('placeOrder', order)).not.toBe(fingerprintOf('cancelOrder', order));
    expect(fingerprintOf('placeOrder', order)).not.toBe(
      fingerprintOf('placeOrder', { ...order, currency: 'USD' }),
    );
    // Item order is part of the request: the same items in another order are another order.
    expect(fingerprintOf('placeOrder', { items: [1, 2] })).not.toBe(
      fingerprintOf('placeOrder', { items: [2, 1] }),
    );
  });
});
