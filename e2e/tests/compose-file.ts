import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');

/** docker-compose's interpolation: `$$`, `${VAR}`, `${VAR:-default}`, `${VAR:?error}` (unset or empty). */
export function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}/g,
    (match, name?: string, kind?: string, word?: string) => {
      if (match === '$$') return '$';
      const given = variables[name!];
      if (given) return given;
      if (kind === '-') return word ?? '';
      if (kind === '?') throw new Error(`docker-compose would refuse to start: ${name} ${word}`);
      return '';
    },
  );
}

function interpolateAll(value: unknown, variables: Record<string, string>): unknown {
  if (typeof value === 'string') return interpolate(value, variables);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, variables));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateAll(item, variables)]),
    );
  }
  return value;
}

/** docker-compose.yml as Compose reads it: YAML merge keys applied, then every string interpolated. */
export function loadComposeFile(variables: Record<string, string>): Record<string, unknown> {
  const raw = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as unknown;
  return interpolateAll(raw, variables) as Record<string, unknown>;
}
