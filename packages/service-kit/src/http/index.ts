export { createGraphQLApp, type GraphQLAppOptions, type RequestScope } from './graphql-app.ts';
export { requestInfoPlugin, recordAnswered, recordAnsweredFromCache, recordCaller } from './request-info.ts';
export { requireGatewaySignature, identityOf } from './gateway-guard.ts';
export { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
export { listen, type RunningServer } from './listen.ts';
export { onShutdownSignal } from './shutdown.ts';
export { IDEMPOTENCY_KEY_HEADER, parseIdempotencyKey } from './idempotency-key.ts';
