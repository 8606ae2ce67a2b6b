/**
 * One database and one login role per service: each service owns its data and nothing else can read it.
 * The docker-compose file and the Kubernetes manifests use the same names.
 */
export interface ServiceDatabaseSpec {
  service: string;
  database: string;
  role: string;
  /** Environment variable holding the role's password. */
  passwordVariable: string;
}

export const SERVICE_DATABASES: readonly ServiceDatabaseSpec[] = [
  { service: 'users', database: 'users_db', role: 'users_svc', passwordVariable: 'USERS_DB_PASSWORD' },
  { service: 'orders', database: 'orders_db', role: 'orders_svc', passwordVariable: 'ORDERS_DB_PASSWORD' },
  {
    service: 'catalog',
    database: 'catalog_db',
    role: 'catalog_svc',
    passwordVariable: 'CATALOG_DB_PASSWORD',
  },
];
