import { readFile } from 'node:fs/promises';

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
