import { deleteTopology, testAmqpUrl, uniquePrefix } from '@supergraph/events/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demoProduct, type DemoSku } from '@supergraph/demo-data';
import { LogInFormDocument, PlaceOrderFormDocument, SignUpFormDocument } from '../src/generated/graphql.ts';
import { startAppStack, type AppStack } from './app-stack.ts';
import { launchChromium, newContext, recordPageErrors, recordRequests } from './browser.ts';
import { checkScreen, fieldError, until } from './screens.ts';
import { corpusOperation, postById, sendById } from './trusted-api.ts';

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

// A placeOrder request: the only one whose variables name products.
const isPlaceOrder = (body: unknown) => JSON.stringify(body).includes('productId');

/** Waits until the orders service refuses the product (it learns of the archiving through RabbitMQ). */
async function refusedOnceKnown(productId: string, token: string) {
  const order = { input: { currency: 'EUR', items: [{ productId, quantity: 1 }] } };
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { errors } = await postById(app.stack.gatewayUrl, PlaceOrderFormDocument, order, token);
    if (errors?.[0]?.extensions?.['field'] === 'items.0.productId') return;
    if (Date.now() > deadline) expect(errors).toEqual([expect.objectContaining({ path: ['placeOrder'] })]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

    // The items editor: each line a product picked from the catalog's search, one currency per order. It
    // checks what it can before sending; the orders service checks again.
    await nav(page, 'Place an order');
    await page.getByRole('heading', { name: 'Place an order' }).waitFor();
    const item = (n: number) => page.getByRole('group', { name: `Item ${n}` });
    const pick = async (n: number, search: string, sku: DemoSku) => {
      await item(n).getByLabel('Find a product').fill(search);
      const option = item(n).getByRole('option', { name: new RegExp(` — ${sku} — `) });
      await option.waitFor({ state: 'attached' });
      await item(n)
        .getByLabel('Product', { exact: true })
        .selectOption({ label: (await option.textContent())! });
    };
    await page.getByRole('button', { name: 'Place order' }).click();
    expect(await fieldError(item(1).getByLabel('Product', { exact: true }))).toBe('Choose a product.');

    // The picker lists what the search finds, with name, SKU and formatted price.
    await item(1).getByLabel('Find a product').fill('mechanical');
    await until(
      () => item(1).getByRole('option').allTextContents(),
      ['Choose a product', 'Mechanical keyboard — KB-MECH — €129.00'],
    );
    await pick(1, 'mechanical', 'KB-MECH');
    await item(1).getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add an item' }).click();
    // Paper tape is sold in pounds: refused in this euro order, next to its line, before anything is sent.
    await pick(2, 'tape', 'TAPE-PAPER');
    const asked = requests.gatewayBodies.length;
    await page.getByRole('button', { name: 'Place order' }).click();
    expect(await fieldError(item(2).getByLabel('Product', { exact: true }))).toBe(
      `${demoProduct('TAPE-PAPER').name} is sold in GBP, and this order is in EUR: one order has one currency, so order it separately.`,
    );
    expect(requests.gatewayBodies.slice(asked).filter(isPlaceOrder)).toEqual([]);

    await pick(2, 'usb', 'CABLE-USBC');
    await item(2).getByLabel('Quantity').fill('3');
    // A preview at the catalog's prices: 2 × €129.00 + 3 × €9.90.
    await page.getByText('Estimated total: €287.70').waitFor();
    expect(await page.getByTestId('line-subtotal').allTextContents()).toEqual(['€258.00', '€29.70']);
    await checkScreen(page, 'place-order');

    // The cable is archived meanwhile: once the orders service knows, its BAD_USER_INPUT names the line
    // (`items.1.productId`), and the page shows it there.
    const cable = demoProduct('CABLE-USBC');
    const { logIn: admin } = await sendById(app.stack.gatewayUrl, LogInFormDocument, {
      email: 'ada@example.com',
      password: DEMO_PASSWORD,
    });
    await sendById(app.stack.gatewayUrl, corpusOperation('ArchiveProduct'), { id: cable.id }, admin.token);
    await refusedOnceKnown(cable.id, admin.token);
    await page.getByRole('button', { name: 'Place order' }).click();
    await until(
      () => fieldError(item(2).getByLabel('Product', { exact: true })),
      `items[1]: product ${cable.id} (CABLE-USBC) is archived and can no longer be ordered.`,
    );
    expect(await fieldError(item(1).getByLabel('Product', { exact: true }))).toBeNull();
    await checkScreen(page, 'place-order-refused');

    await page.getByRole('button', { name: 'Remove item 2' }).click();
    await page.getByText('Estimated total: €258.00').waitFor();
    await page.getByRole('button', { name: 'Place order' }).click();
    await page.getByRole('heading', { name: 'Order' }).waitFor();
    expect(await page.getByTestId('order-total').textContent()).toBe('€258.00');
    expect(await page.getByTestId('order-status').textContent()).toBe('Pending');
    await page.getByText('Wendy Webb (wendy@example.com)').waitFor();
    expect(await page.locator('tbody tr td').allTextContents()).toEqual([
      'KB-MECH',
      'Mechanical keyboard',
      '2',
      '€129.00',
      '€258.00',
    ]);
    const orderUrl = page.url();
    await checkScreen(page, 'order');

    await nav(page, 'My orders');
    const row = page.locator('tbody tr');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.first().locator('td').allTextContents()).toEqual([
      expect.any(String),
      'Pending',
      '2',
      '€258.00',
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
          input: { currency: 'GBP', items: [{ productId: demoProduct('PUNCH-CARDS').id, quantity: n }] },
        },
        signUp.token,
      );
    }
    const { context, page } = await openApp('/orders');
    await logIn(page, 'many@example.com', 'a long enough password');
    const rows = page.locator('tbody tr');
    await page.getByRole('button', { name: 'Load more' }).waitFor();
    expect(await rows.count()).toBe(10);
    // Newest first: the 12th order (12 × £12.00) heads the list.
    expect(await rows.first().locator('td').last().textContent()).toBe('£144.00');
    await page.getByRole('button', { name: 'Load more' }).click();
    await until(() => rows.count(), 12);
    expect(await rows.last().locator('td').last().textContent()).toBe('£12.00');
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
        input: { currency: 'USD', items: [{ productId: demoProduct('BOOK-COBOL').id, quantity: 1 }] },
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

    // The book's price goes up in the catalog: the line keeps the price it was ordered at, and says the new one.
    const book = demoProduct('BOOK-COBOL');
    const { logIn: ada } = await sendById(app.stack.gatewayUrl, LogInFormDocument, {
      email: 'ada@example.com',
      password: DEMO_PASSWORD,
    });
    await sendById(
      app.stack.gatewayUrl,
      corpusOperation('UpdateProduct'),
      { id: book.id, input: { price: { amount: 4599, currency: 'USD' } } },
      ada.token,
    );
    await customer.page.reload();
    await until(() => status.textContent(), 'Shipped');
    expect(await customer.page.locator('tbody tr td').allTextContents()).toEqual([
      'BOOK-COBOL',
      `${book.name}Now at $45.99`,
      '1',
      '$39.99',
      '$39.99',
    ]);
    await checkScreen(customer.page, 'order-repriced');
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
