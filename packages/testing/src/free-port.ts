import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/**
 * The lowest port handed out. Below it are ports a developer's machine may serve (PostgreSQL, Redis, 8080,
 * 9464…) and 10080, the last of the ports fetch() and browsers refuse to connect to (Fetch's "bad ports").
 */
const LOWEST = 10_081;

/** Fewer ports than this below the ephemeral range, and the kernel picks instead (as freePort used to). */
const ENOUGH = 1_000;

/**
 * The ports the kernel hands out on its own: to every server that listens on port 0 (most test servers) and
 * to the local end of every outgoing connection. A port found free there can be taken by either before the
 * process told to use it binds it; then the test talks to another test's server.
 */
export function ephemeralPortRange(
  platform: NodeJS.Platform = process.platform,
  readRange: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'),
): [low: number, high: number] {
  if (platform === 'linux') {
    try {
      const [low, high] = readRange().trim().split(/\s+/).map(Number);
      if (low && high && low <= high) return [low, high];
    } catch {
      // No /proc (a container without it): Linux's default below.
    }
    return [32_768, 60_999];
  }
  return [49_152, 65_535]; // macOS, Windows: IANA's dynamic range
}

/** The ports freePort draws from, below `ephemeralLow`; undefined when too few are left there. */
export function drawRange(ephemeralLow: number): [low: number, high: number] | undefined {
  const high = ephemeralLow - 1;
  return high - LOWEST + 1 >= ENOUGH ? [LOWEST, high] : undefined;
}

/** Ports this process has handed out (or is probing): two callers in one test file never get the same one. */
const handedOut = new Set<number>();

/**
 * Binds a loopback server on `port` (0: the kernel picks one) and releases it again: the port it bound, or
 * undefined when the port is taken. Throws for a failure that is not about the port.
 */
async function bindOnce(port: number): Promise<number | undefined> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  try {
    await once(server, 'listening'); // rejects on 'error'
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') return undefined;
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return bound;
}

/**
 * A loopback port nobody listens on right now, for a process that must be told its port in advance. Drawn at
 * random from below the kernel's ephemeral range (ephemeralPortRange), so no server listening on port 0 and
 * no outgoing connection can take it before that process binds it. (Another process's freePort can still
 * draw it: a chance of about one in twenty thousand per port.)
 */
export async function freePort(): Promise<number> {
  const range = drawRange(ephemeralPortRange()[0]);
  if (!range) {
    const picked = await bindOnce(0);
    if (picked === undefined) throw new Error('freePort: the kernel found no free port');
    return picked;
  }
  const [low, high] = range;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if ((await bindOnce(port)) !== undefined) return port;
    handedOut.delete(port);
  }
  throw new Error(`freePort: 100 random ports between ${low} and ${high} were all taken`);
}
