/**
 * Whether the JavaScript heap Pantau was given suits its fleet. `npm start` and the image cap
 * the heap (PANTAU_HEAP_MB, 160 MB by default): left to itself V8 lets garbage grow to several
 * times the live data before collecting, and a 10 000-camera Pantau that keeps 66 MB alive
 * peaked at 460 MB RSS. A cap too small for the fleet would end in a crash, so the start says so
 * while there is time to raise it. Figures from `npm run bench -- --only probe-capacity`: about
 * 24 MB live with no cameras plus 4.5 KB per camera; the heap needs twice the live data to
 * collect without stalling.
 */
const BASE_MB = 24;
const PER_CAMERA_KB = 4.5;
/** V8's default semi-space on 64-bit (MB); `npm start` gives it less (`--max-semi-space-size`). */
const DEFAULT_SEMI_SPACE_MB = 16;

export interface HeapAdvice {
  /** Old space (MB, as --max-old-space-size / PANTAU_HEAP_MB) a fleet of this size should have. */
  neededMb: number;
  /** Old space this process has. */
  limitMb: number;
  ok: boolean;
}

/**
 * `heapLimitBytes` as `v8.getHeapStatistics().heap_size_limit` gives it: old space plus the young
 * generation, three semi-spaces of `semiSpaceMb` (what this process was started with by default).
 */
export function heapAdvice(cameras: number, heapLimitBytes: number, semiSpaceMb = semiSpaceOf(process.execArgv, process.env.NODE_OPTIONS)): HeapAdvice {
  const neededMb = Math.ceil(2 * (BASE_MB + (cameras * PER_CAMERA_KB) / 1024));
  const limitMb = Math.floor(heapLimitBytes / 2 ** 20) - 3 * semiSpaceMb;
  return { neededMb, limitMb, ok: limitMb >= neededMb };
}

/** The semi-space size (MB) node was started with: the last `--max-semi-space-size` given, else V8's default. */
export function semiSpaceOf(execArgv: readonly string[], nodeOptions = ''): number {
  const flags = [...nodeOptions.split(/\s+/), ...execArgv];
  let mb = DEFAULT_SEMI_SPACE_MB;
  for (let i = 0; i < flags.length; i++) {
    const m = /^--max[-_]semi[-_]space[-_]size(?:=(\d+))?$/.exec(flags[i]!);
    if (!m) continue;
    const value = Number(m[1] ?? flags[i + 1]);
    if (Number.isInteger(value) && value > 0) mb = value;
  }
  return mb;
}
