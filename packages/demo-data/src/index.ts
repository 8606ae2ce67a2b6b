/**
 * Demo data the services' seeds share, so that demo orders belong to demo users and refer to demo products
 * without any service reading another's database. Seeded only outside production.
 */
export { DEMO_PASSWORD, DEMO_USERS, demoUser, type DemoUser } from './users.ts';
export { DEMO_PRODUCTS, demoProduct, type DemoProduct, type DemoSku } from './products.ts';
