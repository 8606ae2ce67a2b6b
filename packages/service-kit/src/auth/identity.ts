import { forbidden, unauthenticated } from '../errors.ts';

export const ROLES = ['CUSTOMER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling. `null` is an anonymous caller. */
export type Identity = {
  readonly userId: string;
  readonly role: Role;
  /** Extra scopes the access token's `scope` claim grants (space-separated in the token), beyond its role's. */
  readonly scopes?: readonly string[];
} | null;

export function requireUser(identity: Identity): NonNullable<Identity> {
  if (!identity) throw unauthenticated();
  return identity;
}

export function requireAdmin(identity: Identity): NonNullable<Identity> {
  const caller = requireUser(identity);
  if (caller.role !== 'ADMIN') throw forbidden('Only administrators can do this.');
  return caller;
}

/** True when the caller may see or change data that belongs to `ownerId`. */
export function canAccessOwnedBy(identity: Identity, ownerId: string): boolean {
  return identity !== null && (identity.role === 'ADMIN' || identity.userId === ownerId);
}
