/**
 * The OpenTelemetry SDK, loaded only by a service that exports spans (`startTracing` in index.ts requires this
 * module when an exporter is configured): the SDK and its instrumentations are tens of MB of memory that a
 * service with tracing off should not carry.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import type { Tracing, TraceExporter } from './index.ts';
import { otlpTracesUrl } from './otlp-url.ts';

const SHUTDOWN_TIMEOUT_MS = 3_000;
const EXPORT_TIMEOUT_MS = 5_000;

/**
 * Starts the OpenTelemetry SDK for this process: spans for incoming HTTP requests (server) and outgoing
 * `fetch` calls (client; the gateway's subgraph fetches), for GraphQL parse/validate/execute, plus those that
 * @apollo/gateway emits itself (query planning, fetch nodes) and the kit's database statements. W3C trace
 * context (`traceparent`) is read from requests and written into fetches, so the gateway and the subgraphs
 * report one trace per client request.
 *
 * Call it before the modules it instruments are imported (`http` for servers, `graphql`): in a service, from
 * `src/tracing.ts`, which `src/index.ts` imports first. The SDK's standard variables (e.g.
 * `OTEL_TRACES_SAMPLER`, `OTEL_RESOURCE_ATTRIBUTES`) apply on top.
 */
export function startSdk(serviceName: string, exporter: TraceExporter): Tracing {
  const spanProcessor =
    'otlpEndpoint' in exporter
      ? new tracing.BatchSpanProcessor(
          new OTLPTraceExporter({
            url: otlpTracesUrl(exporter.otlpEndpoint),
            timeoutMillis: EXPORT_TIMEOUT_MS,
          }),
          { exportTimeoutMillis: EXPORT_TIMEOUT_MS },
        )
      : new tracing.SimpleSpanProcessor(exporter);
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: [spanProcessor],
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not worth a trace each.
        ignoreIncomingRequestHook: (request) => /^\/(health|metrics)(\/|$|\?)/.test(request.url ?? ''),
      }),
      // The global fetch is undici, which the http instrumentation does not see.
      new UndiciInstrumentation(),
      // Resolver spans for the top two levels of fields that do work (not property reads), list items merged.
      new GraphQLInstrumentation({ mergeItems: true, ignoreTrivialResolveSpans: true, depth: 2 }),
    ],
  });
  sdk.start();
  return {
    enabled: true,
    flush: () => spanProcessor.forceFlush(),
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
        timer.unref();
      });
      await Promise.race([sdk.shutdown().catch(() => {}), timeout]);
      clearTimeout(timer);
    },
  };
}
