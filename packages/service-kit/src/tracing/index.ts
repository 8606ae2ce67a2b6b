/**
 * OpenTelemetry tracing for a service: `@supergraph/service-kit/tracing`, an entry of its own that loads
 * nothing it instruments (no http server, no graphql), so a service can start tracing before it imports them.
 */
import { createRequire } from 'node:module';
import type { tracing } from '@opentelemetry/sdk-node';
import type * as Sdk from './sdk.ts';
import { z } from 'zod';
import { parseEnv } from '../env.ts';
import { tracingEnv } from './env.ts';

export { otlpTracesUrl } from './otlp-url.ts';
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
   * a few seconds (sdk.ts): an unreachable collector must not hold a stopping service past its grace period.
   */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };

/**
 * Starts the OpenTelemetry SDK for this process when an exporter is configured (sdk.ts: what it instruments
 * and exports); with none, tracing is off and the SDK is never loaded. Call it before the modules it
 * instruments are imported (`http` for servers, `graphql`): in a service, from `src/tracing.ts`, which
 * `src/index.ts` imports first. The SDK is loaded with `require` so that it hooks those modules before this
 * call returns (a dynamic `import` would let the service's other imports run first).
 */
export function startTracing({ serviceName, exporter }: TracingOptions): Tracing {
  if (!exporter) return OFF;
  const { startSdk } = createRequire(import.meta.url)('./sdk.ts') as typeof Sdk;
  return startSdk(serviceName, exporter);
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
