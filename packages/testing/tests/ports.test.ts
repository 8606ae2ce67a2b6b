import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { drawRange, ephemeralPortRange, freePort } from '../src/free-port.ts';
import { loggedUrl } from '../src/service-log.ts';

const listenOn = async (port: number) => {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
};

describe('freePort', () => {
  it('hands out ports below the ephemeral range, where no port-0 listener or outgoing connection lands', async () => {
    const [ephemeralLow] = ephemeralPortRange();
    const range = drawRange(ephemeralLow);
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      if (range) {
        expect(port).toBeGreaterThanOrEqual(range[0]);
        expect(port).toBeLessThanOrEqual(range[1]);
      } else {
        // This machine's ephemeral range starts too low to leave room: the kernel picks, within it.
        expect(port).toBeGreaterThanOrEqual(ephemeralLow);
      }
    }
  });

  it('never hands out one port twice in a process, and each can be bound', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    const servers = await Promise.all(ports.map((port) => listenOn(port)));
    for (const server of servers) server.close();
  });

  it('draws above 10080 (a port fetch() refuses) and below the ephemeral range, or not at all', () => {
    expect(drawRange(32_768)).toEqual([10_081, 32_767]);
    expect(drawRange(49_152)).toEqual([10_081, 49_151]);
    expect(drawRange(11_081)).toEqual([10_081, 11_080]);
    expect(drawRange(11_080)).toBeUndefined();
    expect(drawRange(1_024)).toBeUndefined();
  });

  it("reads Linux's ephemeral range from /proc, with the kernel's default and IANA's range elsewhere", () => {
    expect(ephemeralPortRange('linux', () => '40000\t50000\n')).toEqual([40_000, 50_000]);
    expect(
      ephemeralPortRange('linux', () => {
        throw new Error('ENOENT');
      }),
    ).toEqual([32_768, 60_999]);
    expect(ephemeralPortRange('darwin')).toEqual([49_152, 65_535]);
  });
});

describe('loggedUrl', () => {
  it('finds the url a service logged with a message, in whole JSON lines only', () => {
    const output = [
      '{"level":30,"msg":"gateway loaded the supergraph"}',
      '{"level":30,"url":"http://127.0.0.1:41234/graphql","metrics":"http://127.0.0.1:41235/metrics","msg":"gateway ready"}',
      '',
    ].join('\n');
    expect(loggedUrl(output, 'gateway ready')).toBe('http://127.0.0.1:41234/graphql');
    expect(
      loggedUrl('{"level":30,"url":"http://127.0.0.1:41234/graphql","msg":"gateway re', 'gateway ready'),
    ).toBeUndefined();
    expect(loggedUrl('gateway ready at http://127.0.0.1:1/graphql\n', 'gateway ready')).toBeUndefined();
  });
});
