import type { ASTNode, GraphQLError } from 'graphql';

/** What composition errors and hints have in common: a message, a code, and the SDL nodes concerned. */
export interface Diagnostic {
  readonly code: string;
  readonly message: string;
  readonly nodes?: readonly ASTNode[] | undefined;
}

/**
 * One readable block: `[CODE] message`, then one `at <subgraph>:<line>:<column>  <source line>` per node.
 * Each subgraph is parsed from a `Source` named after it, so a node's location tells which subgraph it is
 * from even when composition did not tag the node with `subgraph` itself.
 */
export function formatDiagnostic({ code, message, nodes }: Diagnostic): string {
  const where = (nodes ?? []).flatMap((node) => {
    const location = locate(node);
    return location ? [`    at ${location}`] : [];
  });
  return [`[${code}] ${message}`, ...new Set(where)].join('\n');
}

export function diagnosticOfError(error: GraphQLError): Diagnostic {
  const code = error.extensions['code'];
  return {
    code: typeof code === 'string' ? code : 'COMPOSITION_ERROR',
    message: error.message,
    nodes: error.nodes,
  };
}

/** `users:84:3  me: User` — where something is, with the line itself so the reader need not open the file. */
export function pointAt(subgraph: string, body: string, line: number, column: number): string {
  const text = body.split('\n')[line - 1]?.trim() ?? '';
  return `${subgraph}:${line}:${column}  ${text}`;
}

function locate(node: ASTNode): string | undefined {
  const tagged = 'subgraph' in node && typeof node.subgraph === 'string' ? node.subgraph : undefined;
  // Point at the name rather than the node's start, which is its description when it has one.
  const loc = ('name' in node && node.name?.loc) || node.loc;
  if (!loc) return tagged;
  const before = loc.source.body.slice(0, loc.start);
  const line = before.split('\n').length;
  const column = loc.start - before.lastIndexOf('\n');
  return pointAt(tagged ?? loc.source.name, loc.source.body, line, column);
}
