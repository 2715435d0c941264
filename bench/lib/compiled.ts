/**
 * Compiles Pantau (and the benchmark's own child scripts) with tsc into test-artifacts/, so a
 * measured Pantau runs as it does in production (`node dist/main.js`): under tsx the process
 * would carry some 50 MB of loader and transform caches that are not Pantau's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../src/config/load.js';

const run = promisify(execFile);
const DIR = path.join(PACKAGE_ROOT, 'test-artifacts', 'bench');
let built: Promise<string> | undefined;

/** Builds once per process; resolves with the path of `module` (a .ts path from the repo root) compiled to .js. */
export async function compiled(module: string): Promise<string> {
  built ??= build();
  const out = await built;
  return path.join(out, module.replace(/\.ts$/, '.js'));
}

async function build(): Promise<string> {
  mkdirSync(DIR, { recursive: true });
  const config = path.join(DIR, 'tsconfig.bench.json');
  const out = path.join(DIR, 'build');
  writeFileSync(
    config,
    JSON.stringify({
      extends: '../../tsconfig.json',
      compilerOptions: { rootDir: '../..', outDir: './build', noEmit: false, sourceMap: false, declaration: false },
      include: ['../../src', '../../bench/lib/capacity-child.ts', '../../bench/lib/pantau-child.ts'],
    }),
  );
  const started = Date.now();
  await run(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: PACKAGE_ROOT, maxBuffer: 16 * 2 ** 20 }).catch((err: { stdout?: string }) => {
    // tsc still writes JavaScript when types are wrong (work in progress elsewhere in src/):
    // measure that, but say so.
    if (!existsSync(path.join(out, 'src', 'server.js'))) throw new Error(`compiling Pantau for the benchmark failed:\n${err.stdout ?? String(err)}`);
    console.warn(`  (tsc reported type errors; benchmarking the JavaScript it emitted anyway)\n${(err.stdout ?? '').split('\n').slice(0, 5).join('\n')}`);
  });
  console.log(`  (compiled Pantau with tsc for the measured process in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return out;
}
