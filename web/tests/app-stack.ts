import { startStack, type Stack, type StackOptions } from '@supergraph/e2e/stack';
import { listen } from '@supergraph/service-kit/http/listen';
import { createLogger } from '@supergraph/service-kit/logger';
import { freePort } from '@supergraph/testing';
import { createStaticServer } from '../server/static-server.ts';
import { DIST_DIR } from './build-app.ts';

export interface AppStack {
  /** The whole supergraph (e2e/tests/stack.ts): subgraphs on fresh databases, the gateway in front. */
  readonly stack: Stack;
  /** Where the production build is served, e.g. http://127.0.0.1:43123. */
  readonly appUrl: string;
  close(): Promise<void>;
}

/**
 * The app as production runs it: the production build behind its own static server (server/), and a gateway
 * that enforces trusted documents, allows CORS from the app's origin only, and runs with CSRF prevention on.
 */
export async function startAppStack(
  label: string,
  options: Pick<StackOptions, 'events'> = {},
): Promise<AppStack> {
  // The gateway must know the app's origin before it starts (CORS), and the app the gateway's URL.
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const stack = await startStack(label, {
    ...options,
    gateway: { TRUSTED_DOCUMENTS: 'enforce', CORS_ORIGINS: appUrl },
  });
  const app = await listen(
    createStaticServer({
      distDir: DIST_DIR,
      gatewayUrl: stack.gatewayUrl,
      logger: createLogger('web', 'silent'),
    }),
    appPort,
    '127.0.0.1',
  );
  return {
    stack,
    appUrl,
    async close() {
      await app.close(0);
      await stack.close();
    },
  };
}
