import type { ApolloServerPlugin, BaseContext, GraphQLServerListener } from '@apollo/server';
import { testSecrets } from '@supergraph/testing';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import { landingPage } from '../src/landing-page.ts';

const GRACE = '5e0ad2a4-3c1f-4b8e-9d7a-2f6c8b1e4a90';

/** The HTML the landing page plugin renders for a configuration. */
async function landingHtml(source: Record<string, string>): Promise<string | undefined> {
  const plugin: ApolloServerPlugin<BaseContext> = await landingPage(loadEnv({ ...testSecrets(), ...source }));
  const listener = (await plugin.serverWillStart?.({} as never)) as GraphQLServerListener | undefined;
  const page = await listener?.renderLandingPage?.();
  if (!page) return undefined;
  return typeof page.html === 'string' ? page.html : await page.html();
}

describe('the landing page', () => {
  it('opens Sandbox with the sandbox user’s token in development', async () => {
    const html = await landingHtml({ NODE_ENV: 'development', SANDBOX_USER_ID: GRACE });
    expect(html).toMatch(/embeddable-sandbox/);
    expect(html).toMatch(/Bearer ey/);
  });

  it('hands out no token anywhere else, whatever SANDBOX_USER_ID says (a staging deployment)', async () => {
    const html = await landingHtml({ NODE_ENV: 'test', SANDBOX_USER_ID: GRACE });
    expect(html).toMatch(/embeddable-sandbox/);
    expect(html).not.toMatch(/Bearer ey/);
  });

  it('is off in production', async () => {
    const html = await landingHtml({
      NODE_ENV: 'production',
      SANDBOX_USER_ID: GRACE,
      TRUSTED_DOCUMENTS: 'off',
    });
    expect(html).toBeUndefined();
  });
});
