import { demoUser, type DemoUser } from '@supergraph/demo-data';
import type { Identity } from '@supergraph/service-kit/auth';

/** A demo user as the gateway forwards them: their fixed id and their role. */
export const identityOf = (email: DemoUser['email']): NonNullable<Identity> => {
  const user = demoUser(email);
  return { userId: user.id, role: user.role };
};

/** The demo admin. */
export const ADA = identityOf('ada@example.com');
/** A customer with demo orders of every kind but CANCELLED. */
export const GRACE = identityOf('grace@example.com');
/** A second customer, for "someone else's data" checks. */
export const ALAN = identityOf('alan@example.com');
export const KATHERINE = identityOf('katherine@example.com');
/** A customer without any demo order. */
export const EDSGER = identityOf('edsger@example.com');
export const ANONYMOUS: Identity = null;
