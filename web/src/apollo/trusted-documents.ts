import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { getOperationAST, type DocumentNode } from 'graphql';
import { documentIds } from 'virtual:trusted-documents';

/**
 * Sends every operation by its trusted-document id (schema/persisted-query-manifest.json, written by
 * `npm run codegen`), never its text: a gateway that enforces trusted documents runs nothing else. The ids
 * come into the build through the `virtual:trusted-documents` module (vite.config.ts), looked up by name.
 */
export function trustedDocumentsLink(): PersistedQueryLink {
  return new PersistedQueryLink({
    generateHash(document: DocumentNode) {
      const name = getOperationAST(document)?.name?.value;
      const id = name ? documentIds[name] : undefined;
      if (!id)
        throw new Error(`${name ?? 'An anonymous operation'} is not a trusted document: run npm run codegen`);
      return id;
    },
    // Never fall back to sending the text: in production the gateway refuses it anyway.
    retry: () => false,
    disable: () => false,
  });
}
