import { composeServices, type CompositionSuccess } from '@apollo/composition';
import { GraphQLError, Source, parse, type DocumentNode } from 'graphql';
import { diagnosticOfError, formatDiagnostic, pointAt } from './format.ts';
import type { SubgraphSource } from './subgraphs.ts';

export type CompositionOutcome =
  | { ok: true; supergraphSdl: string; errors: []; hints: string[] }
  | { ok: false; supergraphSdl: undefined; errors: string[]; hints: string[] };

/**
 * Composes the subgraphs into a supergraph with Apollo's composition (the same library the gateway uses),
 * returning errors and hints as readable text that names the subgraph, type and field concerned.
 */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): CompositionOutcome {
  const services: ServiceDefinition[] = [];
  const syntaxErrors: string[] = [];
  for (const subgraph of subgraphs) {
    const document = parseSdl(subgraph);
    if (typeof document === 'string') syntaxErrors.push(document);
    else services.push({ name: subgraph.name, url: subgraph.url, typeDefs: document });
  }
  if (syntaxErrors.length > 0)
    return { ok: false, supergraphSdl: undefined, errors: syntaxErrors, hints: [] };

  const result = composeServices(services);
  if (result.errors) {
    const errors = result.errors.map((error) => formatDiagnostic(diagnosticOfError(error)));
    return { ok: false, supergraphSdl: undefined, errors, hints: [] };
  }
  return { ok: true, supergraphSdl: result.supergraphSdl, errors: [], hints: result.hints.map(formatHint) };
}

/** The subgraph's document, or a formatted syntax error pointing at the offending line. */
function parseSdl({ name, sdl }: SubgraphSource): DocumentNode | string {
  try {
    // Naming the Source after the subgraph is what lets every location in an error say which subgraph it is in.
    return parse(new Source(sdl, name));
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const at = error.locations?.[0];
    const message = `[GRAPHQL_PARSE_FAILED] [${name}] ${error.message}`;
    return at ? `${message}\n    at ${pointAt(name, sdl, at.line, at.column)}` : message;
  }
}

// The package does not export these from its root, so they are named through its function types.
type CompositionHint = CompositionSuccess['hints'][number];
type ServiceDefinition = Parameters<typeof composeServices>[0][number];

function formatHint(hint: CompositionHint): string {
  return formatDiagnostic({ code: hint.definition.code, message: hint.message, nodes: hint.nodes });
}
