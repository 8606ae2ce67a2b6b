import Negotiator from 'negotiator';
import { BREAK, visit, type DocumentNode } from 'graphql';

const DEFER_SPEC_MEDIA_TYPE = 'multipart/mixed; deferSpec=20220824';
// The same candidates, in the same order, as Apollo Server's own negotiation (runHttpQuery): a client is
// answered in parts only when Apollo would write the deferSpec=20220824 format for it.
const MULTIPART_MEDIA_TYPES = [
  'multipart/mixed',
  'multipart/mixed; incrementalSpec=v0.2',
  DEFER_SPEC_MEDIA_TYPE,
];

/** Whether the client prefers the multipart format of Apollo Client and Apollo Router (deferSpec=20220824). */
export function acceptsDeferSpec(accept: string | null | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType(MULTIPART_MEDIA_TYPES) === DEFER_SPEC_MEDIA_TYPE;
}

const withDefer = new WeakMap<DocumentNode, boolean>();

/** Whether the document uses @defer anywhere (remembered per parsed document: Apollo reuses them). */
export function usesDefer(document: DocumentNode): boolean {
  let found = withDefer.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Directive(node) {
        if (node.name.value !== 'defer') return undefined;
        found = true;
        return BREAK;
      },
    });
    withDefer.set(document, found);
  }
  return found;
}
