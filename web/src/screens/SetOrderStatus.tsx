import { useMutation } from '@apollo/client/react';
import { formErrorsOf } from '../apollo/errors.ts';
import { FormError } from '../components/Field.tsx';
import { AdminSetOrderStatusDocument, type OrderStatus } from '../generated/graphql.ts';

// The next step of the lifecycle an admin may take (PENDING → PAID → SHIPPED); cancelling is the customer's.
const NEXT: Partial<Record<OrderStatus, { status: OrderStatus; label: string }>> = {
  PENDING: { status: 'PAID', label: 'Mark paid' },
  PAID: { status: 'SHIPPED', label: 'Mark shipped' },
};

/** Moves an order one step along; subscribers (the customer's open pages) see it at once. */
export function SetOrderStatus({ orderId, status }: { orderId: string; status: OrderStatus }) {
  const [setStatus, { loading, error }] = useMutation(AdminSetOrderStatusDocument);
  const next = NEXT[status];
  if (!next) return null;
  return (
    <>
      <button
        type="button"
        className="secondary"
        disabled={loading}
        onClick={() =>
          void setStatus({ variables: { id: orderId, status: next.status } }).catch(() => undefined)
        }
      >
        {next.label}
      </button>
      <FormError message={formErrorsOf(error).form} />
    </>
  );
}
