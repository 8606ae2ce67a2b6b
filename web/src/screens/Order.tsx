import { useQuery } from '@apollo/client/react';
import { ErrorMessage, Loading } from '../components/ErrorMessage.tsx';
import { Link } from '../components/Link.tsx';
import { cancellable, OrderStatus } from '../components/OrderStatus.tsx';
import { formatDate, formatMoney } from '../format/money.ts';
import { graphQLErrorsOf } from '../apollo/errors.ts';
import { useLiveUpdates } from '../apollo/live.ts';
import { OrderPageDocument, OrderPageUpdatesDocument, type OrderPageQuery } from '../generated/graphql.ts';
import { paths } from '../routing/routes.ts';
import { CancelOrder } from './CancelOrder.tsx';

type Item = NonNullable<OrderPageQuery['order']>['items'][number];

/**
 * What changed in the catalog since the line was ordered (the line keeps its name and price): the product's
 * current name and price, or that it is no longer sold. Nothing when it is as ordered.
 */
function CatalogNow({ item }: { item: Item }) {
  const product = item.product;
  if (!product) return null;
  if (!product.active) return <span className="muted catalog-now">No longer sold.</span>;
  const renamed = product.name !== item.name;
  const repriced =
    product.price.amount !== item.unitPrice.amount || product.price.currency !== item.unitPrice.currency;
  if (!renamed && !repriced) return null;
  return (
    <span className="muted catalog-now">
      Now {renamed && <>“{product.name}” </>}
      {repriced && <>at {formatMoney(product.price)}</>}
    </span>
  );
}

/** One order, live: its items with their subtotals, the total, and who placed it (from the users service). */
export function Order({ id }: { id: string }) {
  const { data, error, refetch } = useQuery(OrderPageDocument, { variables: { id } });
  // Its status changes (an admin marks it paid) show without a reload.
  useLiveUpdates(OrderPageUpdatesDocument, { id }, refetch);
  const order = data?.order;
  // The lines' current catalog data is extra: without it the order shows as placed, with a note.
  const graphQLErrors = graphQLErrorsOf(error);
  const catalogOnly =
    graphQLErrors.length > 0 && graphQLErrors.every((graphQLError) => graphQLError.path?.[3] === 'product');
  const orderError = catalogOnly ? undefined : error;

  return (
    <main className="page">
      <p>
        <Link to={paths.orders}>← My orders</Link>
      </p>
      <h1>Order</h1>
      {orderError && (
        <ErrorMessage
          title="The order could not be loaded."
          error={orderError}
          retry={() => void refetch()}
        />
      )}
      {!data && !orderError && <Loading what="the order" />}
      {data && order === null && !orderError && <p>There is no such order.</p>}
      {order && (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd aria-live="polite" data-testid="order-status">
              <OrderStatus status={order.status} />
            </dd>
            <dt>Placed</dt>
            <dd>{formatDate(order.createdAt)}</dd>
            <dt>Customer</dt>
            <dd>
              {order.user.name}
              {order.user.email && <> ({order.user.email})</>}
            </dd>
          </dl>
          <table>
            <caption className="visually-hidden">Items of the order</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Product</th>
                <th scope="col" className="number">
                  Quantity
                </th>
                <th scope="col" className="number">
                  Unit price
                </th>
                <th scope="col" className="number">
                  Subtotal
                </th>
              </tr>
            </thead>
            <tbody>
              {order.items.map((item, index) => (
                <tr key={index}>
                  <td>{item.sku}</td>
                  <td>
                    {item.name}
                    <CatalogNow item={item} />
                  </td>
                  <td className="number">{item.quantity}</td>
                  <td className="number">{formatMoney(item.unitPrice)}</td>
                  <td className="number">{formatMoney(item.subtotal)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4}>
                  Total
                </th>
                <td className="number" data-testid="order-total">
                  {formatMoney(order.total)}
                </td>
              </tr>
            </tfoot>
          </table>
          {catalogOnly && (
            <p className="muted" role="status">
              The catalog cannot be reached: the items are shown as ordered, without their current prices.
            </p>
          )}
          {cancellable(order.status) && <CancelOrder orderId={order.id} />}
        </>
      )}
    </main>
  );
}
