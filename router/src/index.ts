// The gateway process: read configuration, build, listen, and shut down cleanly on SIGINT/SIGTERM.
import { tracing } from './tracing.ts'; // first: see tracing.ts
import { listen, onShutdownSignal } from '@supergraph/service-kit/http';
import { createLogger, stdoutLogDestination } from '@supergraph/service-kit/logger';
import { loadEnv } from './env.ts';
import { configureGatewayHeap } from './heap.ts';
import { installOperationMemo } from './operation-memo.ts';
import { installResultShaping } from './result-shaping/install.ts';
import { buildRouter } from './server.ts';

const env = loadEnv(process.env);
const logger = createLogger('gateway', env.LOG_LEVEL, stdoutLogDestination(env.LOG_FLUSH_MS));
configureGatewayHeap(env.HEAP_GROWING_PERCENT, logger);
// Process-wide (Apollo's module state): once, before any gateway is built.
installResultShaping(env.RESULT_SHAPING, logger);
installOperationMemo(logger);
const router = buildRouter(env, logger);
try {
  await router.start();
} catch (error) {
  // Start errors (missing supergraph, a subgraph without a URL) say how to fix them: log them as JSON like
  // everything else and exit non-zero, instead of a bare stack trace.
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
}
const http = await listen(router.app, env.PORT, env.HOST);
router.attach(http.server);
const metricsHttp = await listen(router.metricsApp, env.METRICS_PORT, env.HOST);
logger.info({ url: `${http.url}/graphql`, metrics: `${metricsHttp.url}/metrics` }, 'gateway ready');

onShutdownSignal(logger, async () => {
  // Subscriptions first, with a retryable close: the HTTP server would otherwise wait for their streams.
  await router.drainSubscriptions();
  // Long enough for a request that started just before the signal to reach its own deadline.
  await http.close(env.REQUEST_TIMEOUT_MS + 1_000);
  await metricsHttp.close(1_000);
  await router.stop();
  await tracing.shutdown();
});
