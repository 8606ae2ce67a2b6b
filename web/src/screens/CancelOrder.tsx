import { useMutation } from '@apollo/client/react';
import { useMemo } from 'react';
import { FormError } from '../components/Field.tsx';
import { formErrorsOf } from '../apollo/errors.ts';
import { CancelOrderButtonDocument } from '../generated/graphql.ts';

/** Cancels the order; the answer's status replaces the cached one, so every view of the order updates. */
export function CancelOrder({ orderId }: { orderId: string }) {
  const [cancel, { loading, error }] = useMutation(CancelOrderButtonDocument);
  const idempotencyKey = useMemo(() => crypto.randomUUID(), [orderId]);
  return (
    <div>
      <button
        type="button"
        className="danger"
        disabled={loading}
        onClick={() =>
          void cancel({
            variables: { id: orderId },
            context: { headers: { 'idempotency-key': idempotencyKey } },
          }).catch(() => undefined)
        }
      >
        {loading ? 'Cancelling…' : 'Cancel order'}
      </button>
      <FormError message={formErrorsOf(error).form} />
    </div>
  );
}
