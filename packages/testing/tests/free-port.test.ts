import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, freePort } from '../src/free-port.ts';

const listenOn = async (port: number) => {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
};

describe('freePort', () => {
  it('hands out ports below the ephemeral range, where no port-0 listener or outgoing connection lands', async () => {
    const [ephemeralLow] = ephemeralPortRange();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralLow);
    }
    // A server the kernel placed (as most test servers are) is in the ephemeral range, never among them.
    const placed = await listenOn(0);
    const { port: placedPort } = placed.address() as AddressInfo;
    expect(placedPort).toBeGreaterThanOrEqual(ephemeralLow);
    placed.close();
  });

  it('never hands out one port twice in a process, and each can be bound', async () => {
    const ports = await Promise.all(Array.from({ length: 50 }, () => freePort()));
    expect(new Set(ports).size).toBe(50);
    const servers = await Promise.all(ports.map((port) => listenOn(port)));
    for (const server of servers) server.close();
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
