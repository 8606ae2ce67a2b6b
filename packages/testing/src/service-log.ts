/**
 * The `url` a service logged with `message` (pino's JSON lines, one object a line), or undefined until it has:
 * a service started on port 0 says there where it listens, so a test never asks a port another process took.
 */
export function loggedUrl(output: string, message: string): string | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes(message)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: unknown; url?: unknown };
      if (entry.msg === message && typeof entry.url === 'string') return entry.url;
    } catch {
      // Not a whole JSON line (a chunk boundary, or another program's output).
    }
  }
  return undefined;
}
