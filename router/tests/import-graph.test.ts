import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../src');

/** Every module of router/src with the router/src modules it imports or re-exports (type-only ones too). */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const source = readFileSync(join(SRC, file), 'utf8');
    const specifiers = [...source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)].map(
      (match) => match[1]!,
    );
    graph.set(
      file,
      specifiers.map((specifier) => relative(SRC, resolve(dirname(join(SRC, file)), specifier))),
    );
  }
  return graph;
}

/** Each import cycle once, as the list of modules around it. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, path: string[]) => {
    const at = path.indexOf(file);
    if (at >= 0) return void cycles.push([...path.slice(at), file]);
    if (done.has(file)) return;
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

describe('router/src imports', () => {
  it('form no cycle: each module can be understood from the ones below it', () => {
    const graph = importGraph();

    expect(graph.get('server.ts')).toContain('context.ts'); // the scan sees imports at all
    expect(cyclesOf(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('keeps AsyncLocalStorage to the request scope, the one seam Apollo’s data-source fetcher leaves', () => {
    const users = [...importGraph().keys()].filter((file) =>
      readFileSync(join(SRC, file), 'utf8').includes('AsyncLocalStorage'),
    );

    expect(users).toEqual(['request-scope.ts']);
  });

  it('finds a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);

    expect(cyclesOf(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
