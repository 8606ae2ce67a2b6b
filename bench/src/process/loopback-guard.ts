import net from 'node:net';

/** A connection a process tried to open to somewhere other than this machine's loopback. */
export interface OutboundAttempt {
  host: string;
  port: number | undefined;
  at: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|::ffff:127(?:\.\d{1,3}){3})$/i;

/** Host and port of a `Socket#connect` call, whichever of its signatures was used; undefined for a pipe. */
function destinationOf(args: unknown[]): { host: string; port: number | undefined } | undefined {
  // net.connect() hands Socket#connect its already-normalised [options, callback] array.
  const first: unknown = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    const { host, port, path } = first as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof path === 'string') return undefined;
    return {
      host: typeof host === 'string' ? host : 'localhost',
      port: port === undefined ? undefined : Number(port),
    };
  }
  if (typeof first === 'string' && Number.isNaN(Number(first))) return undefined;
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
}

/**
 * Refuses, and records, every TCP connection this process tries to open to anything but loopback: the
 * benchmark talks to 127.0.0.1 only, and a gateway that phones home (usage reporting, cloud-metadata probes)
 * shows up here instead of reaching the network. Every client socket goes through `Socket#connect` (http,
 * https, fetch/undici, raw net), so patching it covers them all. Returns what was refused so far.
 */
export function installLoopbackGuard(): () => OutboundAttempt[] {
  const attempts: OutboundAttempt[] = [];
  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const destination = destinationOf(args);
    if (destination && !LOOPBACK.test(destination.host.replace(/^\[|\]$/g, ''))) {
      attempts.push({ ...destination, at: new Date().toISOString() });
      const error = Object.assign(
        new Error(`benchmark: connection to ${destination.host}:${destination.port} refused (loopback only)`),
        { code: 'ECONNREFUSED' },
      );
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return () => [...attempts];
}
