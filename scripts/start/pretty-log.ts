/**
 * `npm start` on a terminal: the services' JSON log lines (pino) as short lines a person reads — one line per
 * request (method, operation, status, ms, request id), warnings and errors marked and coloured, an error's
 * stack under it. Services always write JSON; only this dev runner reformats it.
 */

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** pino's own fields and those a line shows in its own place. */
const SHOWN_ELSEWHERE = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'name',
  'service',
  'msg',
  'requestId',
  'err',
]);
const REQUEST_FIELDS = new Set([
  'method',
  'status',
  'operationName',
  'outcome',
  'durationMs',
  'callerId',
  'traceId',
]);
const STACK_LINES = 8;

const ANSI = { dim: 2, bold: 1, red: 31, yellow: 33, cyan: 36 } as const;
type Style = keyof typeof ANSI;

export interface PrettyOptions {
  /** ANSI colours (a terminal); plain text otherwise. */
  color: boolean;
}

interface ErrorField {
  type?: string;
  message?: string;
  stack?: string;
}

export function createPrettyFormatter(options: PrettyOptions) {
  const paint = (style: Style, text: string) => (options.color ? `\x1b[${ANSI[style]}m${text}\x1b[0m` : text);

  const clock = (time: unknown) => {
    const date = typeof time === 'number' ? new Date(time) : new Date();
    return paint('dim', date.toTimeString().slice(0, 8));
  };

  const valueText = (value: unknown): string => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  };

  const fieldsOf = (entry: Record<string, unknown>, skip: Set<string>) =>
    Object.entries(entry)
      .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && !skip.has(key) && value !== undefined)
      .map(([key, value]) => paint('dim', `${key}=`) + valueText(value))
      .join(' ');

  const requestText = (entry: Record<string, unknown>) => {
    const status = Number(entry['status']);
    // `outcome` is the response's first error code, or `success` (service-kit's metrics labels).
    const outcome = typeof entry['outcome'] === 'string' ? entry['outcome'] : 'success';
    const statusText = outcome === 'success' ? String(status) : `${status} ${outcome}`;
    const style: Style | undefined =
      status >= 500 ? 'red' : status >= 400 || outcome !== 'success' ? 'yellow' : undefined;
    const ms = typeof entry['durationMs'] === 'number' ? `${entry['durationMs'].toFixed(1)} ms` : '';
    const operation = typeof entry['operationName'] === 'string' ? entry['operationName'] : '(anonymous)';
    return [
      String(entry['method'] ?? ''),
      paint('bold', operation),
      style ? paint(style, statusText) : statusText,
      ms,
    ]
      .filter(Boolean)
      .join(' ');
  };

  /** One JSON log line of service `service`, as text (several lines for an error with a stack). */
  return function format(service: string, line: string): string {
    const prefix = `${paint('cyan', service.padEnd(7))}`;
    let entry: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a log object');
      entry = parsed as Record<string, unknown>;
    } catch {
      // Not pino's (a crash before the logger existed, Node's own warnings): shown as it came.
      return `${clock(undefined)} ${prefix} ${line}`;
    }
    const level = typeof entry['level'] === 'number' ? entry['level'] : 30;
    const isRequest = entry['msg'] === 'request' && 'status' in entry;
    const label =
      level >= 50
        ? paint('red', paint('bold', LEVELS[level] ?? 'ERROR'))
        : level >= 40
          ? paint('yellow', 'WARN')
          : '';
    const error = entry['err'] as ErrorField | string | undefined;
    const errorText = typeof error === 'string' ? error : error?.message;
    const message = isRequest ? requestText(entry) : String(entry['msg'] ?? '');
    const requestId = typeof entry['requestId'] === 'string' ? paint('dim', `req ${entry['requestId']}`) : '';
    const fields = fieldsOf(entry, isRequest ? REQUEST_FIELDS : new Set());
    const head = [
      clock(entry['time']),
      prefix,
      label,
      level >= 50 ? paint('red', message) : message,
      errorText ? (level >= 50 ? paint('red', `: ${errorText}`) : `: ${errorText}`) : '',
      fields,
      requestId,
    ]
      .filter(Boolean)
      .join(' ')
      .replace(/ : /, ': ');
    if (level < 50 || typeof error !== 'object' || !error?.stack) return head;
    const stack = error.stack
      .split('\n')
      .slice(1, 1 + STACK_LINES)
      .map((frame) => `    ${paint('dim', frame.trim())}`);
    return [head, ...stack].join('\n');
  };
}
