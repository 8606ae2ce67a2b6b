import { connect } from 'node:net';

/**
 * Whether something accepts TCP connections at `url`'s host and port (`defaultPort` when the URL names none),
 * within `timeoutMs`. A reachability check only: it proves nothing about credentials or protocol.
 */
export function tcpAnswers(url: string, defaultPort: number, timeoutMs = 1_000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || defaultPort) });
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** `url` with its password replaced, for log lines and banners. */
export function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
