import { createServer } from 'node:net';
import { machineServiceUrl } from '@supergraph/testing/machine-services';
import { describe, expect, it } from 'vitest';
import { probeBroker } from '../src/probe.ts';

describe('probeBroker', () => {
  const broker = new URL(machineServiceUrl('rabbitmq'));

  it("accepts the machine's broker with its credentials", async () => {
    expect(await probeBroker(broker.toString())).toBe('accepted');
  });

  it('says a broker refused the credentials, where a TCP check would say it answers', async () => {
    const wrong = new URL(broker);
    wrong.username = 'guest';
    wrong.password = 'not-the-password';
    expect(await probeBroker(wrong.toString())).toBe('refused');
  });

  it('says nothing is there when the port is closed, or what answers does not speak AMQP', async () => {
    const silent = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      expect(await probeBroker(`amqp://guest:guest@127.0.0.1:${port}`, 1_000)).toBe('unreachable');
    } finally {
      silent.close();
    }
    expect(await probeBroker(`amqp://guest:guest@127.0.0.1:${port}`, 1_000)).toBe('unreachable');
  });
});
