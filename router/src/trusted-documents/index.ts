import { createHash } from 'node:crypto';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@supergraph/service-kit/logger';
import type { RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';
import type { TrustedDocumentsMode } from '../env.ts';
import type { SupergraphCompanion } from '../supergraph-watch.ts';
import { compileManifest, servedSchemaOf, type CompiledManifest, type Screening } from './compile.ts';
import type { createFastPath } from './fast-path.ts';
import { readManifest, type ManifestOperation } from './manifest-file.ts';
import { createTrustedDocumentMetrics, type Refusal } from './metrics.ts';
import { askedBy, askedIn, type Fields } from './request.ts';
import type { GraphQLFormattedError } from 'graphql';

export const NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST';

export interface TrustedDocumentsOptions {
  mode: Exclude<TrustedDocumentsMode, 'off'>;
  manifestPath: string;
  logger: Logger;
  registry: Registry;
  screening: Screening;
  fastPath: ReturnType<typeof createFastPath>;
}

export interface TrustedDocuments {
  /** First of the gateway's screens: refuses what the mode refuses, runs manifest operations by id. */
  readonly screen: RequestHandler;
  /**
   * Apollo's APQ store: a manifest id resolves to its body (so a GET by id runs the trusted text); in enforce
   * nothing else is ever stored or found.
   */
  readonly apqCache: KeyValueCache<string>;
  /** For the supergraph watch: the manifest reloads with the supergraph, and the two are refused together. */
  readonly companion: SupergraphCompanion;
  /** Reads the manifest; call before the gateway loads its supergraph. */
  load(): Promise<void>;
  /** The gateway serves `coreSupergraphSdl` now: the manifest compiled for it is served. Returns the problems. */
  served(coreSupergraphSdl: string): string[];
  /**
   * The screen for an operation that does not come as an HTTP request (a WebSocket or SSE subscribe): the
   * text to run (a manifest operation's by its id), or the refusal the screen would answer.
   */
  admit(fields: Fields): { query: string | undefined } | { refusal: GraphQLFormattedError };
}

const digestOf = (text: string) => createHash('sha256').update(text).digest('hex');

// Distinct unknown operations logged (log mode), so that one client repeating one cannot flood the log.
const LOGGED_UNKNOWNS = 1_000;

/**
 * The manifest as the production safelist (docs/trusted-documents.md), compiled against the supergraph the
 * gateway serves and swapped with it.
 */
export function createTrustedDocuments(options: TrustedDocumentsOptions): TrustedDocuments {
  const { mode, logger } = options;
  const metrics = createTrustedDocumentMetrics(options.registry);
  let manifest: { text: string; operations: ManifestOperation[] } | undefined;
  let serving: { sdlDigest: string; manifestDigest: string; compiled: CompiledManifest } | undefined;
  let pending: typeof serving;
  const loggedUnknowns = new Set<string>();

  const compileFor = (sdl: string, operations: readonly ManifestOperation[]) =>
    compileManifest(operations, servedSchemaOf(sdl), options.screening);

  const install = (next: NonNullable<typeof serving>) => {
    const first = serving === undefined;
    serving = next;
    metrics.manifestLoaded('loaded', next.compiled.size);
    logger.info(
      { manifest: options.manifestPath, operations: next.compiled.size, mode },
      first ? 'trusted documents loaded' : 'trusted documents reloaded',
    );
  };

  const refuse = (res: Response, reason: Refusal, message: string) => {
    metrics.refused(reason);
    res.status(400).json({ errors: [{ message, extensions: { code: NOT_IN_LIST } }] });
  };

  const noteUnknown = (kind: 'text' | 'id', label: string) => {
    metrics.unknown(kind);
    if (loggedUnknowns.has(label) || loggedUnknowns.size >= LOGGED_UNKNOWNS) return;
    loggedUnknowns.add(label);
    logger.warn(
      { kind, operation: label.slice(0, 200) },
      'an operation the trusted documents do not list was executed (TRUSTED_DOCUMENTS=log)',
    );
  };

  const unknownIdMessage = (id: string) =>
    `No trusted document has the id ${id.slice(0, 80)}: this gateway executes only the operations of its manifest.`;
  const FREE_TEXT_MESSAGE =
    'This gateway executes only trusted documents: send the operation by its id (extensions.persistedQuery.sha256Hash or documentId), not its text.';

  const screen: RequestHandler = (req, res, next) => {
    const asked = askedBy(req);
    if (asked.kind === 'none') return next();
    const compiled = serving?.compiled;
    if (asked.kind === 'id') {
      const op = compiled?.get(asked.id);
      if (op && (asked.query === undefined || asked.query === op.body)) {
        if (req.method === 'POST') {
          // Should Apollo run it (the fast path declines), it runs the trusted text, as if the client sent it.
          const body = req.body as Record<string, unknown>;
          const { persistedQuery: _sent, ...extensions } = (body['extensions'] ?? {}) as Record<
            string,
            unknown
          >;
          delete body['documentId'];
          body['extensions'] = extensions;
          body['query'] = op.body;
        }
        options.fastPath(op, req, res).then(
          (answered) => {
            metrics.executed(op.id, op.name, answered ? 'fast' : 'apollo');
            if (!answered) next();
          },
          (error: unknown) => next(error),
        );
        return;
      }
      if (!op && asked.query === undefined) {
        if (mode === 'enforce') return refuse(res, 'unknown-id', unknownIdMessage(asked.id));
        noteUnknown('id', asked.id);
        if (asked.via === 'persistedQuery') return next(); // Apollo's APQ: not found, then registration
        res.status(400).json({
          errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }],
        });
        return;
      }
    }
    // Free text, with or without an id it claims (APQ registration).
    if (mode === 'enforce') return refuse(res, 'free-text', FREE_TEXT_MESSAGE);
    const named = (req.body as { operationName?: unknown } | undefined)?.operationName;
    noteUnknown('text', typeof named === 'string' ? named : digestOf(asked.query ?? ''));
    next();
  };

  // Reads the manifest anew and compiles it against a supergraph about to be served; throws (and counts a
  // refused load) when an operation does not validate or plan, so the watch refuses the pair.
  const prepare: SupergraphCompanion['prepare'] = async (sdl) => {
    const sdlDigest = digestOf(sdl);
    let next: { text: string; operations: ManifestOperation[] };
    try {
      next = await readManifest(options.manifestPath);
    } catch (error) {
      metrics.manifestLoaded('refused');
      throw error;
    }
    const manifestDigest = digestOf(next.text);
    if (serving?.sdlDigest === sdlDigest && serving.manifestDigest === manifestDigest) return { commit() {} };
    const { compiled, problems } = compileFor(sdl, next.operations);
    if (!compiled) {
      metrics.manifestLoaded('refused');
      throw new Error(
        `The trusted documents at ${options.manifestPath} do not compile against the supergraph: ${problems.join('; ')}`,
      );
    }
    const prepared = { sdlDigest, manifestDigest, compiled };
    pending = prepared;
    return {
      commit() {
        manifest = next;
        if (serving !== prepared) install(prepared);
        pending = undefined;
      },
    };
  };

  const registered = new InMemoryLRUCache<string>();
  const apqCache: KeyValueCache<string> = {
    async get(key) {
      // Apollo prefixes its APQ keys with `apq:`.
      const body = serving?.compiled.get(key.slice(key.indexOf(':') + 1))?.body;
      if (body !== undefined) return body;
      return mode === 'enforce' ? undefined : registered.get(key);
    },
    async set(key, value, setOptions) {
      if (mode !== 'enforce') await registered.set(key, value, setOptions);
    },
    async delete(key) {
      return registered.delete(key);
    },
  };

  const admit: TrustedDocuments['admit'] = (fields) => {
    const asked = askedIn(fields);
    const refusal = (reason: Refusal, message: string, code = NOT_IN_LIST) => {
      metrics.refused(reason);
      return { refusal: { message, extensions: { code } } };
    };
    if (asked.kind === 'none') return { query: undefined };
    if (asked.kind === 'id') {
      const op = serving?.compiled.get(asked.id);
      if (op && (asked.query === undefined || asked.query === op.body)) {
        metrics.executed(op.id, op.name, 'apollo');
        return { query: op.body };
      }
      if (!op && asked.query === undefined) {
        if (mode === 'enforce') return refusal('unknown-id', unknownIdMessage(asked.id));
        noteUnknown('id', asked.id);
        // Apollo's APQ answers PERSISTED_QUERY_NOT_FOUND, and the client registers it.
        if (asked.via === 'persistedQuery') return { query: undefined };
        return {
          refusal: { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
        };
      }
    }
    if (mode === 'enforce') return refusal('free-text', FREE_TEXT_MESSAGE);
    const named = (fields as { operationName?: unknown }).operationName;
    noteUnknown('text', typeof named === 'string' ? named : digestOf(asked.query ?? ''));
    return { query: asked.query };
  };

  return {
    screen,
    admit,
    apqCache,
    companion: { path: options.manifestPath, prepare },
    async load() {
      manifest = await readManifest(options.manifestPath);
    },
    served(sdl) {
      const sdlDigest = digestOf(sdl);
      if (pending?.sdlDigest === sdlDigest) {
        install(pending);
        pending = undefined;
        return [];
      }
      if (!manifest) return ['the manifest was not read before the supergraph loaded'];
      const { compiled, problems } = compileFor(sdl, manifest.operations);
      if (!compiled) {
        metrics.manifestLoaded('refused');
        logger.error(
          { problems },
          'the trusted documents do not compile against the supergraph being served',
        );
        return problems;
      }
      install({ sdlDigest, manifestDigest: digestOf(manifest.text), compiled });
      return [];
    },
  };
}
