import type { Logger } from '@supergraph/service-kit/logger';
import type { Registry } from 'prom-client';
import type { ValidationRule } from 'graphql';
import { createCostCheck } from '../cost.ts';
import type { RouterEnv } from '../env.ts';
import { createFastPath, type FastPathOptions } from './fast-path.ts';
import { createTrustedDocuments, type TrustedDocuments } from './index.ts';

export interface TrustedDocumentsDeps {
  logger: Logger;
  registry: Registry;
  /** graphql-armor's rules: every manifest operation passes them once, at load. */
  validationRules: readonly ValidationRule[];
  context: FastPathOptions['context'];
  formatError: FastPathOptions['formatError'];
  serviceMap: FastPathOptions['serviceMap'];
  permits: FastPathOptions['permits'];
}

/**
 * The gateway's trusted documents, as TRUSTED_DOCUMENTS configures them (undefined when `off`). With the
 * response cache on, requests by id go through Apollo, whose answers the cache keeps.
 */
export function trustedDocumentsFor(
  env: RouterEnv,
  deps: TrustedDocumentsDeps,
): TrustedDocuments | undefined {
  if (env.TRUSTED_DOCUMENTS === 'off') return undefined;
  const costCheck = createCostCheck(env.MAX_COST);
  const fastPath = createFastPath({ ...deps, costCheck });
  return createTrustedDocuments({
    mode: env.TRUSTED_DOCUMENTS,
    manifestPath: env.TRUSTED_DOCUMENTS_MANIFEST,
    logger: deps.logger.child({ component: 'trusted-documents' }),
    registry: deps.registry,
    screening: { validationRules: deps.validationRules, maxTokens: env.MAX_TOKENS, costCheck },
    fastPath: env.RESPONSE_CACHE === 'off' ? fastPath : async () => false,
  });
}
