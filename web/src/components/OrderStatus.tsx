import type { OrderStatus as Status } from '../generated/graphql.ts';

const LABELS: Record<Status, string> = {
  PENDING: 'Pending',
  PAID: 'Paid',
  SHIPPED: 'Shipped',
  CANCELLED: 'Cancelled',
};

export function OrderStatus({ status }: { status: Status }) {
  return <span className={`status status-${status.toLowerCase()}`}>{LABELS[status]}</span>;
}

/** The statuses a customer may still cancel from (the orders service's rule). */
export const cancellable = (status: Status): boolean => status === 'PENDING' || status === 'PAID';
