import { InvalidTokenError, type Identity } from '@supergraph/service-kit/auth';
import { unauthenticatedRequest } from '@supergraph/service-kit/errors';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/**
 * The caller behind an `Authorization` header. No header is an anonymous caller; a header that is there but
 * unusable is refused (401) rather than downgraded to anonymous, so a client with a broken token finds out.
 */
export async function identityFromAuthorization(
  header: string | undefined,
  verify: (token: string) => Promise<NonNullable<Identity>>,
): Promise<Identity> {
  if (header === undefined || header.trim() === '') return null;
  const token = BEARER.exec(header.trim())?.[1];
  if (!token) {
    throw unauthenticatedRequest(
      'The Authorization header must be "Bearer <token>" with the token from logIn or signUp; omit it to call anonymously.',
    );
  }
  try {
    return await verify(token);
  } catch (error) {
    if (!(error instanceof InvalidTokenError)) throw error;
    throw unauthenticatedRequest(
      error.reason === 'expired'
        ? 'Your session has expired: log in again (logIn) and send the new token.'
        : 'The access token is not valid: log in again (logIn) and send the new token, or omit the Authorization header to call anonymously.',
    );
  }
}
