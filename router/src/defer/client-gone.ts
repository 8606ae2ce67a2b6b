import type { ServerResponse } from 'node:http';

/**
 * A signal that aborts when the client goes away before its response is complete, made on first ask: only a
 * streamed (@defer) response needs it, and then its remaining fetches are cancelled. Unlike the deadline it
 * is never used for a request's own primary part, so a mutation a client abandons still completes.
 */
export function clientGoneOf(
  res: Pick<ServerResponse, 'once' | 'writableFinished' | 'destroyed'>,
): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal) return signal;
    const controller = new AbortController();
    signal = controller.signal;
    const abort = () => controller.abort(new DOMException('The client went away.', 'AbortError'));
    if (res.destroyed) abort();
    else res.once('close', () => void (res.writableFinished || abort()));
    return signal;
  };
}
