import type { TypedDocumentNode } from '@apollo/client';
import { useSubscription } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { codeOf, graphQLErrorsOf } from './errors.ts';

// Ends the gateway causes that a new subscription cures (docs/subscriptions.md, "How a subscription ends").
const RESTARTABLE = new Set(['SUBSCRIPTION_INTERRUPTED', 'SUBSCRIPTION_SCHEMA_RELOAD', 'SHUTTING_DOWN']);
const RESTART_AFTER_MS = 1_000;

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
  const { restart } = useSubscription(document as TypedDocumentNode<TData, Record<string, unknown>>, {
    variables,
    onError(error) {
      void refetch();
      if (graphQLErrorsOf(error).some((graphQLError) => RESTARTABLE.has(codeOf(graphQLError) ?? ''))) {
        restartTimer.current = setTimeout(() => restart(), RESTART_AFTER_MS);
      }
    },
  });
  useEffect(() => () => clearTimeout(restartTimer.current), []);
}
