export {
  parseEnv,
  EnvError,
  commonEnv,
  port,
  secret,
  databaseUrl,
  databaseEnv,
  poolOptionsOf,
} from './env.ts';
export { createLogger, type Logger, type DestinationStream } from './logger.ts';
export {
  ErrorCode,
  badUserInput,
  unauthenticated,
  unauthenticatedRequest,
  forbidden,
  notFound,
  createErrorFormatter,
} from './errors.ts';
export {
  ROLES,
  type Role,
  type Identity,
  requireUser,
  requireAdmin,
  canAccessOwnedBy,
} from './auth/identity.ts';
export {
  signAccessToken,
  verifyAccessToken,
  InvalidTokenError,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
} from './auth/access-token.ts';
export { INTERNAL_TOKEN_HEADER, signInternalToken, verifyInternalToken } from './auth/internal-token.ts';
export {
  createAccessTokenVerifier,
  createInternalTokenVerifier,
  createInternalTokenSigner,
} from './auth/token-cache.ts';
export {
  MAX_PAGE_SIZE,
  pageSize,
  encodeCursor,
  decodeCursor,
  toConnection,
  timeKeyOf,
  decodeTimeCursor,
  type TimeKey,
  type Connection,
  type Edge,
} from './graphql/pagination.ts';
export { DateTime } from './graphql/scalars.ts';
export { createGraphQLApp, type GraphQLAppOptions, type RequestScope } from './http/graphql-app.ts';
export { requestInfoPlugin, recordAnsweredFromCache } from './http/request-info.ts';
export {
  createServiceMetrics,
  instrumentedBatch,
  DURATION_BUCKETS,
  type ServiceMetrics,
  type BatchObserver,
} from './metrics/service-metrics.ts';
export { requireGatewaySignature, identityOf } from './http/gateway-guard.ts';
export { REQUEST_ID_HEADER, requestIdOf } from './http/request-id.ts';
export { listen, type RunningServer } from './http/listen.ts';
export { onShutdownSignal } from './http/shutdown.ts';
export { listSchemaFiles, readSchemaSdl, loadSchemaDocument } from './graphql/schema-files.ts';
export { isUuid, normalizeId } from './graphql/uuid.ts';
