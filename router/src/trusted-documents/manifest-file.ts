import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** Apollo's persisted query manifest, as `npm run codegen` writes it (schema/src/operations/manifest.ts). */
const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export type ManifestOperation = z.infer<typeof manifestSchema>['operations'][number];

/** The manifest file's operations; throws with what is wrong and how to fix it. */
export async function readManifest(path: string): Promise<{ text: string; operations: ManifestOperation[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `Cannot read the trusted-documents manifest at ${path} (${reason}). Run \`npm run codegen\`, point TRUSTED_DOCUMENTS_MANIFEST at a manifest, or set TRUSTED_DOCUMENTS=off.`,
      { cause: error },
    );
  }
  return { text, operations: parseManifest(text, path) };
}

export function parseManifest(text: string, path: string): ManifestOperation[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`The trusted-documents manifest at ${path} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `The trusted-documents manifest at ${path} is not an Apollo persisted query manifest: ${z.prettifyError(parsed.error)}`,
    );
  }
  const ids = new Set<string>();
  for (const { id, name } of parsed.data.operations) {
    if (ids.has(id))
      throw new Error(`The trusted-documents manifest at ${path} lists id ${id} twice (${name}).`);
    ids.add(id);
  }
  return parsed.data.operations;
}
