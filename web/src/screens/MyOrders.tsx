import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { ErrorMessage, Loading } from '../components/ErrorMessage.tsx';
import { Link } from '../components/Link.tsx';
import { OrderStatus } from '../components/OrderStatus.tsx';
import { formatDate, formatMoney } from '../format/money.ts';
import { useLiveUpdates } from '../apollo/live.ts';
import { MyOrdersPageDocument, MyOrdersPageUpdatesDocument } from '../generated/graphql.ts';
import { paths } from '../routing/routes.ts';

const PAGE_SIZE = 10;

/** The caller's orders, newest first, a page at a time (cursor pagination: "Load more"), kept live. */
export function MyOrders() {
  const { data, error, fetchMore, refetch, networkStatus } = useQuery(MyOrdersPageDocument, {
    variables: { first: PAGE_SIZE },
    notifyOnNetworkStatusChange: true,
  });
  // A listed order's new status shows without a reload.
  useLiveUpdates(MyOrdersPageUpdatesDocument, {}, refetch);
  const connection = data?.orders;

  return (
    <main className="page">
      <div className="title-row">
        <h1>My orders</h1>
        <Link className="button" to={paths.newOrder}>
          Place an order
        </Link>
      </div>
      {error && (
        <ErrorMessage title="Your orders could not be loaded." error={error} retry={() => void refetch()} />
      )}
      {!connection && !error && <Loading what="your orders" />}
      {connection && connection.edges.length === 0 && (
        <p>
          No orders yet. <Link to={paths.newOrder}>Place your first order.</Link>
        </p>
      )}
      {connection && connection.edges.length > 0 && (
        <table>
          <caption className="visually-hidden">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col">Items</th>
              <th scope="col" className="number">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {connection.edges.map(({ node }) => (
              <tr key={node.id} data-order-id={node.id}>
                <td>
                  <Link to={paths.order(node.id)}>{formatDate(node.createdAt)}</Link>
                </td>
                <td>
                  <OrderStatus status={node.status} />
                </td>
                <td>{node.items.reduce((sum, item) => sum + item.quantity, 0)}</td>
                <td className="number">{formatMoney(node.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {connection?.pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={networkStatus === NetworkStatus.fetchMore}
          onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}
        >
          {networkStatus === NetworkStatus.fetchMore ? 'Loading…' : 'Load more'}
        </button>
      )}
    </main>
  );
}
