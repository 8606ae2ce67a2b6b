import { isListType, isNonNullType, type GraphQLOutputType } from 'graphql';
import type { ResponseTree } from './filter.ts';

type Data = Record<string, unknown>;

/**
 * Puts the removed fields back into an executed response as null, and takes the `__typename` stand-ins out.
 * A null in a non-null field propagates to the nearest nullable parent, as GraphQL execution would do.
 * Returns the data, or null when the null reached the root.
 */
export function fillRemoved(data: Data | null | undefined, tree: ResponseTree): Data | null {
  if (!data) return data ?? null;
  return fillObject(data, tree) ? null : data;
}

/** True when the object itself must become null. */
function fillObject(object: Data, tree: ResponseTree): boolean {
  let nulled = false;
  for (const [key, branch] of tree.children) {
    if (branch.placeholder) {
      Reflect.deleteProperty(object, key);
      continue;
    }
    if (branch.removed) {
      object[key] = null;
      if (isNonNullType(branch.type)) nulled = true;
      continue;
    }
    const value = object[key];
    if (value === null || value === undefined || !branch.tree) continue;
    if (fillValue(value, stripNonNull(branch.type), branch.tree)) {
      object[key] = null;
      if (isNonNullType(branch.type)) nulled = true;
    }
  }
  return nulled;
}

function fillValue(value: unknown, type: GraphQLOutputType, tree: ResponseTree): boolean {
  if (isListType(type)) {
    const items = value as unknown[];
    const itemType = type.ofType as GraphQLOutputType;
    let nulled = false;
    for (let index = 0; index < items.length; index += 1) {
      const item = items[index];
      if (item === null || item === undefined) continue;
      if (fillValue(item, stripNonNull(itemType), tree)) {
        items[index] = null;
        if (isNonNullType(itemType)) nulled = true;
      }
    }
    return nulled;
  }
  return fillObject(value as Data, tree);
}

const stripNonNull = (type: GraphQLOutputType): GraphQLOutputType =>
  isNonNullType(type) ? (type.ofType as GraphQLOutputType) : type;
