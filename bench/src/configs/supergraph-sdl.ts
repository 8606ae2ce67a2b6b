import { readFile } from 'node:fs/promises';
import { SUPERGRAPH_PATH } from '@supergraph/schema/supergraph-file';

/**
 * The committed supergraph with each subgraph's URL replaced by where this run serves it. The bare gateways
 * (Hive, plain Apollo) then route by the supergraph alone, with no routing configuration of their own.
 */
export async function supergraphFor(urls: Readonly<Record<string, string>>): Promise<string> {
  let sdl = await readFile(SUPERGRAPH_PATH, 'utf8');
  for (const [name, url] of Object.entries(urls)) {
    const pattern = new RegExp(`(@join__graph\\(name: "${name}", url: )"[^"]*"`);
    if (!pattern.test(sdl)) throw new Error(`${SUPERGRAPH_PATH} has no @join__graph for subgraph "${name}"`);
    sdl = sdl.replace(pattern, `$1${JSON.stringify(url)}`);
  }
  return withoutAuthorizationLinks(sdl);
}

/**
 * The bare gateways enforce no authorization directive, and a plain @apollo/gateway refuses a supergraph that
 * links them `for: SECURITY`: unlinked, the directives are inert metadata. The bench's one caller may read
 * every field it asks for, so the answers are the same (bench/src/expected.ts checks them).
 */
function withoutAuthorizationLinks(sdl: string): string {
  return sdl.replace(
    /\n\s*@link\(url: "https:\/\/specs\.apollo\.dev\/(authenticated|requiresScopes|policy)\/v0\.1", for: SECURITY\)/g,
    '',
  );
}
