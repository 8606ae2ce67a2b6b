import {
  GraphQLError,
  Kind,
  parse,
  type DefinitionNode,
  type SelectionSetNode,
  type TypeNode,
} from 'graphql';
import { entityKeys, fieldsOf } from './entities.ts';
import { locationOf } from './subgraph-document.ts';

/**
 * Every field a `@key(fields: ...)` selects must exist on the type in this subgraph (nested selections on
 * the field's type too). Composition reports some of these, but only once the whole graph composes; this
 * names the subgraph, file and line on its own.
 */
export function findMissingKeyFields(definitions: readonly DefinitionNode[]): string[] {
  return entityKeys(definitions).flatMap(({ type, directive, fields }) => {
    const at = `${locationOf(directive)} @key on ${type.name.value}`;
    if (fields === undefined) return [`${at}: needs a string "fields" argument`];
    let selection: SelectionSetNode;
    try {
      selection = parseFieldSet(fields);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return [`${at}: fields "${fields}" is not a selection set: ${error.message}`];
    }
    return missingIn(definitions, type.name.value, selection).map(
      (path) =>
        `${at}: field "${path}" in fields "${fields}" does not exist on ${type.name.value} in this subgraph`,
    );
  });
}

function parseFieldSet(fields: string): SelectionSetNode {
  const [operation] = parse(`{${fields}}`, { noLocation: true }).definitions;
  if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new GraphQLError('expected fields');
  return operation.selectionSet;
}

/** Dotted paths (`organization.id`) of selected fields that the type does not have. */
function missingIn(
  definitions: readonly DefinitionNode[],
  typeName: string,
  selectionSet: SelectionSetNode,
): string[] {
  const fields = fieldsOf(definitions, typeName);
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind !== Kind.FIELD) return [];
    const name = selection.name.value;
    const field = fields.find((candidate) => candidate.name.value === name);
    if (!field) return [name];
    if (!selection.selectionSet) return [];
    return missingIn(definitions, namedTypeOf(field.type), selection.selectionSet).map(
      (path) => `${name}.${path}`,
    );
  });
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}
