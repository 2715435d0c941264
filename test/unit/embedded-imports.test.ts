/**
 * The embedded mode never loads bullmq or ioredis: no module reachable from the server's entry
 * through static imports names them. Queue mode reaches them only through `await import()`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/config/load.js';

const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const deps: string[] = [];
    graph.set(file, deps);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(STATIC_IMPORT)) {
      const spec = match[1]!;
      if (!spec.startsWith('.')) {
        deps.push(spec);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      deps.push(target);
      visit(target);
    }
  };
  visit(entry);
  return graph;
}

describe('embedded mode', () => {
  it('never loads bullmq or ioredis through static imports', () => {
    for (const entry of ['main.ts', 'server.ts']) {
      const graph = staticGraph(path.join(PACKAGE_ROOT, 'src', entry));
      const offenders = [...graph].filter(([, deps]) => deps.some((d) => d === 'bullmq' || d === 'ioredis')).map(([f]) => path.relative(PACKAGE_ROOT, f));
      expect(offenders, `${entry} reaches bullmq/ioredis statically`).toEqual([]);
      expect(graph.has(path.join(PACKAGE_ROOT, 'src', 'jobs', 'local-queue.ts'))).toBe(true);
    }
  });

  it('the worker does load them (the check above would notice)', () => {
    const graph = staticGraph(path.join(PACKAGE_ROOT, 'src', 'worker.ts'));
    expect([...graph.values()].some((deps) => deps.includes('bullmq'))).toBe(true);
  });
});
