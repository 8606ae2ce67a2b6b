import { requireMachineServices } from '@supergraph/testing/machine-services';

/** The response cache's store tests run against the machine's Redis: fail at once, in one line, when it is not answering. */
export default async function setup(): Promise<void> {
  await requireMachineServices(['redis']);
}
