import type { TypedDocumentNode } from '@apollo/client';
import { useSubscription } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { codeOf, graphQLErrorsOf } from './errors.ts';

// Ends the gateway causes that a new subscription cures (docs/subscriptions.md, "How a subscription ends").
const RESTARTABLE = new Set(['SUBSCRIPTION_INTERRUPTED', 'SUBSCRIPTION_SCHEMA_RELOAD', 'SHUTTING_DOWN']);
// Backoff between re-subscribes (a gateway whose orders service cannot stream would otherwise be asked every second).
const FIRST_RESTART_MS = 1_000;
const MAX_RESTART_MS = 30_000;

/**
 * Keeps a screen live: the subscription's results go into the cache (the orders it names re-render by id).
 * Delivery is at most once, so whenever the subscription ends with an error the screen refetches what it shows,
 * and subscribes again when the gateway says that helps.
 */
export function useLiveUpdates<TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  refetch: () => unknown,
): void {
  const restartTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const restartDelay = useRef(FIRST_RESTART_MS);
  const { restart } = useSubscription(document as TypedDocumentNode<TData, Record<string, unknown>>, {
    variables,
    onData() {
      restartDelay.current = FIRST_RESTART_MS;
    },
    onError(error) {
      void refetch();
      if (graphQLErrorsOf(error).some((graphQLError) => RESTARTABLE.has(codeOf(graphQLError) ?? ''))) {
        restartTimer.current = setTimeout(() => restart(), restartDelay.current);
        restartDelay.current = Math.min(restartDelay.current * 2, MAX_RESTART_MS);
      }
    },
  });
  useEffect(() => () => clearTimeout(restartTimer.current), []);
}
