import { readFile } from 'node:fs/promises';
import type { ServiceEndpointDefinition } from '@apollo/gateway';

/** Reads the composed supergraph when the gateway loads (not when it is built), with a fix in the error. */
export async function readSupergraph(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `Cannot read the supergraph at ${path} (${reason}). Run \`npm run schema:compose\` or point SUPERGRAPH_PATH at a composed supergraph.`,
      { cause: error },
    );
  }
}

/**
 * The URL the gateway sends a subgraph's requests to. The supergraph's own URL is a composition default and
 * is ignored: a subgraph the gateway has no URL for is a deployment mistake, so it stops the gateway at start.
 */
export function routeFor(
  { name }: ServiceEndpointDefinition,
  urls: Readonly<Record<string, string>>,
  supergraphPath: string,
): string {
  const url = Object.hasOwn(urls, name) ? urls[name] : undefined;
  if (url) return url;
  throw new Error(
    `The supergraph ${supergraphPath} names subgraph "${name}", but the gateway has no URL for it ` +
      `(configured: ${Object.keys(urls).join(', ')}). Add SUBGRAPH_${name.toUpperCase().replace(/\W/g, '_')}_URL to router/src/env.ts, ` +
      'or recompose the supergraph without that subgraph (`npm run schema:compose`).',
  );
}
