import { ensureDebianPackage, requireMachineServices } from '@supergraph/testing/machine-services';
import { buildApp } from './build-app.ts';

/**
 * Before any browser test: the machine's PostgreSQL and RabbitMQ answer (the stack's databases and events),
 * Debian's Chromium is installed when missing (no browser download is possible here), and the production build
 * the tests serve is made from the current sources (a build takes about a second).
 */
export default async function setup(): Promise<void> {
  await requireMachineServices(['postgres', 'rabbitmq']);
  ensureDebianPackage('chromium');
  buildApp();
}
