// Imported first by index.ts: the SDK must hook `http` and `graphql` before anything else loads them, so this
// module imports nothing that does, and reads its two variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME)
// itself; env.ts validates them again with the rest. Tracing is off unless an endpoint is configured.
import { loadTracingEnv, startTracing, tracingOptionsOf } from '@supergraph/service-kit/tracing';

export const tracing = startTracing(tracingOptionsOf('gateway', loadTracingEnv('gateway', process.env)));
