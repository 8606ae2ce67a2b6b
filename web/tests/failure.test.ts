import type { Browser } from 'playwright-core';
import { eventually } from '@supergraph/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppStack, type AppStack } from './app-stack.ts';
import { launchChromium, newContext, recordPageErrors } from './browser.ts';
import { checkScreen, fieldError, until } from './screens.ts';

/** A subgraph down is a message where its data would be, never a blank page. */
let app: AppStack;
let browser: Browser;
beforeAll(async () => {
  [app, browser] = await Promise.all([startAppStack('web_failure'), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('with the orders subgraph stopped', () => {
  it('the account page shows the user, and an error where the orders would be; they come back once orders is up', async () => {
    const context = await newContext(browser);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors = recordPageErrors(page);
    await page.goto(`${app.appUrl}/account`);
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const orders = page.locator('section', { has: page.getByRole('heading', { name: 'Latest orders' }) });
    await orders.getByRole('link').first().waitFor();

    await app.stack.stopSubgraph('orders');
    await page.reload();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    expect(await page.getByTestId('account-name').textContent()).toBe('Grace Hopper');
    const alert = orders.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'Your orders could not be loaded. This part of the shop is temporarily unavailable. Try again in a moment.Try again',
    );
    await checkScreen(page, 'account-orders-down');

    // My orders is all orders: the whole screen says so, with the way back.
    await page.getByRole('navigation').getByRole('link', { name: 'My orders' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your orders could not be loaded.' }).waitFor();
    await checkScreen(page, 'my-orders-down');

    // The gateway's breaker for orders closes once orders answers its readiness probe: the person tries again
    // until it has.
    await app.stack.startSubgraph('orders');
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Try again' }).click();
        await page.locator('tbody tr').first().waitFor({ timeout: 1_000 });
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(await page.locator('tbody tr').count()).toBe(3);
    // Every failure was a GraphQL answer (HTTP 200 with SUBGRAPH_UNAVAILABLE): nothing failed in the page.
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('with the catalog subgraph stopped', () => {
  it("an order shows its lines as ordered and says the catalog's current data is missing; the items editor says products could not be loaded", async () => {
    const context = await newContext(browser);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors = recordPageErrors(page);
    await page.goto(`${app.appUrl}/orders`);
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByLabel('Password').fill('demo-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const firstOrder = page.locator('tbody tr').first().getByRole('link');
    await firstOrder.waitFor();
    const orderPath = new URL((await firstOrder.getAttribute('href'))!, app.appUrl).href;

    await app.stack.stopSubgraph('catalog');
    await page.goto(orderPath);
    await page.getByText('The catalog cannot be reached: the items are shown as ordered').waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('order-total').textContent()).toMatch(/^[$€£]/);
    await checkScreen(page, 'order-catalog-down');

    await page.getByRole('navigation').getByRole('link', { name: 'Place an order' }).click();
    const product = page.getByRole('group', { name: 'Item 1' }).getByLabel('Product', { exact: true });
    await until(
      () => fieldError(product),
      'Products could not be loaded. This part of the shop is temporarily unavailable. Try again in a moment.',
    );
    await checkScreen(page, 'place-order-catalog-down');
    expect(errors).toEqual([]);
    await context.close();
  });
});
