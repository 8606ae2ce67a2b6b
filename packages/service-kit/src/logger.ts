import { pino, type DestinationStream, type Logger } from 'pino';
import { DEFAULT_LOG_FLUSH_MS } from './env.ts';

export type { Logger, DestinationStream };

/** A write is due once this much is buffered. */
const LOG_BATCH_BYTES = 4_096;

/** One stdout destination per process (and flush interval): every logger of the process shares its order. */
const destinations = new Map<number, DestinationStream>();

/**
 * stdout for log lines, written in batches: one write per line costs a system call per request under load
 * (docs/operations.md, "Logs are written in batches"). Lines wait until about 4 KiB are buffered or `flushMs`
 * has passed, then go out in one synchronous write, so they stay in order and whole, and a reader that stops
 * reading makes the process wait rather than buffer without bound. What is buffered when the process exits,
 * a crash included, is written on exit (a SIGKILL loses it). `flushMs` 0 is pino's own stream: every line
 * written at once, asynchronously.
 */
export function stdoutLogDestination(flushMs = DEFAULT_LOG_FLUSH_MS): DestinationStream {
  const existing = destinations.get(flushMs);
  if (existing) return existing;
  if (flushMs <= 0) {
    const stream = pino.destination({ dest: 1, sync: false });
    destinations.set(flushMs, stream);
    return stream;
  }
  const stream = pino.destination({
    dest: 1,
    sync: true,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: flushMs,
  });
  // pino flushes its asynchronous streams on exit, not synchronous ones: this one's last batch is written here.
  process.once('exit', () => {
    try {
      stream.flushSync();
    } catch {
      // stdout is gone: nothing is left to write to.
    }
  });
  destinations.set(flushMs, stream);
  return stream;
}

/**
 * Structured JSON logs, one object a line; secrets are redacted by path wherever they may appear. Lines go to
 * stdout in batches unless `destination` is given (tests capture a service's lines there).
 */
export function createLogger(
  service: string,
  level: string,
  destination: DestinationStream = stdoutLogDestination(),
): Logger {
  const options = {
    name: service,
    level,
    base: { service },
    redact: {
      paths: [
        'password',
        '*.password',
        'token',
        '*.token',
        'headers.authorization',
        'headers["x-internal-token"]',
      ],
      censor: '[redacted]',
    },
  };
  return pino(options, destination);
}
