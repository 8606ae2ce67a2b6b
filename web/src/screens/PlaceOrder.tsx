import { useMutation } from '@apollo/client/react';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { formErrorsOf } from '../apollo/errors.ts';
import { Field, FormError } from '../components/Field.tsx';
import { formatMoney, minorUnitsOf } from '../format/money.ts';
import { PlaceOrderFormDocument } from '../generated/graphql.ts';
import { CURRENCIES, emptyRow, MAX_ITEMS, validateOrder, type ItemRow } from '../orders/order-form.ts';
import { navigate } from '../routing/router.ts';
import { paths } from '../routing/routes.ts';

/** The items editor: lines of SKU, name, quantity and unit price in one currency; the server totals them. */
export function PlaceOrder() {
  const currencyId = useId();
  const [currency, setCurrency] = useState<string>('USD');
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
  const idempotencyKey = useMemo(() => crypto.randomUUID(), [currency, rows]);
  const server = formErrorsOf(error);
  const errors = { ...server.fields, ...checked };

  // An edited field's error goes away until the next check.
  const update = (index: number, field: keyof Omit<ItemRow, 'key'>, value: string) => {
    setRows(rows.map((row, at) => (at === index ? { ...row, [field]: value } : row)));
    setChecked(({ [`items.${index}.${field}`]: _edited, ...rest }) => rest);
  };

  const estimate = rows.reduce((sum, row) => {
    const price = minorUnitsOf(row.unitPrice, currency);
    const quantity = Number(row.quantity);
    return price === null || !Number.isInteger(quantity) ? sum : sum + price * quantity;
  }, 0);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = validateOrder(currency, rows);
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
        <div className="field">
          <label htmlFor={currencyId}>Currency</label>
          <select
            id={currencyId}
            value={currency}
            onChange={(event) => {
              setCurrency(event.target.value);
              setChecked({});
            }}
          >
            {CURRENCIES.map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
          {errors['currency'] && <p className="field-error">{errors['currency']}</p>}
        </div>
        <fieldset>
          <legend>Items</legend>
          {rows.map((row, index) => (
            <div className="item-row" key={row.key} role="group" aria-label={`Item ${index + 1}`}>
              <Field
                label="SKU"
                value={row.sku}
                onChange={(event) => update(index, 'sku', event.target.value)}
                error={errors[`items.${index}.sku`]}
              />
              <Field
                label="Product name"
                value={row.name}
                onChange={(event) => update(index, 'name', event.target.value)}
                error={errors[`items.${index}.name`]}
              />
              <Field
                label="Quantity"
                inputMode="numeric"
                value={row.quantity}
                onChange={(event) => update(index, 'quantity', event.target.value)}
                error={errors[`items.${index}.quantity`]}
              />
              <Field
                label={`Unit price (${currency})`}
                inputMode="decimal"
                value={row.unitPrice}
                onChange={(event) => update(index, 'unitPrice', event.target.value)}
                error={errors[`items.${index}.unitPrice`]}
              />
              <button
                type="button"
                className="secondary"
                disabled={rows.length === 1}
                onClick={() => setRows(rows.filter((other) => other.key !== row.key))}
              >
                Remove item {index + 1}
              </button>
            </div>
          ))}
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
        <p>
          Estimated total: <strong>{formatMoney({ amount: estimate, currency })}</strong>
        </p>
        <FormError message={server.form} />
        <button type="submit" disabled={loading}>
          {loading ? 'Placing…' : 'Place order'}
        </button>
      </form>
    </main>
  );
}
