import type { ServerResponse } from 'node:http';
import type { FormattedExecutionResult } from 'graphql';
import type { LiveSubscription } from './live.ts';

/** How often a stalled stream looks again whether its socket took the bytes (besides its `drain` event). */
const RECHECK_MS = 25;

/**
 * graphql-sse pulls a subscription's results into a queue of its own as fast as they come and writes them as
 * the socket takes them, so a client that stops reading would grow that queue without bound. Paced, the next
 * result is pulled only once the socket took the last one: the rest wait in the subscription, whose own limit
 * ends it with SUBSCRIPTION_INTERRUPTED when its client falls too far behind. A reading client never waits:
 * the kernel takes its bytes at once and nothing stays queued in the socket.
 */
export function paced(
  live: LiveSubscription,
  res: ServerResponse,
): AsyncIterableIterator<FormattedExecutionResult> {
  const backedUp = () => {
    const socket = res.socket;
    return socket !== null && !socket.destroyed && socket.writableLength > 0;
  };
  const drained = () =>
    new Promise<void>((resolve) => {
      const socket = res.socket;
      const done = () => {
        clearTimeout(timer);
        socket?.off('drain', done);
        socket?.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, RECHECK_MS);
      socket?.once('drain', done);
      socket?.once('close', done);
    });
  const iterator: AsyncIterableIterator<FormattedExecutionResult> = {
    async next() {
      while (backedUp()) {
        // Ended while its client read nothing (too far behind, token expired, shutdown): its last result cannot
        // reach a client that does not read, so the stream is cut rather than kept open.
        if (!live.active) {
          res.destroy();
          return { done: true, value: undefined };
        }
        await drained();
      }
      return live.next();
    },
    return: () => live.return(),
    throw: () => live.throw(),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
