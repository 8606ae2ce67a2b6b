import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PER_SUBGRAPH_SETTINGS, routerEnvSchema } from '@supergraph/router/env';
import { REPO_SUBGRAPHS } from '@supergraph/schema/subgraphs';
import { format, resolveConfig } from 'prettier';
import type { z } from 'zod';
import { devEnvSchema, webEnvSchema } from '@supergraph/web/env';
import { START_PER_SUBGRAPH, startEnvSchema } from '../start/env.ts';
import { renderConfigReference, type ServiceConfig } from './render.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CONFIG_REFERENCE_PATH = join(ROOT, 'docs', 'configuration.md');

const pattern = (prefix: string, settings: Record<string, z.ZodType>) =>
  Object.fromEntries(Object.entries(settings).map(([setting, type]) => [`${prefix}_${setting}`, type]));

/** Every service's `env.ts` (each subgraph's found through the repository's subgraph list), and `npm start`'s. */
async function serviceConfigs(): Promise<ServiceConfig[]> {
  const subgraphs = await Promise.all(
    REPO_SUBGRAPHS.map(async ({ name }) => {
      const module = (await import(pathToFileURL(join(ROOT, 'subgraphs', name, 'src', 'env.ts')).href)) as {
        envSchema?: z.ZodObject;
      };
      if (!module.envSchema) throw new Error(`subgraphs/${name}/src/env.ts exports no envSchema`);
      return { service: name, schema: module.envSchema };
    }),
  );
  return [
    {
      service: 'gateway',
      schema: routerEnvSchema,
      patterns: pattern('SUBGRAPH_<NAME>', PER_SUBGRAPH_SETTINGS),
    },
    ...subgraphs,
    { service: 'web', schema: webEnvSchema },
    { service: 'web dev server', schema: devEnvSchema, tool: true },
    {
      service: 'npm start',
      schema: startEnvSchema,
      patterns: pattern('<NAME>', START_PER_SUBGRAPH),
      tool: true,
    },
  ];
}

/** docs/configuration.md as it should read now, formatted as the repository formats Markdown. */
export async function configReference(): Promise<string> {
  const markdown = renderConfigReference(await serviceConfigs(), ROOT);
  const options = (await resolveConfig(CONFIG_REFERENCE_PATH)) ?? {};
  return format(markdown, { ...options, filepath: CONFIG_REFERENCE_PATH });
}
