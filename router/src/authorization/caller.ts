import { scopesOf, type Identity } from '@supergraph/service-kit/auth';
import { POLICIES } from './policies.ts';
import type { Requirement } from './requirements.ts';

/** What the authorization check knows of a caller: enough to decide every requirement, and a key for it. */
export interface CallerGrants {
  authenticated: boolean;
  scopes: ReadonlySet<string>;
  /** Names of the policies that pass for the caller. */
  policies: ReadonlySet<string>;
  /** Equal for two callers that every requirement treats alike: decisions are cached by it. */
  key: string;
}

export function grantsOf(identity: Identity, policyNames: Iterable<string>): CallerGrants {
  const scopes = scopesOf(identity);
  const policies = new Set([...policyNames].filter((name) => POLICIES[name]?.(identity) === true));
  return {
    authenticated: identity !== null,
    scopes,
    policies,
    key: `${identity ? 'a' : 'n'}|${[...scopes].sort().join(' ')}|${[...policies].sort().join(' ')}`,
  };
}

export function meets(grants: CallerGrants, requirement: Requirement): boolean {
  switch (requirement.kind) {
    case 'authenticated':
      return grants.authenticated;
    case 'requiresScopes':
      return requirement.anyOf.some((all) => all.every((scope) => grants.scopes.has(scope)));
    case 'policy':
      return requirement.anyOf.some((all) => all.every((policy) => grants.policies.has(policy)));
  }
}
