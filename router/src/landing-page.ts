import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { demoUser } from '@supergraph/demo-data';
import { signAccessToken } from '@supergraph/service-kit/auth';
import type { RouterEnv } from './env.ts';

export const SANDBOX_EXAMPLE_OPERATION = `# Logged in as the demo customer grace@example.com (see the Authorization header below).
query MyOrders {
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
 * Development: Apollo Sandbox, opened on an example operation with a demo customer's token already in the
 * headers, so the first query works with one click. The token is minted here only because NODE_ENV is not
 * production (the demo user exists only outside production too). Production: no landing page at all.
 */
export async function landingPage(env: RouterEnv): Promise<ApolloServerPlugin> {
  if (env.NODE_ENV === 'production') return ApolloServerPluginLandingPageDisabled();
  const grace = demoUser('grace@example.com');
  const token = await signAccessToken(
    { userId: grace.id, role: grace.role },
    { secret: env.JWT_SECRET, ttlSeconds: 12 * 60 * 60 },
  );
  return ApolloServerPluginLandingPageLocalDefault({
    embed: true,
    includeCookies: false,
    document: SANDBOX_EXAMPLE_OPERATION,
    headers: { Authorization: `Bearer ${token}` },
  });
}
