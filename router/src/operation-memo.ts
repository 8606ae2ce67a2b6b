// Makes @apollo/gateway's executeQueryPlan reuse the federation `Operation` it builds for a document, once per
// process. executeQueryPlan rebuilds it on every request (`operationFromDocument(apiSchema, { definitions:
// [operation, ...fragments] }, { validate: false })`, a walk of the whole document against the schema) although
// for one schema and one parsed document the result is always the same and is only read afterwards (result
// shaping, @skip/@include conditions). Apollo Server caches parsed documents and the trusted-document fast path
// compiles each one once, so the same nodes come back request after request. Apollo has no option for it:
// executeQueryPlan reads `operationFromDocument` from federation-internals' exports at every call, so replacing
// that property is the only seam. It relies on that one call site, so it is installed only when the installed
// executeQueryPlan.js is the file it was written against (by SHA-256), as result shaping is.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Operation, Schema } from '@apollo/federation-internals';
import type { Logger } from '@supergraph/service-kit/logger';
import { Kind, type DefinitionNode, type DocumentNode } from 'graphql';

/** SHA-256 of the `dist/executeQueryPlan.js` of @apollo/gateway 2.14.4, whose call this memo serves. */
export const FOLLOWED_EXECUTOR_SHA256 = '4e7a0dd67044022bdea7fe3a9be96a3a44d07bff9ea39d84d43320a744e8a5c7';

type OperationFromDocument = (
  schema: Schema,
  document: DocumentNode,
  options?: { operationName?: string; validate?: boolean },
) => Operation;

interface OperationsModule {
  operationFromDocument: OperationFromDocument;
}

/** Where the original is kept on federation-internals' module, shared by every copy of this file. */
export const ORIGINAL = Symbol.for('supergraph.router.operationFromDocument');
export type PatchedModule = OperationsModule & { [ORIGINAL]?: OperationFromDocument };

interface Memoised {
  /** The definitions after the operation (its fragments), which must be the same nodes to reuse the entry. */
  rest: readonly DefinitionNode[];
  operation: Operation;
}

/**
 * operationFromDocument, remembering the result per schema and operation node for executeQueryPlan's call (the
 * only one that passes `validate: false`); every other call goes to the original unchanged. Entries live as long
 * as their schema and parsed document (weak keys).
 */
export function memoisedOperationFromDocument(original: OperationFromDocument): OperationFromDocument {
  const bySchema = new WeakMap<Schema, WeakMap<DefinitionNode, Memoised>>();
  return (schema, document, options) => {
    const [first, ...rest] = document.definitions;
    if (
      options?.validate !== false ||
      options.operationName !== undefined ||
      first?.kind !== Kind.OPERATION_DEFINITION
    ) {
      return original(schema, document, options);
    }
    let byOperation = bySchema.get(schema);
    if (!byOperation) bySchema.set(schema, (byOperation = new WeakMap()));
    const known = byOperation.get(first);
    if (known && known.rest.length === rest.length && known.rest.every((node, i) => node === rest[i])) {
      return known.operation;
    }
    const operation = original(schema, document, options);
    byOperation.set(first, { rest, operation });
    return operation;
  };
}

/** The modules involved, as @apollo/gateway itself resolves them. */
export function loadApolloModules(): { operations: PatchedModule; executorSha256: string } {
  const gatewayRequire = createRequire(createRequire(import.meta.url).resolve('@apollo/gateway'));
  const executorPath = gatewayRequire.resolve('./executeQueryPlan.js');
  const operations = gatewayRequire('@apollo/federation-internals/dist/operations.js') as PatchedModule;
  if (typeof operations.operationFromDocument !== 'function') {
    throw new Error('@apollo/federation-internals has no operationFromDocument in dist/operations.js');
  }
  return {
    operations,
    executorSha256: createHash('sha256').update(readFileSync(executorPath)).digest('hex'),
  };
}

/**
 * Installs the memo for every ApolloGateway of this process (router/src/index.ts and the benchmark call it
 * once at start). Returns whether it is in place: not when the installed executor is not the one it follows.
 */
export function installOperationMemo(logger: Logger): boolean {
  let apollo: ReturnType<typeof loadApolloModules>;
  try {
    apollo = loadApolloModules();
  } catch (error) {
    logger.warn({ err: error }, 'the query-plan executor’s operation memo was not installed');
    return false;
  }
  const original = (apollo.operations[ORIGINAL] ??= apollo.operations.operationFromDocument);
  if (apollo.executorSha256 !== FOLLOWED_EXECUTOR_SHA256) {
    apollo.operations.operationFromDocument = original;
    logger.warn(
      'the operation memo follows executeQueryPlan of @apollo/gateway 2.14.4 and this installation’s differs; not installed',
    );
    return false;
  }
  apollo.operations.operationFromDocument = memoisedOperationFromDocument(original);
  return true;
}
