import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger, DestinationStream };

/**
 * Structured JSON logs, one object a line; secrets are redacted by path wherever they may appear. Lines go to
 * stdout unless `destination` is given (tests capture a service's lines there).
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
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
  return destination ? pino(options, destination) : pino(options);
}
