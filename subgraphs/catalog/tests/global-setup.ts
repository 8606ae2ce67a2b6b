import { requireMachineServices } from '@supergraph/testing/machine-services';

/** The machine's RabbitMQ (events tests) and PostgreSQL (the tests that need it in every run, and every test
 * with TEST_DATABASE_URL): fail at once, in one line each, when one is not answering. */
export default async function setup(): Promise<void> {
  await requireMachineServices(['rabbitmq', 'postgres']);
}
