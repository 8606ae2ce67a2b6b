import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, type ConstDirectiveNode, type ObjectTypeDefinitionNode } from 'graphql';

/** The directives the gateway enforces (router/src/authorization/). */
const AUTH_DIRECTIVES = new Set(['authenticated', 'requiresScopes', 'policy']);
const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Fields that are public on purpose, each with a reason (committed, reviewed like code). */
export const PUBLIC_FIELDS_PATH = join(import.meta.dirname, '..', 'public-fields.json');

export interface PublicField {
  readonly field: string;
  readonly reason: string;
}

/** One root or entity field of the supergraph and what reading it requires. */
export interface FieldAccess {
  /** `Type.field`. */
  readonly coordinate: string;
  /** Root field or entity field: every one must be annotated or listed public. */
  readonly kind: 'root' | 'entity';
  /** The directives that guard it (the field's own, then its type's), printed; empty when none. */
  readonly requirements: readonly string[];
}

/** Every root field and every entity field (a type with a @join__type key), with its requirements. */
export function fieldAccessOf(supergraphSdl: string): FieldAccess[] {
  const types = parse(supergraphSdl).definitions.filter(
    (definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION,
  );
  const access: FieldAccess[] = [];
  for (const type of types) {
    const name = type.name.value;
    const isEntity = (type.directives ?? []).some(
      (directive) =>
        directive.name.value === 'join__type' &&
        directive.arguments?.some((argument) => argument.name.value === 'key'),
    );
    const kind = ROOT_TYPES.has(name) ? 'root' : isEntity ? 'entity' : undefined;
    if (!kind) continue;
    const onType = authDirectives(type.directives);
    for (const field of type.fields ?? []) {
      access.push({
        coordinate: `${name}.${field.name.value}`,
        kind,
        requirements: [...authDirectives(field.directives), ...onType],
      });
    }
  }
  return access.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}

function authDirectives(directives: readonly ConstDirectiveNode[] | undefined): string[] {
  return (directives ?? [])
    .filter((directive) => AUTH_DIRECTIVES.has(directive.name.value))
    .map((directive) => print(directive));
}

export function readPublicFields(path: string = PUBLIC_FIELDS_PATH): PublicField[] {
  return parsePublicFields(readFileSync(path, 'utf8'), path);
}

export function parsePublicFields(text: string, source: string): PublicField[] {
  const problem = (what: string) =>
    new Error(
      `${source}: ${what}. Expected { "public": [{ "field": "Type.field", "reason": "why anyone may read it" }] }.`,
    );
  const parsed = JSON.parse(text) as { public?: unknown };
  if (!Array.isArray(parsed.public)) throw problem('no "public" list');
  return parsed.public.map((entry: unknown, index) => {
    const { field, reason } = (entry ?? {}) as Record<string, unknown>;
    if (typeof field !== 'string' || typeof reason !== 'string' || reason.trim() === '') {
      throw problem(`public[${index}] needs a string "field" and a non-empty "reason"`);
    }
    return { field, reason };
  });
}
