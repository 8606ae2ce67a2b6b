import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot, seriousViolations } from './browser.ts';

/** Every screen the tests reach is checked by axe (0 serious or critical violations) and photographed. */
export async function checkScreen(page: Page, screen: string): Promise<void> {
  await screenshot(page, screen);
  expect(await seriousViolations(page), `accessibility of ${screen}`).toEqual([]);
}

/** The error shown next to `input` (what its aria-describedby names), or null. */
export async function fieldError(input: Locator): Promise<string | null> {
  const describedBy = await input.getAttribute('aria-describedby');
  return describedBy ? input.page().locator(`[id="${describedBy}"]`).textContent() : null;
}

/** Waits until `read` returns `expected` (the page updates after a response arrives). */
export async function until<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected)) {
    if (Date.now() > deadline) expect(last).toEqual(expected);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
}
