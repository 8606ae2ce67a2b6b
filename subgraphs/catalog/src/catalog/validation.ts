import { currencyCode, noNul, parseInput } from '@supergraph/service-kit/validation';
import { z } from 'zod';

const name = z
  .string()
  .trim()
  .min(1, 'name must not be empty')
  .max(200, 'name must be at most 200 characters')
  .refine(...noNul('name'));

/** Blank or null clears the description. */
const description = z
  .string()
  .trim()
  .max(2000, 'description must be at most 2000 characters')
  .refine(...noNul('description'))
  .nullable()
  .transform((text) => (text ? text : null));

const price = z.object({
  amount: z.number().int().min(0, 'price must be 0 or more (in minor units)'),
  currency: currencyCode(),
});

const createProduct = z.object({
  // Upper-cased, so uniqueness does not depend on case; a SKU is a code, not prose.
  sku: z
    .string()
    .trim()
    .toUpperCase()
    .regex(
      /^[A-Z0-9][A-Z0-9._-]{0,63}$/,
      'sku must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ),
  name,
  description: description.optional().transform((text) => text ?? null),
  price,
});

const updateProduct = z.object({
  // null and omitted both leave the name (and the price) as they are; only the description can be cleared.
  name: name.nullish(),
  description: description.optional(),
  price: price.nullish(),
});

export type NewProduct = z.infer<typeof createProduct>;
export type ProductChanges = z.infer<typeof updateProduct>;

/** Validates a new product; every failure is BAD_USER_INPUT naming the field (`sku`, `price.currency`). */
export const parseCreateProductInput = (input: unknown): NewProduct => parseInput(createProduct, input);

/** Validates changes to a product; every failure is BAD_USER_INPUT naming the field (`price.amount`). */
export const parseUpdateProductInput = (input: unknown): ProductChanges => parseInput(updateProduct, input);

/** What `products(search:)` matches: trimmed, at most 100 characters; blank means no filter. */
export function parseSearch(search: string | null | undefined): string | null {
  const { search: text } = parseInput(
    z.object({
      search: z
        .string()
        .trim()
        .max(100, 'search must be at most 100 characters')
        .refine(...noNul('search')),
    }),
    { search: search ?? '' },
  );
  return text === '' ? null : text;
}
