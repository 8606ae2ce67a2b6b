/**
 * OpenTelemetry tracing for a service: `@supergraph/service-kit/tracing`, an entry of its own that loads
 * nothing it instruments (no http server, no graphql), so a service can start tracing before it imports them.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { NodeSDK, tracing } from '@opentelemetry/sdk-node';
import { z } from 'zod';
import { parseEnv } from '../env.ts';
import { tracingEnv } from './env.ts';

export { tracingEnv };

/** Where spans go: an OTLP/HTTP collector, or any exporter (tests use an in-memory one). */
export type TraceExporter = { otlpEndpoint: string } | tracing.SpanExporter;

export interface TracingOptions {
  serviceName: string;
  /** Unset: tracing is off — nothing is instrumented and nothing is exported. */
  exporter?: TraceExporter | undefined;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
  /**
   * Exports what is buffered and stops the SDK; call on shutdown. Never rejects, and gives up after
   * `SHUTDOWN_TIMEOUT_MS`: an unreachable collector must not hold a stopping service past its grace period.
   */
  shutdown(): Promise<void>;
}

const SHUTDOWN_TIMEOUT_MS = 3_000;
const EXPORT_TIMEOUT_MS = 5_000;

const OFF: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };

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
export function startTracing({ serviceName, exporter }: TracingOptions): Tracing {
  if (!exporter) return OFF;
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

/** The standard OTLP/HTTP convention: the endpoint variable is a base URL, traces go to `/v1/traces` under it. */
export function otlpTracesUrl(endpoint: string): string {
  return new URL('v1/traces', endpoint.endsWith('/') ? endpoint : `${endpoint}/`).toString();
}

const tracingEnvSchema = z.object(tracingEnv);
export type TracingEnv = z.infer<typeof tracingEnvSchema>;

/** Reads only the tracing variables (the service's env.ts validates them again, with everything else). */
export function loadTracingEnv(service: string, source: Record<string, string | undefined>): TracingEnv {
  return parseEnv(service, tracingEnvSchema, source);
}

/** The tracing options of a service from its environment: exporting only when an endpoint is configured. */
export function tracingOptionsOf(defaultServiceName: string, env: TracingEnv): TracingOptions {
  return {
    serviceName: env.OTEL_SERVICE_NAME ?? defaultServiceName,
    exporter: env.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT } : undefined,
  };
}

/**
 * A service's tracing from its own environment, started by its `tracing.ts`, which `index.ts` imports first:
 * the SDK must hook `http` and `graphql` before anything loads them.
 */
export const startServiceTracing = (service: string, source: Record<string, string | undefined>): Tracing =>
  startTracing(tracingOptionsOf(service, loadTracingEnv(service, source)));
