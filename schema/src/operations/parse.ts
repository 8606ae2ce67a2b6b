import { GraphQLError, Kind, Source, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { OperationFile } from './corpus.ts';

export type ParsedOperationFile =
  | { readonly file: string; readonly document: DocumentNode; readonly operations: OperationDefinitionNode[] }
  | { readonly file: string; readonly error: string };

/**
 * Parses a corpus file, naming the Source after the file so every later error location says which file it
 * is in. A syntax error is returned as text (`file:line:column message`) rather than thrown.
 */
export function parseOperationFile({ file, source }: OperationFile): ParsedOperationFile {
  try {
    const document = parse(new Source(source, file));
    const operations = document.definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    return { file, document, operations };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = error.locations?.[0];
    return { file, error: `${file}${at ? `:${at.line}:${at.column}` : ''} ${error.message}` };
  }
}

/** `query MyOrders`, or `anonymous query` for an operation without a name. */
export function describeOperation(operation: OperationDefinitionNode): string {
  return operation.name
    ? `${operation.operation} ${operation.name.value}`
    : `anonymous ${operation.operation}`;
}
