import {
  Kind,
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  type InterfaceTypeDefinitionNode,
  type InterfaceTypeExtensionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from 'graphql';

export type FieldHolder =
  | ObjectTypeDefinitionNode
  | ObjectTypeExtensionNode
  | InterfaceTypeDefinitionNode
  | InterfaceTypeExtensionNode;

/** One `@key` of an entity: the selection it names and whether this subgraph resolves the entity by it. */
export interface EntityKey {
  readonly type: FieldHolder;
  readonly directive: ConstDirectiveNode;
  readonly fields: string | undefined;
  readonly resolvable: boolean;
}

const HOLDER_KINDS = new Set<string>([
  Kind.OBJECT_TYPE_DEFINITION,
  Kind.OBJECT_TYPE_EXTENSION,
  Kind.INTERFACE_TYPE_DEFINITION,
  Kind.INTERFACE_TYPE_EXTENSION,
]);

// `@key` when imported through @link, `@federation__key` when not.
const KEY_DIRECTIVES = new Set(['key', 'federation__key']);

export function isFieldHolder(definition: DefinitionNode): definition is FieldHolder {
  return HOLDER_KINDS.has(definition.kind);
}

export function entityKeys(definitions: readonly DefinitionNode[]): EntityKey[] {
  return definitions.filter(isFieldHolder).flatMap((type) =>
    (type.directives ?? [])
      .filter((directive) => KEY_DIRECTIVES.has(directive.name.value))
      .map((directive) => {
        const argument = (name: string) => directive.arguments?.find((arg) => arg.name.value === name)?.value;
        const fields = argument('fields');
        const resolvable = argument('resolvable');
        return {
          type,
          directive,
          fields: fields?.kind === Kind.STRING ? fields.value : undefined,
          // `resolvable: false` declares a reference-only entity: this subgraph never resolves it by key.
          resolvable: !(resolvable?.kind === Kind.BOOLEAN && !resolvable.value),
        };
      }),
  );
}

/** The fields a type has in this subgraph, across its definition and every extension. */
export function fieldsOf(definitions: readonly DefinitionNode[], typeName: string): FieldDefinitionNode[] {
  return definitions
    .filter(isFieldHolder)
    .filter((definition) => definition.name.value === typeName)
    .flatMap((definition) => definition.fields ?? []);
}
