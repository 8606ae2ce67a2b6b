import { ApolloProvider } from '@apollo/client/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApolloClient } from './apollo/client.ts';
import { App } from './App.tsx';
import { SessionContext } from './auth/context.ts';
import { createSessionStore } from './auth/session.ts';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { gatewayUrl } from './config.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
try {
  const session = createSessionStore();
  const client = createApolloClient({
    gatewayUrl: gatewayUrl(),
    session,
    // Production builds send trusted-document ids; the dev server sends text (the gateway's mode is `off`).
    trustedDocuments: import.meta.env.PROD,
  });
  root.render(
    <StrictMode>
      <ErrorBoundary>
        <SessionContext value={session}>
          <ApolloProvider client={client}>
            <App />
          </ApolloProvider>
        </SessionContext>
      </ErrorBoundary>
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <main className="page">
      <h1>The app cannot start</h1>
      <p role="alert">{(error as Error).message}</p>
    </main>,
  );
}
