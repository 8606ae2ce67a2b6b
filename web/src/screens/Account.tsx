import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { errorsUnder } from '../apollo/errors.ts';
import { ErrorMessage, Loading } from '../components/ErrorMessage.tsx';
import { Link } from '../components/Link.tsx';
import { OrderStatus } from '../components/OrderStatus.tsx';
import { formatDate, formatMoney } from '../format/money.ts';
import { AccountPageDocument, DeleteAccountDocument } from '../generated/graphql.ts';
import { paths } from '../routing/routes.ts';
import { ChangeName } from './ChangeName.tsx';
import { ClosedAccount } from './ClosedAccount.tsx';
import type { AccountPageQuery } from '../generated/graphql.ts';

type Me = NonNullable<AccountPageQuery['me']>;

/**
 * The profile, then the latest orders: the orders are deferred, so the profile shows as soon as the users
 * service answers, and an orders service that is down shows as a message in the orders' place.
 */
export function Account() {
  const { data, error, refetch } = useQuery(AccountPageDocument);
  const [deleted, setDeleted] = useState(false);
  const me = data?.me;

  if (deleted) return <ClosedAccount />;
  return (
    <main className="page">
      <h1>My account</h1>
      {!me && error && (
        <ErrorMessage title="Your account could not be loaded." error={error} retry={() => void refetch()} />
      )}
      {!data && !error && <Loading what="your account" />}
      {me && (
        <>
          <section aria-labelledby="profile-heading">
            <h2 id="profile-heading">Profile</h2>
            <dl className="facts">
              <dt>Name</dt>
              <dd data-testid="account-name">{me.name}</dd>
              <dt>Email</dt>
              <dd>{me.email}</dd>
              <dt>Role</dt>
              <dd>{me.role === 'ADMIN' ? 'Administrator' : 'Customer'}</dd>
              <dt>Member since</dt>
              <dd>{formatDate(me.createdAt)}</dd>
            </dl>
            <ChangeName current={me.name} />
          </section>
          <section aria-labelledby="orders-heading">
            <h2 id="orders-heading">Latest orders</h2>
            <LatestOrders me={me} error={error} retry={() => void refetch()} />
          </section>
          {me.role === 'CUSTOMER' && <DeleteAccount onDeleted={() => setDeleted(true)} />}
        </>
      )}
    </main>
  );
}

function LatestOrders({ me, error, retry }: { me: Me; error: unknown; retry: () => void }) {
  const failed = errorsUnder(error, ['me', 'orders']);
  if (!('orders' in me) || !me.orders) {
    return failed.length > 0 ? (
      <ErrorMessage title="Your orders could not be loaded." error={error} retry={retry} />
    ) : (
      <Loading what="your orders" />
    );
  }
  if (me.orders.edges.length === 0) return <p>No orders yet.</p>;
  return (
    <>
      <ul className="plain-list">
        {me.orders.edges.map(({ node }) => (
          <li key={node.id}>
            <Link to={paths.order(node.id)}>{formatMoney(node.total)}</Link>{' '}
            <OrderStatus status={node.status} />
          </li>
        ))}
      </ul>
      {me.orders.pageInfo.hasNextPage && <Link to={paths.orders}>All my orders</Link>}
    </>
  );
}

function DeleteAccount({ onDeleted }: { onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [deleteMe, { loading, error }] = useMutation(DeleteAccountDocument);
  return (
    <section aria-labelledby="delete-heading" className="danger-zone">
      <h2 id="delete-heading">Delete account</h2>
      <p>Your personal data is erased and your pending orders are cancelled. This cannot be undone.</p>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete my account
        </button>
      ) : (
        <div className="button-row">
          <button
            type="button"
            className="danger"
            disabled={loading}
            onClick={() =>
              void deleteMe()
                .then(({ data }) => data?.deleteMe && onDeleted())
                .catch(() => undefined)
            }
          >
            {loading ? 'Deleting…' : 'Yes, delete my account'}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Keep my account
          </button>
        </div>
      )}
      {error && <ErrorMessage title="Your account was not deleted." error={error} />}
    </section>
  );
}
