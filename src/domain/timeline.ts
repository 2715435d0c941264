/**
 * A camera's status over a time window, as contiguous segments derived from its flips, and the
 * seconds spent in each status. The common ground of uptime.ts and rollup.ts.
 *
 * Pure. Windows are half-open [from, to) in epoch ms. Must not read raw probe results: the
 * history of a status is its flips.
 */
import { CAMERA_STATUSES, type CameraStatus, type Flip } from './status.js';

export interface TimeWindow {
  from: number;
  to: number;
}

export interface Segment {
  from: number;
  to: number;
  status: CameraStatus;
}

export type StatusSeconds = Record<CameraStatus, number>;

export function emptySeconds(): StatusSeconds {
  return { up: 0, degraded: 0, down: 0, unknown: 0, paused: 0 };
}

export function addSeconds(a: StatusSeconds, b: StatusSeconds): StatusSeconds {
  const sum = emptySeconds();
  for (const s of CAMERA_STATUSES) sum[s] = a[s] + b[s];
  return sum;
}

export function checkWindow({ from, to }: TimeWindow): void {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new RangeError(`window [${from}, ${to}) is not a valid time range`);
  }
}

export function checkSorted(flips: readonly Flip[]): void {
  for (let i = 1; i < flips.length; i++) {
    const prev = flips[i - 1];
    const flip = flips[i];
    if (prev && flip && flip.at < prev.at) {
      throw new RangeError(`flips must be sorted by time: ${flip.at} comes after ${prev.at}`);
    }
  }
}

/**
 * The status in force at each moment of `window`.
 *
 * `initialStatus` holds before the first flip given — the `to` of the last flip before them,
 * or `unknown` when the camera has no earlier history. Flips before `from` may be passed; they
 * only set the status at `from`. A flip exactly at `from` applies from `from`; one exactly at
 * `to` is outside the window. Adjacent segments of one status are merged.
 */
export function statusTimeline(
  flips: readonly Flip[],
  window: TimeWindow,
  initialStatus: CameraStatus = 'unknown',
): Segment[] {
  checkWindow(window);
  checkSorted(flips);
  const segments: Segment[] = [];
  const push = (from: number, to: number, status: CameraStatus): void => {
    if (to <= from) return;
    const last = segments[segments.length - 1];
    if (last && last.status === status && last.to === from) last.to = to;
    else segments.push({ from, to, status });
  };
  let status = initialStatus;
  let cursor = window.from;
  for (const flip of flips) {
    if (flip.at >= window.to) break;
    if (flip.at > cursor) {
      push(cursor, flip.at, status);
      cursor = flip.at;
    }
    status = flip.to;
  }
  push(cursor, window.to, status);
  return segments;
}

/** The status at instant `t`: the `to` of the last flip at or before `t`, else `initialStatus`. */
export function statusAt(flips: readonly Flip[], t: number, initialStatus: CameraStatus = 'unknown'): CameraStatus {
  let status = initialStatus;
  for (const flip of flips) {
    if (flip.at > t) break;
    status = flip.to;
  }
  return status;
}

/** Seconds per status over segments (fractional when flips fall between whole seconds). */
export function secondsByStatus(segments: readonly Segment[]): StatusSeconds {
  const ms = emptySeconds();
  for (const seg of segments) ms[seg.status] += seg.to - seg.from;
  // Summing whole milliseconds and dividing once keeps long sums exact.
  for (const s of CAMERA_STATUSES) ms[s] /= 1000;
  return ms;
}

/**
 * up / (up + degraded + down). Unknown and paused time is neither good nor bad: Pantau was not
 * watching, or an admin said not to. Null when no time was known at all.
 */
export function uptimeRatio(seconds: StatusSeconds): number | null {
  const known = seconds.up + seconds.degraded + seconds.down;
  return known > 0 ? seconds.up / known : null;
}
