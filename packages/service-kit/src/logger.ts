import { pino, type DestinationStream, type Logger } from 'pino';
import { DEFAULT_LOG_FLUSH_MS } from './env.ts';

export type { Logger, DestinationStream };

/** A write is due once this much is buffered. */
const LOG_BATCH_BYTES = 4_096;

/**
 * Beyond this much waiting for a reader that has stopped reading stdout, new lines are dropped (sonic-boom
 * emits 'drop'): the service's memory stays bounded, and its event loop never waits on its logs.
 */
const LOG_BUFFER_MAX_BYTES = 16 * 1024 ** 2;

/** One stdout destination per process (and flush interval): every logger of the process shares its order. */
const destinations = new Map<number, DestinationStream>();

/**
 * stdout for log lines, written in batches: one write per line costs a system call per request under load
 * (docs/operations.md, "Logs are written in batches"). Lines wait until about 4 KiB are buffered or `flushMs`
 * has passed; one batch at a time is written, asynchronously, so lines stay whole and in order. pino writes
 * what is still buffered when the process exits, a crash included (a SIGKILL loses it). `flushMs` 0 is
 * pino's own stream: every line written at once.
 */
export function stdoutLogDestination(flushMs = DEFAULT_LOG_FLUSH_MS): DestinationStream {
  let destination = destinations.get(flushMs);
  if (!destination) {
    destination = pino.destination(
      flushMs > 0
        ? {
            dest: 1,
            sync: false,
            minLength: LOG_BATCH_BYTES,
            maxLength: LOG_BUFFER_MAX_BYTES,
            periodicFlush: flushMs,
          }
        : { dest: 1, sync: false },
    );
    destinations.set(flushMs, destination);
  }
  return destination;
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
