import { NetworkStatus } from '@apollo/client';
import { useQuery } from '@apollo/client/react';
import { ErrorMessage, Loading } from '../components/ErrorMessage.tsx';
import { Link } from '../components/Link.tsx';
import { OrderStatus } from '../components/OrderStatus.tsx';
import { formatDate, formatMoney } from '../format/money.ts';
import { AdminUsersDocument } from '../generated/graphql.ts';
import { paths } from '../routing/routes.ts';
import { SetOrderStatus } from './SetOrderStatus.tsx';

const PAGE_SIZE = 20;

/** Every user with their latest orders, each movable to its next status (admins only; the gateway refuses anyone else). */
export function Admin() {
  const { data, error, fetchMore, refetch, networkStatus } = useQuery(AdminUsersDocument, {
    variables: { first: PAGE_SIZE },
    notifyOnNetworkStatusChange: true,
  });
  const connection = data?.users;

  return (
    <main className="page">
      <h1>Users and their orders</h1>
      {error && (
        <ErrorMessage title="Not everything could be loaded." error={error} retry={() => void refetch()} />
      )}
      {!data && !error && <Loading what="the users" />}
      {connection?.edges.map(({ node: user }) => (
        <section key={user.id} className="card" aria-labelledby={`user-${user.id}`} data-user-id={user.id}>
          <h2 id={`user-${user.id}`}>
            {user.name} <span className="muted">{user.role === 'ADMIN' ? 'Administrator' : 'Customer'}</span>
          </h2>
          <p className="muted">{user.email}</p>
          {user.orders.edges.length === 0 ? (
            <p>No orders.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Latest orders of {user.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Placed</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="number">
                    Total
                  </th>
                  <th scope="col">Next step</th>
                </tr>
              </thead>
              <tbody>
                {user.orders.edges.map(({ node: order }) => (
                  <tr key={order.id} data-order-id={order.id}>
                    <td>
                      <Link to={paths.order(order.id)}>{formatDate(order.createdAt)}</Link>
                    </td>
                    <td>
                      <OrderStatus status={order.status} />
                    </td>
                    <td className="number">{formatMoney(order.total)}</td>
                    <td>
                      <SetOrderStatus orderId={order.id} status={order.status} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ))}
      {connection?.pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={networkStatus === NetworkStatus.fetchMore}
          onClick={() => void fetchMore({ variables: { after: connection.pageInfo.endCursor } })}
        >
          {networkStatus === NetworkStatus.fetchMore ? 'Loading…' : 'Load more users'}
        </button>
      )}
    </main>
  );
}
