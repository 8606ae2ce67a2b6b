// Imported first by index.ts (see startServiceTracing); off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
import { startServiceTracing } from '@supergraph/service-kit/tracing';

export const tracing = startServiceTracing('catalog', process.env);
