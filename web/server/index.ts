// The built app's static server: read env, read the build, listen, stop gracefully.
import { join } from 'node:path';
import { listen } from '@supergraph/service-kit/http/listen';
import { onShutdownSignal } from '@supergraph/service-kit/http/shutdown';
import { createLogger } from '@supergraph/service-kit/logger';
import { loadEnv } from './env.ts';
import { createStaticServer } from './static-server.ts';

const env = loadEnv(process.env);
const logger = createLogger('web', env.LOG_LEVEL);
const handler = createStaticServer({
  distDir: join(import.meta.dirname, '..', 'dist'),
  gatewayUrl: env.GATEWAY_URL,
  logger,
});
const server = await listen(handler, env.PORT, env.HOST);
logger.info({ url: server.url, gateway: env.GATEWAY_URL }, 'web app served');
onShutdownSignal(logger, () => server.close());
