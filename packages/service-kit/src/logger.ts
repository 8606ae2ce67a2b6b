import { pino, type DestinationStream, type Logger } from 'pino';
import { DEFAULT_LOG_FLUSH_MS } from './env.ts';

export type { Logger, DestinationStream };

/** A write is due once this much is buffered (a pipe takes up to 4 KiB at once). */
const LOG_BATCH_BYTES = 4_096;

/**
 * stdout for log lines, written in batches: one write per line costs a system call per request under load
 * (docs/operations.md, "Logs are written in batches"). Lines wait until about 4 KiB are buffered or `flushMs`
 * has passed; pino writes what is left when the process exits, a crash included (a SIGKILL loses the buffer).
 * `flushMs` 0 writes every line as it is logged.
 */
export function stdoutLogDestination(flushMs = DEFAULT_LOG_FLUSH_MS): DestinationStream {
  return flushMs > 0
    ? pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: flushMs })
    : pino.destination({ dest: 1, sync: false });
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
