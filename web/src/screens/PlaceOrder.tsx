import { useMutation } from '@apollo/client/react';
import { useMemo, useState, type FormEvent } from 'react';
import { formErrorsOf } from '../apollo/errors.ts';
import { Field, FormError } from '../components/Field.tsx';
import { formatMoney } from '../format/money.ts';
import { PlaceOrderFormDocument } from '../generated/graphql.ts';
import {
  currencyOf,
  emptyRow,
  estimateOf,
  MAX_ITEMS,
  quantityOf,
  validateOrder,
  type ItemRow,
  type PickedProduct,
} from '../orders/order-form.ts';
import { ProductPicker } from '../orders/ProductPicker.tsx';
import { navigate } from '../routing/router.ts';
import { paths } from '../routing/routes.ts';

/**
 * The items editor: each line a product from the catalog and a quantity; the order's currency is its
 * products'. The total shown is a preview at the catalog's prices: the orders service prices and totals it.
 */
export function PlaceOrder() {
  const [rows, setRows] = useState<ItemRow[]>(() => [emptyRow()]);
  const [checked, setChecked] = useState<Record<string, string>>({});
  const [placeOrder, { loading, error }] = useMutation(PlaceOrderFormDocument, {
    // The new order belongs at the top of every list of orders: refetch them when next shown.
    update(cache) {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'orders' });
      cache.gc();
    },
  });
  // One key per distinct order: a retry after a timeout places it once (docs/api.md).
  const idempotencyKey = useMemo(() => crypto.randomUUID(), [rows]);
  const server = formErrorsOf(error);
  const errors = { ...server.fields, ...checked };
  const currency = currencyOf(rows);
  const estimate = estimateOf(rows);

  // An edited field's error goes away until the next check.
  const update = (index: number, change: { product: PickedProduct | null } | { quantity: string }) => {
    setRows(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
    const field = 'product' in change ? 'productId' : 'quantity';
    setChecked(({ [`items.${index}.${field}`]: _edited, ...rest }) => rest);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = validateOrder(rows);
    setChecked(result.errors ?? {});
    if (!result.input) return;
    const { data } = await placeOrder({
      variables: { input: result.input },
      context: { headers: { 'idempotency-key': idempotencyKey } },
    }).catch(() => ({ data: undefined }));
    if (data) navigate(paths.order(data.placeOrder.id));
  };

  return (
    <main className="page">
      <h1>Place an order</h1>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>Items{currency && ` (in ${currency}: one currency per order)`}</legend>
          {rows.map((row, index) => {
            const quantity = quantityOf(row);
            return (
              <div className="item-row" key={row.key} role="group" aria-label={`Item ${index + 1}`}>
                <ProductPicker
                  product={row.product}
                  onPick={(product) => update(index, { product })}
                  error={errors[`items.${index}.productId`]}
                />
                <Field
                  label="Quantity"
                  inputMode="numeric"
                  value={row.quantity}
                  onChange={(event) => update(index, { quantity: event.target.value })}
                  error={errors[`items.${index}.quantity`]}
                />
                <p className="line-subtotal" data-testid="line-subtotal">
                  {row.product && quantity
                    ? formatMoney({
                        amount: row.product.price.amount * quantity,
                        currency: row.product.price.currency,
                      })
                    : '—'}
                </p>
                <button
                  type="button"
                  className="secondary"
                  disabled={rows.length === 1}
                  onClick={() => {
                    setRows(rows.filter((other) => other.key !== row.key));
                    setChecked({});
                  }}
                >
                  Remove item {index + 1}
                </button>
              </div>
            );
          })}
          {errors['items'] && <p className="field-error">{errors['items']}</p>}
          <button
            type="button"
            className="secondary"
            disabled={rows.length >= MAX_ITEMS}
            onClick={() => setRows([...rows, emptyRow()])}
          >
            Add an item
          </button>
        </fieldset>
        <p data-testid="order-estimate">
          Estimated total: <strong>{estimate ? formatMoney(estimate) : '—'}</strong>{' '}
          <span className="muted">(at the catalog&apos;s prices; the order shows the total charged)</span>
        </p>
        <FormError message={server.form} />
        <button type="submit" disabled={loading}>
          {loading ? 'Placing…' : 'Place order'}
        </button>
      </form>
    </main>
  );
}
