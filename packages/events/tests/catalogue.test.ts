import { describe, expect, it } from 'vitest';
import { createEvent, EVENTS, InvalidEventError, parseEvent } from '../src/catalogue.ts';

const USER = '5b0c8d6e-3f7a-4c1e-9a2b-7d4e6f8a9b0c';
const ORDER = '8e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b';

describe('the event catalogue', () => {
  it('builds an event with a fresh id, the catalogued version, an ISO timestamp and a checked payload', () => {
    const event = createEvent('order.placed', ORDER, {
      orderId: ORDER,
      userId: USER,
      currency: 'EUR',
      totalAmount: 1250,
      itemCount: 2,
    });
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'order.placed',
      version: EVENTS['order.placed'].version,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      aggregateId: ORDER,
      payload: { orderId: ORDER, userId: USER, currency: 'EUR', totalAmount: 1250, itemCount: 2 },
    });
  });

  it('refuses to build an event whose payload breaks its schema', () => {
    expect(() => createEvent('user.updated', USER, { userId: USER, changed: [] })).toThrow();
  });

  it('reads back what it wrote, through JSON', () => {
    const event = createEvent('user.deleted', USER, { userId: USER });
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
  });

  it('rejects unknown types, unknown versions and payloads that do not match, as InvalidEventError', () => {
    const event = createEvent('user.deleted', USER, { userId: USER });
    expect(() => parseEvent({ ...event, type: 'user.exploded' })).toThrow(InvalidEventError);
    expect(() => parseEvent({ ...event, version: 2 })).toThrow(/version 2 is unknown/);
    expect(() => parseEvent({ ...event, payload: { userId: 'not-a-uuid' } })).toThrow(InvalidEventError);
    expect(() => parseEvent('just a string')).toThrow(InvalidEventError);
  });
});
