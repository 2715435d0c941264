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
/** V8's heap limit counts the young generation (3 × 16 MB semi-spaces on 64-bit) on top of --max-old-space-size. */
const YOUNG_MB = 48;

export interface HeapAdvice {
  /** Old space (MB, as --max-old-space-size / PANTAU_HEAP_MB) a fleet of this size should have. */
  neededMb: number;
  /** Old space this process has. */
  limitMb: number;
  ok: boolean;
}

/** `heapLimitBytes` as `v8.getHeapStatistics().heap_size_limit` gives it. */
export function heapAdvice(cameras: number, heapLimitBytes: number): HeapAdvice {
  const neededMb = Math.ceil(2 * (BASE_MB + (cameras * PER_CAMERA_KB) / 1024));
  const limitMb = Math.floor(heapLimitBytes / 2 ** 20) - YOUNG_MB;
  return { neededMb, limitMb, ok: limitMb >= neededMb };
}
