import { commonEnv, parseEnv, port } from '@supergraph/service-kit/env';
import { z } from 'zod';

const gatewayUrl = z.url({ protocol: /^https?$/ }).default('http://localhost:4000/graphql');

/** The static server of the built app (`npm run serve -w @supergraph/web`, compose, Kubernetes). */
export const webEnvSchema = z.object({
  NODE_ENV: commonEnv.NODE_ENV,
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  HOST: commonEnv.HOST,
  PORT: port(3000).describe('Port the app is served on.'),
  GATEWAY_URL: gatewayUrl.describe(
    'The gateway URL browsers call (`…/graphql`), written into the page; its origin is the only one the page may connect to besides its own (Content-Security-Policy).',
  ),
});

export type WebEnv = z.infer<typeof webEnvSchema>;
export const ENV_KEYS = Object.keys(webEnvSchema.shape);

export const loadEnv = (source: Record<string, string | undefined>): WebEnv =>
  parseEnv('web', webEnvSchema, source);

/** The Vite dev server (`npm run dev -w @supergraph/web`, started by `npm start`). */
export const devEnvSchema = z.object({
  WEB_PORT: port(3000).describe('`npm start` and the dev server: port of the web app (Vite).'),
  GATEWAY_URL: gatewayUrl.describe(
    'The dev server: the gateway URL written into the page (`npm start` sets it to its gateway).',
  ),
});

export const loadDevEnv = (source: Record<string, string | undefined>) =>
  parseEnv('web dev server', devEnvSchema, source);
