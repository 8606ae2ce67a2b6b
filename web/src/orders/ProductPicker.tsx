import { useQuery } from '@apollo/client/react';
import { useEffect, useId, useState } from 'react';
import { describeError } from '../apollo/errors.ts';
import { formatMoney } from '../format/money.ts';
import { ProductPickerDocument } from '../generated/graphql.ts';
import type { PickedProduct } from './order-form.ts';

/** How long typing pauses before the catalog is asked: one request per word, not per keystroke. */
const SEARCH_PAUSE_MS = 250;

const labelOf = (product: PickedProduct) =>
  `${product.name} — ${product.sku} — ${formatMoney(product.price)}`;

/**
 * One line's product: a search box and the products on sale that match it (name, SKU, price), from the
 * catalog service. The picked product stays listed while another search runs. `error` is the line's
 * `items.<i>.productId` message, from the client's checks or the server's BAD_USER_INPUT.
 */
export function ProductPicker({
  product,
  onPick,
  error,
}: {
  product: PickedProduct | null;
  onPick: (product: PickedProduct | null) => void;
  error?: string | undefined;
}) {
  const id = useId();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [typed]);
  const { data, error: loadError } = useQuery(ProductPickerDocument, {
    variables: { search: search || null },
  });
  const found = data?.products.edges.map((edge) => edge.node) ?? [];
  const options = product && !found.some((other) => other.id === product.id) ? [product, ...found] : found;
  const message =
    error ?? (loadError ? `Products could not be loaded. ${describeError(loadError)}` : undefined);

  return (
    <div className="picker">
      <div className="field">
        <label htmlFor={`${id}-search`}>Find a product</label>
        <input
          id={`${id}-search`}
          type="search"
          value={typed}
          placeholder="Name or SKU"
          onChange={(event) => setTyped(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-product`}>Product</label>
        <select
          id={`${id}-product`}
          value={product?.id ?? ''}
          aria-invalid={message ? true : undefined}
          aria-describedby={message ? `${id}-error` : undefined}
          onChange={(event) => onPick(options.find((other) => other.id === event.target.value) ?? null)}
        >
          <option value="">{data && found.length === 0 ? 'No product matches' : 'Choose a product'}</option>
          {options.map((option) => (
            <option key={option.id} value={option.id}>
              {labelOf(option)}
            </option>
          ))}
        </select>
        {message && (
          <p id={`${id}-error`} className="field-error">
            {message}
          </p>
        )}
      </div>
    </div>
  );
}
