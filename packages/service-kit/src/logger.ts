import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs, one object a line; secrets are redacted by path wherever they may appear. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'headers.authorization', 'headers["x-internal-token"]'],
      censor: '[redacted]',
    },
  });
}
