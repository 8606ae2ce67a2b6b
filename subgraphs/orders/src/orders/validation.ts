import { badUserInput } from '@supergraph/service-kit/errors';
import { noNul, parseInput } from '@supergraph/service-kit/validation';
import { z } from 'zod';

/** Largest amount a GraphQL Int (and our integer columns) can hold. */
export const MAX_AMOUNT = 2_147_483_647;
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const item = z.object({
  sku: z
    .string()
    .trim()
    .min(1, 'sku must not be empty')
    .max(64, 'sku must be at most 64 characters')
    .refine(...noNul('sku')),
  name: z
    .string()
    .trim()
    .min(1, 'name must not be empty')
    .max(200, 'name must be at most 200 characters')
    .refine(...noNul('name')),
  quantity: z.number().int().min(1, 'quantity must be at least 1').max(1000, 'quantity must be at most 1000'),
  unitPrice: z.number().int().min(0, 'unitPrice must be 0 or more (in minor units)'),
});

const placeOrder = z.object({
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine((code) => /^[A-Z]{3}$/.test(code) && ISO_CURRENCIES.has(code), {
      message: 'currency must be a 3-letter ISO-4217 code, like USD or EUR',
    }),
  items: z.array(item).min(1, 'an order needs at least 1 item').max(50, 'an order can have at most 50 items'),
});

export type PlaceOrder = z.infer<typeof placeOrder> & { totalAmount: number };

/** Validates a new order and computes its total; every failure is BAD_USER_INPUT naming the field. */
export function parsePlaceOrderInput(input: unknown): PlaceOrder {
  const order = parseInput(placeOrder, input);
  const totalAmount = order.items.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  if (totalAmount > MAX_AMOUNT) {
    throw badUserInput(`the order total must be at most ${MAX_AMOUNT} minor units`, 'items');
  }
  return { ...order, totalAmount };
}
