import { z } from 'zod';

/**
 * Tracing configuration, part of every service's `commonEnv`. Only zod here: `src/tracing.ts` of each service
 * parses these before anything that tracing instruments is loaded.
 */
export const tracingEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({
      protocol: /^https?$/,
      error: 'must be the http(s):// base URL of an OTLP/HTTP collector, e.g. http://127.0.0.1:4318',
    })
    .optional()
    .describe('OTLP/HTTP collector base URL (spans go to `<url>/v1/traces`); unset → tracing off.'),
  OTEL_SERVICE_NAME: z
    .string()
    .min(1)
    .optional()
    .describe("The spans' `service.name`; unset → the service's own name (gateway, users, orders)."),
};
