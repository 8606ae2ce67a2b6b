import {
  NoDeprecatedCustomRule,
  validate,
  type DocumentNode,
  type GraphQLError,
  type OperationDefinitionNode,
} from 'graphql';
import { operationsSchemaOf } from '../api-schema.ts';
import type { OperationFile } from '../operations/corpus.ts';
import { describeOperation, parseOperationFile } from '../operations/parse.ts';
import { fail, pass, type CheckResult } from './result.ts';

const NAME = 'operations';

export interface OperationsInput {
  readonly supergraphSdl: string;
  readonly corpus: readonly OperationFile[];
}

/**
 * Every operation that clients send must still validate against the API schema the gateway serves.
 * Operations must also be named, uniquely across the corpus, because query-plan snapshots and typed
 * documents are keyed by the name. Uses of deprecated fields and enum values are warnings.
 */
export function checkOperations({ supergraphSdl, corpus }: OperationsInput): CheckResult {
  const schema = operationsSchemaOf(supergraphSdl);
  const details: string[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, string>();
  let operationCount = 0;

  for (const file of corpus) {
    const parsed = parseOperationFile(file);
    if ('error' in parsed) {
      details.push(parsed.error);
      continue;
    }
    // A file of fragments or of schema definitions is not a client's operation.
    if (parsed.operations.length === 0) continue;
    operationCount += parsed.operations.length;

    for (const operation of parsed.operations) {
      const name = operation.name?.value;
      if (!name) {
        details.push(
          `${file.file} (${describeOperation(operation)}): name the operation; snapshots are keyed by it`,
        );
      } else if (seen.has(name)) {
        details.push(
          `${file.file} (${describeOperation(operation)}): the name is already used in ${seen.get(name)}`,
        );
      } else {
        seen.set(name, file.file);
      }
    }
    details.push(...problems(parsed.document, parsed.operations, validate(schema, parsed.document)));
    warnings.push(
      ...problems(
        parsed.document,
        parsed.operations,
        validate(schema, parsed.document, [NoDeprecatedCustomRule]),
      ),
    );
  }

  const counted = `${operationCount} operation(s) in ${corpus.length} file(s)`;
  if (details.length > 0)
    return fail(NAME, `${details.length} problem(s) in ${counted}`, { details, warnings });
  return pass(NAME, `${counted} valid against the API schema`, { warnings });
}

/** `e2e/operations/Me.graphql:3:5 (query Me): Cannot query field "nickname" on type "User".` */
function problems(
  document: DocumentNode,
  operations: readonly OperationDefinitionNode[],
  errors: readonly GraphQLError[],
): string[] {
  return errors.map((error) => {
    const at = error.locations?.[0];
    const file = document.loc?.source.name ?? '<operation>';
    const position = error.positions?.[0];
    const operation = operations.find(
      (candidate) =>
        position !== undefined &&
        candidate.loc &&
        candidate.loc.start <= position &&
        position < candidate.loc.end,
    );
    const where = at ? `${file}:${at.line}:${at.column}` : file;
    return `${where}${operation ? ` (${describeOperation(operation)})` : ''}: ${error.message}`;
  });
}
