export { provisionServiceDatabase, dropServiceDatabase, type ServiceDatabase } from './provision.ts';
export { SERVICE_DATABASES, type ServiceDatabaseSpec } from './services.ts';
