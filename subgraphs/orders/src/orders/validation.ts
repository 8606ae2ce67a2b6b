import { isUuid, normalizeId } from '@supergraph/service-kit/graphql';
import { currencyCode, parseInput } from '@supergraph/service-kit/validation';
import { z } from 'zod';

const item = z.object({
  productId: z
    .string()
    .trim()
    .refine(isUuid, 'productId must be a product id (a UUID)')
    .transform(normalizeId),
  quantity: z.number().int().min(1, 'quantity must be at least 1').max(1000, 'quantity must be at most 1000'),
});

const placeOrder = z.object({
  currency: currencyCode(),
  items: z.array(item).min(1, 'an order needs at least 1 item').max(50, 'an order can have at most 50 items'),
});

/** What the customer asks for: products and quantities in one currency. Prices come from the catalog. */
export type PlaceOrder = z.infer<typeof placeOrder>;

/** Validates a new order's shape; every failure is BAD_USER_INPUT naming the field (`items.0.quantity`). */
export function parsePlaceOrderInput(input: unknown): PlaceOrder {
  return parseInput(placeOrder, input);
}
