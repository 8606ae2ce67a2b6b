import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { WEB_DIR } from './build-app.ts';

/** Screenshots of every screen, written by the tests (gitignored); docs/ keeps one for the README. */
export const ARTIFACTS_DIR = join(WEB_DIR, 'test-results');

/**
 * Debian's Chromium (installed by the global set-up), headless, with nothing that reaches the internet on its
 * own. Playwright gives each launch a fresh temporary profile (its own --user-data-dir).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (its own storage: another person, or another window of an admin). */
export const newContext = (browser: Browser): Promise<BrowserContext> =>
  browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1100, height: 800 } });

/**
 * Every request the page makes, by origin, and the bodies it posts to the gateway: the tests check that the
 * page talks to its own origin and the gateway only, and sends the gateway ids, never query text.
 */
export function recordRequests(page: Page) {
  const origins = new Set<string>();
  const gatewayBodies: unknown[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    origins.add(url.protocol === 'data:' ? 'data:' : url.origin);
    if (request.method() === 'POST' && url.pathname === '/graphql')
      gatewayBodies.push(request.postDataJSON());
  });
  return { origins, gatewayBodies };
}

/** Console errors and uncaught exceptions of the page (a CSP violation is a console error). */
export function recordPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.x A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

/** A full-page screenshot of the screen, as a test artifact. */
export async function screenshot(page: Page, screen: string): Promise<void> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS_DIR, `${screen}.png`), fullPage: true });
}
