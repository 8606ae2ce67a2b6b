/**
 * Payloads handed from the executor, as each deferred block completes, to whoever streams them: an async
 * iterable that ends after the payload marked last. Read once.
 */
export class PayloadQueue<T> implements AsyncIterable<T> {
  private readonly ready: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  push(payload: T, last: boolean): void {
    if (this.ended) return;
    this.ready.push(payload);
    this.ended = last;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const payload = this.ready.shift();
      if (payload !== undefined) {
        yield payload;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
