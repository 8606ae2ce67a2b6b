import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import { demoProduct } from '@supergraph/demo-data';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaceOrderFormDocument, SignUpFormDocument } from '../src/generated/graphql.ts';
import { startAppStack, type AppStack } from './app-stack.ts';
import { launchChromium, newContext, recordPageErrors } from './browser.ts';
import { checkScreen, until } from './screens.ts';
import { sendById } from './trusted-api.ts';

/**
 * Deleting an account crosses the services: users deletes it and publishes user.deleted through RabbitMQ, and
 * orders cancels the account's PENDING orders when it hears of it. The page watches that happen.
 */
const amqpUrl = testAmqpUrl();
const prefix = uniquePrefix('web');
let app: AppStack;
let browser: Browser;
beforeAll(async () => {
  [app, browser] = await Promise.all([
    startAppStack('web_delete', { events: { amqpUrl, prefix } }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await deleteTopology(amqpUrl, prefix, ['orders']);
});

describe('deleting an account', () => {
  it('erases the account and shows its PENDING orders becoming CANCELLED; the next user in the tab sees nothing of it', async () => {
    const { signUp } = await sendById(app.stack.gatewayUrl, SignUpFormDocument, {
      input: { email: 'leaving@example.com', name: 'Lee Ving', password: 'a long enough password' },
    });
    for (const sku of ['TAPE-PAPER', 'BOMBE-KIT'] as const) {
      await sendById(
        app.stack.gatewayUrl,
        PlaceOrderFormDocument,
        { input: { currency: 'GBP', items: [{ productId: demoProduct(sku).id, quantity: 1 }] } },
        signUp.token,
      );
    }

    const context = await newContext(browser);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const errors = recordPageErrors(page);
    await page.goto(`${app.appUrl}/account`);
    await page.getByLabel('Email').fill('leaving@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Delete account' }).waitFor();
    // Lee's orders are in the page's cache from here on.
    await page.getByRole('navigation').getByRole('link', { name: 'My orders' }).click();
    await until(() => page.locator('tr[data-order-id]').count(), 2);
    await page.getByRole('navigation').getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Delete account' }).waitFor();

    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('button', { name: 'Yes, delete my account' }).click();
    await page.getByRole('heading', { name: 'Your account is deleted' }).waitFor();
    // Eventually consistent: the page polls until the orders service has cancelled both orders.
    const statuses = () => page.locator('li[data-order-id] .status').allTextContents();
    await until(statuses, ['Cancelled', 'Cancelled'], 20_000);
    await page.getByText('No pending orders remain: every one has been cancelled.').waitFor();
    await checkScreen(page, 'account-deleted');

    await page.getByRole('button', { name: 'Leave' }).click();
    await page.getByText('Your account was deleted.').waitFor();
    await page.getByLabel('Email').fill('leaving@example.com');
    await page.getByLabel('Password').fill('a long enough password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect.' }).waitFor();

    // Another user logs in in the same tab: their account and orders, nothing cached of Lee's.
    const next = await sendById(app.stack.gatewayUrl, SignUpFormDocument, {
      input: { email: 'staying@example.com', name: 'Stay Put', password: 'another long password' },
    });
    const { placeOrder } = await sendById(
      app.stack.gatewayUrl,
      PlaceOrderFormDocument,
      { input: { currency: 'GBP', items: [{ productId: demoProduct('TAPE-PAPER').id, quantity: 2 }] } },
      next.signUp.token,
    );
    await page.getByLabel('Email').fill('staying@example.com');
    await page.getByLabel('Password').fill('another long password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await expect.poll(() => page.getByTestId('account-name').textContent()).toBe('Stay Put');
    await page.getByRole('navigation').getByRole('link', { name: 'My orders' }).click();
    await until(
      () =>
        page
          .locator('tr[data-order-id]')
          .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-order-id'))),
      [placeOrder.id],
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
