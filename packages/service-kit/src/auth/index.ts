export { ROLES, type Role, type Identity, requireUser, requireAdmin, canAccessOwnedBy } from './identity.ts';
export {
  signAccessToken,
  verifyAccessToken,
  InvalidTokenError,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
} from './access-token.ts';
export { SCOPES_OF_ROLE, scopesOf } from './scopes.ts';
export {
  INTERNAL_TOKEN_HEADER,
  signInternalToken,
  signStreamToken,
  verifyInternalToken,
  verifyStreamToken,
} from './internal-token.ts';
export {
  createAccessTokenVerifier,
  createInternalTokenVerifier,
  createInternalTokenSigner,
  tokenExpiry,
} from './token-cache.ts';
