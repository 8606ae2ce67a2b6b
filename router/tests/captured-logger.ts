import { createLogger, type Logger } from '@supergraph/service-kit/logger';

/** One JSON log line as the service logger writes it. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/**
 * A service logger at `info` whose lines are kept, parsed, in `lines`: for tests that check what is logged.
 * Not in @supergraph/testing: importing it there would load the service kit (and graphql) before the e2e
 * tracing tests install their instrumentation.
 */
export function capturedLogger(service: string): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger(service, 'info', {
    write: (line: string) => void lines.push(JSON.parse(line) as LogLine),
  });
  return { logger, lines };
}
