import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';

/**
 * graphql's `subscribe`, with one difference: every event is executed with a context of its own,
 * `eventContext(subscribeContext, payload)`. graphql's own `subscribe` reuses the subscribe-time context for
 * every event, so its DataLoaders would cache the first event's rows for the subscription's whole life (stale
 * data, growing memory); a context per event loads each event fresh, like a new request.
 *
 * The returned iterator's `return()` ends the source at once, even while it waits for its next event (an async
 * generator would queue it behind that wait), so a completed subscription is released immediately.
 */
export async function subscribeWithEventContext<TContext>(
  args: ExecutionArgs,
  eventContext: (context: TContext, payload: unknown) => TContext,
): Promise<AsyncGenerator<ExecutionResult, void, void> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream;
  const source = stream[Symbol.asyncIterator]();
  const context = args.contextValue as TContext;

  const events: AsyncGenerator<ExecutionResult, void, void> = {
    async next() {
      const event = await source.next();
      if (event.done) return { done: true, value: undefined };
      const result = await execute({
        ...args,
        rootValue: event.value,
        contextValue: eventContext(context, event.value),
      });
      return { done: false, value: result };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return events;
    },
    async [Symbol.asyncDispose]() {
      await events.return();
    },
  };
  return events;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
