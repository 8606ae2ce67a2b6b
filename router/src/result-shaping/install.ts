// Puts lean-compute-response.ts in place of @apollo/gateway's own result shaping, once, at process start.
// Apollo has no option for it: executeQueryPlan calls `computeResponse` through its module's exports object at
// every request, so replacing that property is the only seam. Lean shaping copies one exact file, so it is used
// only when the installed file is that file (by SHA-256); any other keeps Apollo's with a warning, and
// router/tests/result-shaping-install.test.ts fails until lean shaping is re-audited (README.md).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Logger } from '@supergraph/service-kit/logger';
import { leanComputeResponse, type ComputeResponse } from './lean-compute-response.ts';

/** SHA-256 of the `dist/resultShaping.js` of @apollo/gateway 2.14.4, the file lean shaping follows. */
export const FOLLOWED_SOURCE_SHA256 = 'eb49b81fe4ba3b7b44d24c6279d92aab2a148f89e93737a8671753156b1b8466';

/** Where Apollo's own function is kept on its module, shared by every copy of this file in the process. */
const APOLLO_ORIGINAL = Symbol.for('supergraph.router.apolloComputeResponse');

interface ApolloShapingModule {
  computeResponse: ComputeResponse;
  [APOLLO_ORIGINAL]?: ComputeResponse;
}

/** @apollo/gateway's result-shaping module as installed. */
export interface ApolloResultShaping {
  module: ApolloShapingModule;
  version: string;
  sourceSha256: string;
}

export type ResultShaping = 'lean' | 'apollo';

/** Finds Apollo's module; an Error when this @apollo/gateway has none where 2.14 keeps it. */
export function loadApolloResultShaping(): ApolloResultShaping | Error {
  try {
    const require = createRequire(import.meta.url);
    const path = require.resolve('@apollo/gateway/dist/resultShaping.js');
    const module = require(path) as ApolloShapingModule;
    if (typeof module.computeResponse !== 'function') throw new Error(`${path} exports no computeResponse`);
    const { version } = require('@apollo/gateway/package.json') as { version: string };
    return { module, version, sourceSha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Apollo's own function, recorded on its module before anything replaces it. */
export function apolloComputeResponse(apollo: ApolloResultShaping): ComputeResponse {
  return (apollo.module[APOLLO_ORIGINAL] ??= apollo.module.computeResponse);
}

/**
 * Chooses the result shaping every ApolloGateway in this process uses: it is Apollo's module state, so the
 * process's entry point calls this once (router/src/index.ts), before any gateway serves. Returns the one now in
 * use: 'apollo' whenever lean shaping does not follow the installed file.
 */
export function installResultShaping(
  choice: ResultShaping,
  logger: Logger,
  apollo: ApolloResultShaping | Error = loadApolloResultShaping(),
): ResultShaping {
  if (apollo instanceof Error) {
    if (choice === 'lean') {
      logger.warn(
        { err: apollo },
        'RESULT_SHAPING=lean: Apollo’s result shaping was not found; Apollo’s own is used',
      );
    }
    return 'apollo'; // nothing was replaced, so Apollo's own is what runs
  }
  const original = apolloComputeResponse(apollo);
  if (choice === 'lean' && apollo.sourceSha256 !== FOLLOWED_SOURCE_SHA256) {
    logger.warn(
      { apolloGateway: apollo.version },
      'RESULT_SHAPING=lean follows the result shaping of @apollo/gateway 2.14.4 and this installation’s differs; Apollo’s own is used',
    );
    choice = 'apollo';
  }
  apollo.module.computeResponse = choice === 'lean' ? leanComputeResponse : original;
  return choice;
}
