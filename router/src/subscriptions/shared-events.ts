import type { Identity } from '@supergraph/service-kit/auth';
import type { FormattedExecutionResult, GraphQLError } from 'graphql';
import { callerKeyOf } from '../request-scope.ts';
import type { EventPlan } from './event.ts';

export interface EventResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLError[];
}

/**
 * Several subscriptions of one caller running one operation (a user's tabs, a page's components) each get the
 * same event from their own subgraph connection at about the same moment. The first to resolve it does the
 * work; the others share its result while it is in flight, as identical subgraph fetches of one caller are
 * shared (inflight-dedup.ts). The key holds everything the result depends on: the supergraph served (its
 * planner), the operation (its hash and name: each subscription plans it anew, so not its plan object), the
 * caller, the variables and the event itself.
 */
export function createEventSharing() {
  const inFlight = new WeakMap<EventPlan['planning'], Map<string, Promise<EventResult>>>();
  return (
    plan: EventPlan,
    operation: { queryHash: string; operationName: string | null | undefined },
    identity: Identity,
    variables: Record<string, unknown> | undefined,
    event: FormattedExecutionResult,
    resolve: () => Promise<EventResult>,
  ): Promise<EventResult> => {
    let byKey = inFlight.get(plan.planning);
    if (!byKey) inFlight.set(plan.planning, (byKey = new Map()));
    const key = [
      operation.queryHash,
      operation.operationName ?? '',
      callerKeyOf(identity),
      JSON.stringify(variables ?? {}),
      JSON.stringify(event),
    ].join('\u0000');
    const shared = byKey.get(key);
    if (shared) return shared;
    const pending = resolve().finally(() => byKey.delete(key));
    byKey.set(key, pending);
    return pending;
  };
}

export type EventSharing = ReturnType<typeof createEventSharing>;
