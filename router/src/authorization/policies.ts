import type { Identity } from '@supergraph/service-kit/auth';

/**
 * `@policy` names and the functions that decide them. A policy sees only who is calling (never data: rules
 * that depend on rows stay in the subgraphs) and must be pure, because decisions are cached per caller's
 * scopes and policy results. To add one: add an entry here, use its name in a subgraph's SDL
 * (`@policy(policies: [["name"]])`), recompose; a supergraph naming a policy missing here does not load.
 */
export const POLICIES: Readonly<Record<string, (identity: Identity) => boolean>> = {
  /** Self-service account changes are for customers: an admin account is closed by another admin, never by itself. */
  customer_self_service: (identity) => identity?.role === 'CUSTOMER',
};
