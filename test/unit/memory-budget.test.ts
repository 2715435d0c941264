import { expect, it } from 'vitest';
import { heapAdvice, semiSpaceOf } from '../../src/services/memory-budget.js';

const MB = 2 ** 20;
/** heap_size_limit of `node --max-old-space-size=160` (the default of npm start): old space + young generation. */
const DEFAULT_LIMIT = 208 * MB;

it('finds the default heap enough for 10 000 cameras and asks for more from about 13 000', () => {
  expect(heapAdvice(10_000, DEFAULT_LIMIT, 16)).toEqual({ neededMb: 136, limitMb: 160, ok: true });
  expect(heapAdvice(0, DEFAULT_LIMIT, 16)).toMatchObject({ neededMb: 48, ok: true });
  expect(heapAdvice(12_500, DEFAULT_LIMIT, 16).ok).toBe(true);
  expect(heapAdvice(13_500, DEFAULT_LIMIT, 16).ok).toBe(false);
  const big = heapAdvice(20_000, DEFAULT_LIMIT, 16);
  expect(big).toMatchObject({ neededMb: 224, ok: false });
  // Following the advice is enough.
  expect(heapAdvice(20_000, (big.neededMb + 48) * MB, 16).ok).toBe(true);
});

it('npm start gives node the heap cap (PANTAU_HEAP_MB, 160 by default), 8 MB semi-spaces and two malloc arenas', async () => {
  const { readFileSync } = await import('node:fs');
  const { execFileSync } = await import('node:child_process');
  const { PACKAGE_ROOT } = await import('../../src/config/load.js');
  const start = (JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start!;
  expect(start).toContain('dist/main.js');
  // The same command line, with a probe in place of Pantau's entry point.
  const probe = `-e "console.log(JSON.stringify([require('v8').getHeapStatistics().heap_size_limit, process.env.MALLOC_ARENA_MAX, process.execArgv]))"`;
  const run = (env: Record<string, string>) => {
    const { PANTAU_HEAP_MB: _h, MALLOC_ARENA_MAX: _m, ...rest } = process.env;
    return JSON.parse(execFileSync('/bin/sh', ['-c', start.replace('dist/main.js', probe)], { env: { ...rest, ...env }, encoding: 'utf8' })) as [number, string, string[]];
  };
  const [defaultLimit, arenas, argv] = run({});
  expect(semiSpaceOf(argv)).toBe(8);
  expect(heapAdvice(0, defaultLimit, semiSpaceOf(argv)).limitMb).toBe(160);
  expect(arenas).toBe('2');
  const [raised, , raisedArgv] = run({ PANTAU_HEAP_MB: '400' });
  expect(heapAdvice(0, raised, semiSpaceOf(raisedArgv)).limitMb).toBe(400);
});

it('reads the semi-space size node was started with, V8 default otherwise', () => {
  expect(semiSpaceOf([])).toBe(16);
  expect(semiSpaceOf(['--max-old-space-size=160', '--max-semi-space-size=8'])).toBe(8);
  expect(semiSpaceOf(['--max-semi-space-size', '4'])).toBe(4);
  expect(semiSpaceOf(['--max_semi_space_size=2'], '--max-semi-space-size=8')).toBe(2);
  expect(semiSpaceOf([], '--max-semi-space-size=8 --trace-gc')).toBe(8);
  expect(semiSpaceOf(['--max-semi-space-size=0'])).toBe(16);
});
