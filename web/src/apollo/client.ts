import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { getMainDefinition } from '@apollo/client/utilities';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { relayStylePagination } from '@apollo/client/utilities';
import type { SessionStore } from '../auth/session.ts';
import { isUnauthenticated } from './errors.ts';
import { createSubscriptionLink } from './subscriptions.ts';
import { trustedDocumentsLink } from './trusted-documents.ts';

export interface ClientOptions {
  gatewayUrl: string;
  session: SessionStore;
  /** Send operations by trusted-document id (production builds) instead of as text (development). */
  trustedDocuments: boolean;
}

// Operations whose UNAUTHENTICATED answer is about what was typed, not about an expired session.
const CREDENTIAL_OPERATIONS = new Set(['LogInForm']);

export function createApolloClient({ gatewayUrl, session, trustedDocuments }: ClientOptions) {
  const auth = new SetContextLink((context) => {
    const token = session.token();
    return token ? { headers: { ...context['headers'], authorization: `Bearer ${token}` } } : {};
  });

  // An expired or revoked token: back to the log-in screen, saying why (the cache is cleared below).
  const expiry = new ErrorLink(({ error, operation }) => {
    if (CREDENTIAL_OPERATIONS.has(operation.operationName ?? '') || !session.token()) return;
    if (isUnauthenticated(error)) session.end('Your session has expired. Log in again to continue.');
  });

  // POST with content-type application/json: a request the gateway's CSRF prevention accepts (a browser
  // cannot send it cross-origin without a CORS preflight that the gateway's allow-list answers).
  const http = new HttpLink({ uri: gatewayUrl });

  // Subscriptions over one WebSocket to the same URL; queries and mutations over HTTP.
  const isSubscription = ({ query }: ApolloLink.Operation) => {
    const definition = getMainDefinition(query);
    return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
  };
  const transport = ApolloLink.split(
    isSubscription,
    createSubscriptionLink({ gatewayUrl, session, trustedDocuments }),
    ApolloLink.from([...(trustedDocuments ? [trustedDocumentsLink()] : []), http]),
  );

  const client: ApolloClient = new ApolloClient({
    link: ApolloLink.from([expiry, auth, transport]),
    cache: new InMemoryCache({
      typePolicies: {
        Query: {
          fields: {
            // "Load more" appends the next page to the list already shown.
            orders: relayStylePagination(['status']),
            users: relayStylePagination(),
          },
        },
      },
    }),
    // @defer: multipart/mixed;deferSpec=20220824, as the gateway answers it (docs/defer.md).
    incrementalHandler: new Defer20220824Handler(),
    defaultOptions: {
      // Partial data with errors is shown, not thrown away: a page shows what answered and says what did not.
      watchQuery: { errorPolicy: 'all' },
      query: { errorPolicy: 'all' },
    },
  });
  // Whatever ends or changes the session — log out, an expired token, a deleted account, another user logging
  // in — nothing cached for the previous user is shown to the next (queries read the cache first).
  let cachedFor = session.get()?.user.id;
  session.subscribe(() => {
    const now = session.get()?.user.id;
    if (now === cachedFor) return;
    cachedFor = now;
    void client.clearStore();
  });
  return client;
}
