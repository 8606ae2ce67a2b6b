import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaceOrderFormDocument, SignUpFormDocument } from '../src/generated/graphql.ts';
import { startAppStack, type AppStack } from './app-stack.ts';
import { launchChromium, newContext, recordPageErrors, recordRequests } from './browser.ts';
import { checkScreen, fieldError, until } from './screens.ts';
import { sendById } from './trusted-api.ts';

/**
 * A customer's journey through the production build, in Chromium, against the whole stack: the gateway enforces
 * trusted documents, so every operation the page sends must be one the manifest lists, by id.
 */
// Order updates reach the gateway's subscriptions through RabbitMQ (docs/subscriptions.md).
const amqpUrl = testAmqpUrl();
const prefix = uniquePrefix('web-journey');
let app: AppStack;
let browser: Browser;
beforeAll(async () => {
  [app, browser] = await Promise.all([
    startAppStack('web_journey', { events: { amqpUrl, prefix } }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await deleteTopology(amqpUrl, prefix, ['orders']);
});

async function openApp(path = '/') {
  const context = await newContext(browser);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const requests = recordRequests(page);
  const errors = recordPageErrors(page);
  await page.goto(new URL(path, app.appUrl).href);
  return { context, page, requests, errors };
}

async function logIn(page: Page, email: string, password = 'demo-password') {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

const nav = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name }).click();

describe('a customer', () => {
  it('signs up (each BAD_USER_INPUT next to its field), places an order, sees it listed and cancels it — sending only trusted-document ids to the gateway', async () => {
    const { context, page, requests, errors } = await openApp();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await checkScreen(page, 'log-in');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    const email = page.getByLabel('Email');
    const password = page.getByLabel(/^Password/);
    await email.fill('not-an-email');
    await page.getByLabel('Name').fill('Wendy Webb');
    await password.fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await until(() => fieldError(email), 'email must be a well-formed address, like name@example.com');
    await checkScreen(page, 'sign-up');

    await email.fill('grace@example.com');
    await page.getByRole('button', { name: 'Create account' }).click();
    await until(() => fieldError(email), 'An account with this email already exists.');

    await email.fill('wendy@example.com');
    await password.fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await until(() => fieldError(password), 'password must be at least 8 characters');
    expect(await fieldError(email)).toBeNull();

    await password.fill('a long enough password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'My orders' }).waitFor();
    await page.getByText('No orders yet.').waitFor();
    expect(page.url()).toBe(`${app.appUrl}/orders`);

    // The items editor checks what it can before sending; the orders service checks again.
    await nav(page, 'Place an order');
    await page.getByRole('heading', { name: 'Place an order' }).waitFor();
    const item = (n: number) => page.getByRole('group', { name: `Item ${n}` });
    await page.getByRole('button', { name: 'Place order' }).click();
    expect(await fieldError(item(1).getByLabel('SKU'))).toBe('Enter the SKU.');
    expect(await fieldError(item(1).getByLabel(/^Unit price/))).toBe('A price in USD, like 12.50.');

    await page.getByLabel('Currency').selectOption('EUR');
    await item(1).getByLabel('SKU').fill('KB-1');
    await item(1).getByLabel('Product name').fill('Keyboard');
    await item(1).getByLabel('Quantity').fill('2');
    await item(1)
      .getByLabel(/^Unit price/)
      .fill('49.99');
    await page.getByRole('button', { name: 'Add an item' }).click();
    await item(2).getByLabel('SKU').fill('MS-1');
    await item(2).getByLabel('Product name').fill('Mouse');
    await item(2)
      .getByLabel(/^Unit price/)
      .fill('9999999.99');
    await item(2).getByLabel('Quantity').fill('1000');
    await checkScreen(page, 'place-order');
    // Only the server knows the total's limit: its BAD_USER_INPUT names `items`, shown under the items.
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByText('the order total must be at most 2147483647 minor units').waitFor();

    await item(2)
      .getByLabel(/^Unit price/)
      .fill('19.5');
    await item(2).getByLabel('Quantity').fill('1');
    await page.getByText('Estimated total: €119.48').waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('heading', { name: 'Order' }).waitFor();
    expect(await page.getByTestId('order-total').textContent()).toBe('€119.48');
    expect(await page.getByTestId('order-status').textContent()).toBe('Pending');
    await page.getByText('Wendy Webb (wendy@example.com)').waitFor();
    const orderUrl = page.url();
    await checkScreen(page, 'order');

    await nav(page, 'My orders');
    const row = page.locator('tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().locator('td').allTextContents()).toEqual([
      expect.any(String),
      'Pending',
      '3',
      '€119.48',
    ]);
    await checkScreen(page, 'my-orders');

    await row.first().getByRole('link').click();
    expect(page.url()).toBe(orderUrl);
    await page.getByRole('button', { name: 'Cancel order' }).click();
    await until(() => page.getByTestId('order-status').textContent(), 'Cancelled');
    expect(await page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    await nav(page, 'My orders');
    await until(() => row.first().locator('td').nth(1).textContent(), 'Cancelled');

    // The page talked to its own origin and the gateway (HTTP, and WebSocket for the live updates), and sent
    // the gateway ids only, never query text.
    const gateway = new URL(app.stack.gatewayUrl).host;
    const allowed = [app.appUrl, `http://${gateway}`, `ws://${gateway}`];
    expect([...requests.origins].filter((origin) => !allowed.includes(origin))).toEqual([]);
    expect([...requests.origins]).toEqual(expect.arrayContaining([app.appUrl, `http://${gateway}`]));
    expect(requests.gatewayBodies.length).toBeGreaterThan(5);
    for (const body of requests.gatewayBodies) {
      expect(body).toMatchObject({
        extensions: { persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } },
      });
      expect(body).not.toHaveProperty('query');
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('sees "Email or password is incorrect." for a wrong password, and nothing of the account', async () => {
    const { context, page, errors } = await openApp('/orders');
    await logIn(page, 'grace@example.com', 'not-her-password');
    await page.getByRole('alert').filter({ hasText: 'Email or password is incorrect.' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Log in' }).count()).toBe(1);
    expect(await page.getByRole('navigation').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('pages through many orders with "Load more" (cursor pagination)', async () => {
    const { signUp } = await sendById(app.stack.gatewayUrl, SignUpFormDocument, {
      input: { email: 'many@example.com', name: 'Manny Orders', password: 'a long enough password' },
    });
    for (let n = 1; n <= 12; n += 1) {
      await sendById(
        app.stack.gatewayUrl,
        PlaceOrderFormDocument,
        {
          input: {
            currency: 'JPY',
            items: [{ sku: `SKU-${n}`, name: `Thing ${n}`, quantity: 1, unitPrice: n * 100 }],
          },
        },
        signUp.token,
      );
    }
    const { context, page } = await openApp('/orders');
    await logIn(page, 'many@example.com', 'a long enough password');
    const rows = page.locator('tbody tr');
    await page.getByRole('button', { name: 'Load more' }).waitFor();
    expect(await rows.count()).toBe(10);
    // Newest first: the 12th order (¥1,200) heads the list; JPY has no minor digits.
    expect(await rows.first().locator('td').last().textContent()).toBe('¥1,200');
    await page.getByRole('button', { name: 'Load more' }).click();
    await until(() => rows.count(), 12);
    expect(await rows.last().locator('td').last().textContent()).toBe('¥100');
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    await context.close();
  });

  it('changes their name on the account page, with the BAD_USER_INPUT next to the field', async () => {
    const { context, page, errors } = await openApp('/account');
    await logIn(page, 'alan@example.com');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.getByRole('heading', { name: 'Latest orders' }).waitFor();
    await page
      .locator('section', { has: page.getByRole('heading', { name: 'Latest orders' }) })
      .getByRole('link')
      .first()
      .waitFor();
    await checkScreen(page, 'account');

    const name = page.getByLabel('Display name');
    await name.fill('   ');
    await page.getByRole('button', { name: 'Change name' }).click();
    await until(() => fieldError(name), 'name must not be empty');
    await name.fill('Alan M. Turing');
    await page.getByRole('button', { name: 'Change name' }).click();
    await page.getByText('Name saved.').waitFor();
    expect(await page.getByTestId('account-name').textContent()).toBe('Alan M. Turing');
    await page.getByRole('navigation').getByText('Alan M. Turing').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('whose token expired is sent back to the log-in screen with a message', async () => {
    const { context, page } = await openApp('/account');
    await logIn(page, 'edsger@example.com');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    // What a token past its expiry looks like to the gateway: one it cannot verify.
    await page.evaluate(() => {
      const key = 'supergraph.session';
      const session = JSON.parse(sessionStorage.getItem(key)!) as { token: string };
      sessionStorage.setItem(key, JSON.stringify({ ...session, token: `${session.token}x` }));
    });
    await page.reload();
    await page.getByText('Your session has expired. Log in again to continue.').waitFor();
    expect(await page.getByRole('heading', { name: 'Log in' }).count()).toBe(1);
    await logIn(page, 'edsger@example.com');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await context.close();
  });
});

describe('live updates', () => {
  it("an admin marks an order paid, then shipped, in another browser context: the customer's order page and list change without a reload", async () => {
    const { signUp } = await sendById(app.stack.gatewayUrl, SignUpFormDocument, {
      input: { email: 'watcher@example.com', name: 'Wanda Watcher', password: 'a long enough password' },
    });
    const { placeOrder } = await sendById(
      app.stack.gatewayUrl,
      PlaceOrderFormDocument,
      {
        input: { currency: 'USD', items: [{ sku: 'LAMP', name: 'Desk lamp', quantity: 1, unitPrice: 3999 }] },
      },
      signUp.token,
    );

    const customer = await openApp(`/orders/${placeOrder.id}`);
    await logIn(customer.page, 'watcher@example.com', 'a long enough password');
    const status = customer.page.getByTestId('order-status');
    await until(() => status.textContent(), 'Pending');

    const admin = await openApp('/admin');
    await logIn(admin.page, 'ada@example.com');
    const row = admin.page.locator(`tr[data-order-id="${placeOrder.id}"]`);
    // From here the customer's page asks the gateway nothing over HTTP: the change arrives on the WebSocket.
    const asked = customer.requests.gatewayBodies.length;
    await row.getByRole('button', { name: 'Mark paid' }).click();
    await row.getByRole('button', { name: 'Mark shipped' }).waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('Paid');
    await until(() => status.textContent(), 'Paid');
    expect(customer.requests.gatewayBodies.slice(asked)).toEqual([]);

    // The list is live too (navigating inside the app, no reload).
    await nav(customer.page, 'My orders');
    const listed = customer.page.locator(`tr[data-order-id="${placeOrder.id}"] td:nth-child(2)`);
    await until(() => listed.textContent(), 'Paid');
    const listedAsked = customer.requests.gatewayBodies.length;
    await row.getByRole('button', { name: 'Mark shipped' }).click();
    await until(() => listed.textContent(), 'Shipped');
    expect(customer.requests.gatewayBodies.slice(listedAsked)).toEqual([]);
    await checkScreen(admin.page, 'admin-live');
    await listed.locator('..').getByRole('link').click();
    await until(() => status.textContent(), 'Shipped');
    // Shipped orders can no longer be cancelled: the button went with the status.
    expect(await customer.page.getByRole('button', { name: 'Cancel order' }).count()).toBe(0);
    expect(customer.errors).toEqual([]);
    await admin.context.close();
    await customer.context.close();
  });
});

describe('an admin', () => {
  it('sees every user with their latest orders; a customer is shown that the screen is for admins', async () => {
    const { context, page, errors } = await openApp('/admin');
    await logIn(page, 'ada@example.com');
    await page.getByRole('heading', { name: 'Users and their orders' }).waitFor();
    const grace = page.getByRole('region', { name: /^Grace Hopper/ });
    await grace.waitFor();
    expect(await grace.locator('tbody tr').count()).toBe(3);
    expect((await grace.locator('tbody tr td:nth-child(2)').allTextContents()).sort()).toEqual([
      'Paid',
      'Pending',
      'Shipped',
    ]);
    await checkScreen(page, 'admin');
    expect(errors).toEqual([]);
    await context.close();

    const customer = await openApp('/admin');
    await logIn(customer.page, 'grace@example.com');
    await customer.page.getByRole('heading', { name: 'Admins only' }).waitFor();
    await checkScreen(customer.page, 'admins-only');
    await customer.context.close();
  });
});
