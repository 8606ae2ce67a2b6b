import { ensureDebianPackage, requireMachineServices } from '@supergraph/testing/machine-services';

/**
 * Before any e2e file runs: the machine's PostgreSQL, Redis and RabbitMQ must answer (one line each when not),
 * and HAProxy (load-balancing.test.ts) is installed from Debian when missing.
 */
export default async function setup(): Promise<void> {
  await requireMachineServices(['postgres', 'redis', 'rabbitmq']);
  ensureDebianPackage('haproxy');
}
