import type { Identity } from './identity.ts';

/**
 * The one place a role becomes scopes (`@requiresScopes`, enforced by the gateway; docs/authorization.md). A customer reads and changes only their own things
 * (the subgraphs still check that the rows are theirs); an admin has every customer scope plus `admin`.
 */
const CUSTOMER_SCOPES = ['orders:read:own', 'orders:write:own', 'profile:write:own'] as const;
export const SCOPES_OF_ROLE: Readonly<Record<NonNullable<Identity>['role'], readonly string[]>> = {
  CUSTOMER: CUSTOMER_SCOPES,
  ADMIN: [...CUSTOMER_SCOPES, 'admin'],
};

/** The caller's scopes: those of its role plus any the token's `scope` claim grants; none when anonymous. */
export function scopesOf(identity: Identity): ReadonlySet<string> {
  if (!identity) return new Set();
  return new Set([...SCOPES_OF_ROLE[identity.role], ...(identity.scopes ?? [])]);
}
