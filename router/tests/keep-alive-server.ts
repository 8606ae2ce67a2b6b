import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What the server does with a request that arrives on a connection that already served one. */
export type OnReuse =
  /** answers it (an ordinary keep-alive server) */
  | 'answer'
  /** closes the connection without reading it: an idle close that crossed the request on the wire */
  | 'close-unread'
  /** the same close as a reset (the request was unread in its buffer, so the kernel answers with RST) */
  | 'reset-unread'
  /** reads it, sends the start of a status line, then drops the connection: a server dying mid-answer */
  | 'die-mid-answer'
  /** closes every connection as soon as a request arrives on it, the first one included */
  | 'close-always';

export interface KeepAliveServer {
  url: string;
  /** Requests handed to "the application": every request read in full, whichever connection it came on. */
  applied: string[];
  /** Connections the client closed first (its FIN arrived while the server still held them open). */
  closedByClient: number;
  connections: number;
  close(): Promise<void>;
}

/**
 * A minimal HTTP/1.1 server over node:net, so the test decides exactly when a keep-alive connection closes and
 * whether a request was read: node:http's own idle close is a timer race, this is the same event made certain.
 * `keepAliveHint` is announced as `Keep-Alive: timeout=<s>`; the server itself never closes an idle connection.
 */
export async function startKeepAliveServer(
  onReuse: OnReuse,
  keepAliveHint?: number,
): Promise<KeepAliveServer> {
  const state = { applied: [] as string[], closedByClient: 0, connections: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('end', () => {
      state.closedByClient += 1;
      socket.end();
    });
    socket.on('error', () => {});
    let served = 0;
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if ((served > 0 && onReuse === 'close-unread') || onReuse === 'close-always')
        return void socket.destroy();
      if (served > 0 && onReuse === 'reset-unread') return void socket.resetAndDestroy();
      buffered = Buffer.concat([buffered, chunk]);
      const headerEnd = buffered.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(
        /content-length: *(\d+)/i.exec(buffered.subarray(0, headerEnd).toString())?.[1] ?? 0,
      );
      if (buffered.length < headerEnd + 4 + length) return;
      const body = buffered.subarray(headerEnd + 4, headerEnd + 4 + length).toString();
      buffered = buffered.subarray(headerEnd + 4 + length);
      state.applied.push(body);
      if (served > 0 && onReuse === 'die-mid-answer') {
        socket.write('HTTP/1.1 200');
        return void setImmediate(() => socket.destroy());
      }
      served += 1;
      const answer = JSON.stringify({ data: { served: state.applied.length } });
      socket.write(
        'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: keep-alive\r\n' +
          (keepAliveHint === undefined ? '' : `keep-alive: timeout=${keepAliveHint}\r\n`) +
          `content-length: ${Buffer.byteLength(answer)}\r\n\r\n${answer}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    get applied() {
      return state.applied;
    },
    get closedByClient() {
      return state.closedByClient;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
