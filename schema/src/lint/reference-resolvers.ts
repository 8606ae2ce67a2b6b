import type { DefinitionNode } from 'graphql';
import { entityKeys } from './entities.ts';
import { locationOf } from './subgraph-document.ts';

/** A subgraph's merged resolver map (`resolvers.ts`), as loosely typed as a check needs it. */
export type ResolverMap = Readonly<Record<string, unknown>>;

/**
 * Every entity this subgraph resolves (a `@key` without `resolvable: false`) needs `__resolveReference`:
 * without one Apollo hands the representation back as the entity, so every field beyond the key resolves
 * against an object that holds only the key.
 */
export function findMissingReferenceResolvers(
  definitions: readonly DefinitionNode[],
  resolvers: ResolverMap,
): string[] {
  const reported = new Set<string>();
  return entityKeys(definitions).flatMap(({ type, directive, resolvable }) => {
    const name = type.name.value;
    if (!resolvable || reported.has(name)) return [];
    reported.add(name);
    if (hasReferenceResolver(resolvers[name])) return [];
    return [
      `${locationOf(directive)} ${name} is an entity this subgraph resolves (@key), but resolvers.${name}.__resolveReference ` +
        'is not a function: add one that loads it by its key, or declare the key with resolvable: false',
    ];
  });
}

function hasReferenceResolver(typeResolvers: unknown): boolean {
  return (
    typeof typeResolvers === 'object' &&
    typeResolvers !== null &&
    '__resolveReference' in typeResolvers &&
    typeof typeResolvers.__resolveReference === 'function'
  );
}
