/**
 * `npm run bench`: runs every benchmark in bench/ — each `bench/<name>.ts` that exports
 * `async function run()` — one after the other, the figures of BENCHMARKS.md first, then any
 * others by name. Files without a `run` export are listed and skipped (so a script written to
 * run on its own is never started by being imported).
 *
 *   npm run bench                                   all of them
 *   npm run bench -- --only probe-capacity,history  some (by file name)
 *   npm run bench -- --list                         what would run
 *
 * Options after `--` reach every benchmark (e.g. `--runs 5`); each reads the ones it knows.
 * Benchmarks are not tests: they never run under `npm test`, and their numbers depend on the
 * machine (BENCHMARKS.md says which one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Args } from './lib/args.js';
import { printMachine } from './lib/stats.js';

/** The figures of BENCHMARKS.md, in its order; anything else found runs after them. */
const ORDER = ['probe-capacity', 'alert-latency', 'snapshot-relay', 'history', 'image-check', 'status-page', 'live-video'];
/** Entry points that are not benchmarks. */
const NOT_BENCHMARKS = new Set(['run', 'fleet']);
const EXPORTS_RUN = /export\s+(async\s+)?function\s+run\s*\(|export\s+(const|let)\s+run\b|export\s*\{[^}]*\brun\b[^}]*\}/;

const here = path.dirname(fileURLToPath(import.meta.url));

function discover(): { runnable: string[]; skipped: string[] } {
  const names = readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .filter((n) => !NOT_BENCHMARKS.has(n));
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  // Read, not imported: importing a script that runs itself at the top level would start it.
  const runnable = names.filter((n) => EXPORTS_RUN.test(readFileSync(path.join(here, `${n}.ts`), 'utf8')));
  return { runnable, skipped: names.filter((n) => !runnable.includes(n)) };
}

async function main(): Promise<number> {
  const args = new Args();
  const { runnable, skipped } = discover();
  const only = args.string('only')?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((n) => !runnable.includes(n)) ?? [];
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; runnable: ${runnable.join(', ')}${skipped.length ? `; without run(): ${skipped.join(', ')}` : ''}`);
    return 2;
  }
  const chosen = only ? runnable.filter((n) => only.includes(n)) : runnable;
  if (args.flag('list')) {
    console.log(`runnable: ${runnable.join(', ')}`);
    if (skipped.length) console.log(`skipped (no exported run()): ${skipped.join(', ')}`);
    return 0;
  }
  printMachine();
  if (skipped.length) console.log(`skipped (no exported run()): ${skipped.join(', ')}`);
  const failed: string[] = [];
  for (const name of chosen) {
    const started = Date.now();
    console.log(`\n=== ${name} ===`);
    try {
      const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as { run?: () => Promise<void> };
      if (typeof mod.run !== 'function') throw new Error('does not export run()');
      await mod.run();
    } catch (err) {
      failed.push(name);
      console.error(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    console.log(`=== ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
  }
  if (failed.length) console.error(`\nfailed: ${failed.join(', ')}`);
  return failed.length ? 1 : 0;
}

const code = await main();
// Benchmarks clean up after themselves; a handle one of them leaked must not keep `npm run bench` alive.
setTimeout(() => process.exit(code), 1000).unref();
process.exitCode = code;
