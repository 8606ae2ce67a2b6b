import {
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Copies of an operation with @defer added, for differential tests: deferring must never change what the
 * client finally holds. A query's own text stays as written; only inline fragments with @defer are added.
 */

const deferredFragment = (selections: readonly SelectionNode[], label?: string): SelectionNode => ({
  kind: Kind.INLINE_FRAGMENT,
  directives: [
    {
      kind: Kind.DIRECTIVE,
      name: { kind: Kind.NAME, value: 'defer' },
      arguments: label
        ? [
            {
              kind: Kind.ARGUMENT,
              name: { kind: Kind.NAME, value: 'label' },
              value: { kind: Kind.STRING, value: label },
            },
          ]
        : [],
    },
  ],
  selectionSet: { kind: Kind.SELECTION_SET, selections },
});

/** Rewrites every selection set, innermost first, in the same order on every call. */
function eachSelectionSet(
  document: DocumentNode,
  rewrite: (set: SelectionSetNode) => SelectionSetNode,
): DocumentNode {
  return visit(document, { SelectionSet: { leave: (node) => rewrite(node) } });
}

/** One copy per field of the operation (at any depth, the root's too), with that one field deferred. */
export function deferEachField(source: string): string[] {
  const document = parse(source);
  let fields = 0;
  eachSelectionSet(document, (set) => {
    fields += set.selections.filter((selection) => selection.kind === Kind.FIELD).length;
    return set;
  });
  const copies: string[] = [];
  for (let target = 0; target < fields; target += 1) {
    let seen = 0;
    const copy = eachSelectionSet(document, (set) => ({
      ...set,
      selections: set.selections.map((selection) =>
        selection.kind === Kind.FIELD && seen++ === target
          ? deferredFragment([selection], `f${target}`)
          : selection,
      ),
    }));
    copies.push(print(copy));
  }
  return copies;
}

/** A small deterministic PRNG (mulberry32): the same seed gives the same placements on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A copy with @defer on random groups of selections: in about half the selection sets, a random non-empty
 * subset of the selections moves into a deferred fragment (labelled or not). Sets inside one that is deferred
 * may be deferred again: nested @defer.
 */
export function deferAtRandom(source: string, seed: number): string {
  const random = seededRandom(seed);
  let labels = 0;
  const copy = eachSelectionSet(parse(source), (set) => {
    if (random() >= 0.5) return set;
    const picked = set.selections.filter(() => random() < 0.5);
    if (picked.length === 0) picked.push(set.selections[Math.floor(random() * set.selections.length)]!);
    const kept = set.selections.filter((selection) => !picked.includes(selection));
    const fragment = deferredFragment(picked, random() < 0.5 ? `r${(labels += 1)}` : undefined);
    return { ...set, selections: random() < 0.5 ? [fragment, ...kept] : [...kept, fragment] };
  });
  return print(copy);
}
