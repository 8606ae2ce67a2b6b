export { createTestDatabase, type TestDatabase } from './test-database.ts';
export { graphql, type GraphQLResponse } from './graphql-client.ts';
export { testSecrets } from './secrets.ts';
export { eventually } from './eventually.ts';
export { parsePrometheus, seriesValue, type PrometheusSample } from './prometheus.ts';
export { freePort } from './free-port.ts';
export { loggedUrl } from './service-log.ts';
export { markdownTableRows } from './markdown-table.ts';
