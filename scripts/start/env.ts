import { databaseUrl, parseEnv, port, secret } from '@supergraph/service-kit/env';
import { z } from 'zod';

/** What `npm start` itself reads; everything else in the environment passes through to the services. */
export const startEnvSchema = z.object({
  GATEWAY_PORT: port(4000).describe('`npm start`: port of the gateway.'),
  WEB_PORT: port(3000).describe(
    "`npm start`: port of the web app's dev server (the gateway's default CORS allow-list names 3000).",
  ),
  LOG_FORMAT: z
    .enum(['pretty', 'json'])
    .optional()
    .describe(
      "`npm start`: `pretty` shows one short line per log entry, `json` the services' JSON lines prefixed by service. Unset: `pretty` on a terminal, else `json`.",
    ),
  JWT_SECRET: secret
    .optional()
    .describe('`npm start`: unset → a fresh secret per run (tokens of an earlier run stop working).'),
  INTERNAL_SECRET: secret.optional().describe('`npm start`: unset → a fresh secret per run.'),
});

/** Per-subgraph settings of `npm start`, `<NAME>` being the subgraph's name upper-cased (`USERS_PORT`). */
export const START_PER_SUBGRAPH = {
  PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe(
      '`npm start`: port of subgraph <NAME>; unset → the port of its URL in schema/src/subgraphs.ts.',
    ),
  DATABASE_URL: databaseUrl.describe(
    '`npm start`: PostgreSQL database of subgraph <NAME> (e.g. from `npm run db:provision`); unset → embedded PGlite.',
  ),
  DATA_DIR: z
    .string()
    .min(1)
    .optional()
    .describe('`npm start`: PGlite folder of subgraph <NAME>; unset → its own `.data/` folder.'),
};

export interface StartEnv extends z.infer<typeof startEnvSchema> {
  /** The settings of subgraph `envName` (`USERS`) that are set. */
  subgraph(envName: string): { port?: number; databaseUrl?: string; dataDir?: string };
}

/** Reads `npm start`'s configuration, reporting every invalid variable at once. */
export function loadStartEnv(source: Record<string, string | undefined>): StartEnv {
  const fixed = parseEnv('npm start', startEnvSchema, source);
  return {
    ...fixed,
    subgraph(envName) {
      // Named as the variables are, so a bad value is reported as `USERS_PORT`, not `PORT`.
      const variable = (setting: keyof typeof START_PER_SUBGRAPH) => `${envName}_${setting}`;
      const schema = z.object({
        [variable('PORT')]: START_PER_SUBGRAPH.PORT,
        [variable('DATABASE_URL')]: START_PER_SUBGRAPH.DATABASE_URL,
        [variable('DATA_DIR')]: START_PER_SUBGRAPH.DATA_DIR,
      });
      const parsed = parseEnv('npm start', schema, source) as Record<string, string | number | undefined>;
      const port = parsed[variable('PORT')] as number | undefined;
      const databaseUrl = parsed[variable('DATABASE_URL')] as string | undefined;
      const dataDir = parsed[variable('DATA_DIR')] as string | undefined;
      return {
        ...(port !== undefined ? { port } : {}),
        ...(databaseUrl ? { databaseUrl } : {}),
        ...(dataDir ? { dataDir } : {}),
      };
    },
  };
}
