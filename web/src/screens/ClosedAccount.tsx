import { useQuery } from '@apollo/client/react';
import { useEffect } from 'react';
import { useSessionStore } from '../auth/context.ts';
import { ErrorMessage, Loading } from '../components/ErrorMessage.tsx';
import { OrderStatus } from '../components/OrderStatus.tsx';
import { formatMoney } from '../format/money.ts';
import { ClosedAccountOrdersDocument } from '../generated/graphql.ts';

const WATCH_MS = 1_000;

/**
 * After the account is deleted: the orders service cancels its PENDING orders once it hears of the deletion
 * (an event, shortly after), so the orders are watched until none is PENDING. The token still reads them.
 */
export function ClosedAccount() {
  const session = useSessionStore();
  const { data, error, startPolling, stopPolling } = useQuery(ClosedAccountOrdersDocument, {
    variables: { first: 50 },
    fetchPolicy: 'network-only',
  });
  const orders = data?.orders.edges.map(({ node }) => node) ?? [];
  const pending = orders.filter((order) => order.status === 'PENDING').length;

  useEffect(() => {
    if (data && pending === 0) stopPolling();
    else startPolling(WATCH_MS);
    return stopPolling;
  }, [data, pending, startPolling, stopPolling]);

  return (
    <main className="page">
      <h1>Your account is deleted</h1>
      <p>Your personal data has been erased and you can no longer log in.</p>
      {error && <ErrorMessage title="Your orders could not be checked." error={error} />}
      {!data && !error && <Loading what="your orders" />}
      {data && (
        <p role="status">
          {pending > 0
            ? `Cancelling ${pending} pending order${pending === 1 ? '' : 's'}…`
            : 'No pending orders remain: every one has been cancelled.'}
        </p>
      )}
      {orders.length > 0 && (
        <ul className="plain-list">
          {orders.map((order) => (
            <li key={order.id} data-order-id={order.id}>
              {formatMoney(order.total)} <OrderStatus status={order.status} />
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => session.end('Your account was deleted.')}>
        Leave
      </button>
    </main>
  );
}
