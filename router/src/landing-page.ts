import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { signAccessToken } from '@supergraph/service-kit/auth';
import type { RouterEnv } from './env.ts';

export const SANDBOX_EXAMPLE_OPERATION = `query MyOrders {
  me {
    name
    email
    orders(first: 5) {
      edges {
        node {
          status
          total { amount currency }
          items { name quantity subtotal { amount } }
          user { name }
        }
      }
    }
  }
}
`;

/**
 * Development: Apollo Sandbox, opened on an example operation. With SANDBOX_USER_ID under NODE_ENV=development
 * (`npm start` runs with both, the user a demo customer) the caller's token is already in the headers, so the
 * first query works with one click; the gateway itself knows no user. Production: no landing page at all.
 */
export async function landingPage(env: RouterEnv): Promise<ApolloServerPlugin> {
  if (env.NODE_ENV === 'production') return ApolloServerPluginLandingPageDisabled();
  // Only where a developer sits: a staging or test deployment never hands out a token from its landing page.
  const token =
    env.SANDBOX_USER_ID && env.NODE_ENV === 'development'
      ? await signAccessToken(
          { userId: env.SANDBOX_USER_ID, role: env.SANDBOX_USER_ROLE },
          { secret: env.JWT_SECRET, ttlSeconds: 12 * 60 * 60 },
        )
      : undefined;
  return ApolloServerPluginLandingPageLocalDefault({
    embed: true,
    includeCookies: false,
    document: token
      ? `# Logged in as user ${env.SANDBOX_USER_ID} (SANDBOX_USER_ID; see the Authorization header below).\n${SANDBOX_EXAMPLE_OPERATION}`
      : `# Anonymous: log in with the logIn mutation and send its token as "Authorization: Bearer <token>".\n${SANDBOX_EXAMPLE_OPERATION}`,
    ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
  });
}
