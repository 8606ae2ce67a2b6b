import type { Logger } from '../logger.ts';
import { isDatabaseUnavailable } from './errors.ts';

/** A frame of the PostgreSQL driver in a stack trace (ESM or CommonJS build, any package manager layout). */
const DRIVER_FRAME = /[/\\]node_modules[/\\](?:\.pnpm[/\\][^/\\]+[/\\]node_modules[/\\])?postgres[/\\]/;

/** The error comes from the database driver: thrown in its code, or one of its connection errors. */
export function isDriverFault(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const topFrame = error.stack?.split('\n').find((line) => /^\s+at /.test(line));
  return (
    (topFrame !== undefined && DRIVER_FRAME.test(topFrame)) ||
    error.name === 'PostgresError' ||
    isDatabaseUnavailable(error)
  );
}

/**
 * The last line of defence against a database driver bug (the ones patched in patches/ were such): an error
 * the driver throws outside any query — from a timer or a socket event — reaches `uncaughtException` or
 * `unhandledRejection`, where Node would end the process and every request in it. Such an error is logged
 * and counted, and the process goes on: the query it belonged to fails on its own when its connection closes,
 * and readiness reports a database that stays broken. Any other uncaught error still ends the process (exit
 * 1, logged): state after an unknown bug is not to be trusted. Returns the function that removes the guard.
 */
export function guardDriverFaults(logger: Logger, onFault?: (error: unknown) => void): () => void {
  const handle = (error: unknown, origin: string) => {
    if (isDriverFault(error)) {
      logger.error({ err: error, origin }, 'database driver fault contained: the process goes on');
      onFault?.(error);
      return;
    }
    logger.fatal({ err: error, origin }, 'uncaught error: exiting');
    process.exit(1);
  };
  const onException = (error: unknown) => handle(error, 'uncaughtException');
  const onRejection = (reason: unknown) => handle(reason, 'unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
