import {
  Kind,
  parse,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
} from 'graphql';

/** One directive's demand. Every requirement on a field (its own, its type's) must be met. */
export type Requirement =
  | { kind: 'authenticated' }
  /** Any one of the inner lists, all of whose scopes the caller holds. */
  | { kind: 'requiresScopes'; anyOf: string[][] }
  /** Any one of the inner lists, all of whose policies pass for the caller. */
  | { kind: 'policy'; anyOf: string[][] };

/** The supergraph's authorization directives, by `Type.field` and by type. */
export interface Requirements {
  fields: ReadonlyMap<string, readonly Requirement[]>;
  types: ReadonlyMap<string, readonly Requirement[]>;
  /** Every policy name the supergraph uses. */
  policies: ReadonlySet<string>;
}

const OBJECT_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
]);

/** Reads `@authenticated`, `@requiresScopes` and `@policy` from a composed supergraph's SDL. */
export function requirementsOf(supergraphSdl: string | DocumentNode): Requirements {
  const document = typeof supergraphSdl === 'string' ? parse(supergraphSdl) : supergraphSdl;
  const fields = new Map<string, Requirement[]>();
  const types = new Map<string, Requirement[]>();
  const policies = new Set<string>();
  const add = (map: Map<string, Requirement[]>, key: string, found: Requirement[]): void => {
    if (found.length > 0) map.set(key, [...(map.get(key) ?? []), ...found]);
  };
  for (const definition of document.definitions) {
    if (!OBJECT_KINDS.has(definition.kind) || !('fields' in definition)) continue;
    const typeName = definition.name.value;
    add(types, typeName, requirementsIn(definition.directives ?? [], policies));
    for (const field of (definition.fields ?? []) as readonly FieldDefinitionNode[]) {
      add(fields, `${typeName}.${field.name.value}`, requirementsIn(field.directives ?? [], policies));
    }
  }
  return { fields, types, policies };
}

function requirementsIn(directives: readonly ConstDirectiveNode[], policies: Set<string>): Requirement[] {
  const found: Requirement[] = [];
  for (const directive of directives) {
    const name = directive.name.value;
    if (name === 'authenticated') found.push({ kind: 'authenticated' });
    else if (name === 'requiresScopes' || name === 'policy') {
      const argument = directive.arguments?.find(
        (arg) => arg.name.value === (name === 'policy' ? 'policies' : 'scopes'),
      );
      const anyOf = argument ? listOfLists(valueFromASTUntyped(argument.value)) : [];
      if (name === 'policy') for (const group of anyOf) for (const policy of group) policies.add(policy);
      found.push({ kind: name, anyOf });
    }
  }
  return found;
}

function listOfLists(value: unknown): string[][] {
  if (!Array.isArray(value)) return [];
  return value.map((inner) => (Array.isArray(inner) ? inner.map(String) : [String(inner)]));
}
