import { requireMachineServices } from '@supergraph/testing/machine-services';

/** The events tests use the machine's RabbitMQ (and every test PostgreSQL when TEST_DATABASE_URL is set): fail at once, in one line, when one is not answering. */
export default async function setup(): Promise<void> {
  await requireMachineServices(process.env['TEST_DATABASE_URL'] ? ['rabbitmq', 'postgres'] : ['rabbitmq']);
}
