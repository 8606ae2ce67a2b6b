/**
 * Demo identities shared by the users and orders seeds, so demo orders belong to demo users without
 * either service reading the other's database. Seeded only outside production.
 */
export const DEMO_PASSWORD = 'demo-password';

export const DEMO_USERS = [
  {
    id: '00000000-0000-4000-8000-000000000001',
    email: 'ada@example.com',
    name: 'Ada Lovelace',
    role: 'ADMIN',
  },
  {
    id: '00000000-0000-4000-8000-000000000002',
    email: 'grace@example.com',
    name: 'Grace Hopper',
    role: 'CUSTOMER',
  },
  {
    id: '00000000-0000-4000-8000-000000000003',
    email: 'alan@example.com',
    name: 'Alan Turing',
    role: 'CUSTOMER',
  },
  {
    id: '00000000-0000-4000-8000-000000000004',
    email: 'katherine@example.com',
    name: 'Katherine Johnson',
    role: 'CUSTOMER',
  },
  {
    id: '00000000-0000-4000-8000-000000000005',
    email: 'edsger@example.com',
    name: 'Edsger Dijkstra',
    role: 'CUSTOMER',
  },
] as const;

export type DemoUser = (typeof DEMO_USERS)[number];

export const demoUser = (email: DemoUser['email']): DemoUser => DEMO_USERS.find((u) => u.email === email)!;
