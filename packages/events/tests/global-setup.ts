import { requireMachineServices } from '@supergraph/testing/machine-services';

/** Delivery tests publish and consume through the machine's RabbitMQ (and PostgreSQL when TEST_DATABASE_URL is set): fail at once, in one line, when one is not answering. */
export default async function setup(): Promise<void> {
  await requireMachineServices(process.env['TEST_DATABASE_URL'] ? ['rabbitmq', 'postgres'] : ['rabbitmq']);
}
