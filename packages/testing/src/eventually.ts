import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `probe` until it stops throwing, and returns what it returned: for effects that happen
 * asynchronously (an event crossing the broker). Fails with the probe's last error once `timeoutMs` passed.
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  { timeoutMs = 10_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(intervalMs);
    }
  }
}
