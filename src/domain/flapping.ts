/**
 * Flap damping for the status machine: notices when a camera keeps changing status and says so
 * once, then says once when it has settled.
 *
 * Pure. Must not hide or delay flips: history stays truthful (uptime needs every change);
 * damping is only about how loudly the changes are announced, which the alert policy decides
 * from these events and from `flappingSince` in the machine state.
 */
import type { Flip } from './status.js';

export interface FlapPolicy {
  /** More than this many flips inside `flapWindowMs` means flapping. @defaultValue 6 */
  flapThreshold: number;
  /** The trailing window flips are counted in. @defaultValue 3_600_000 (one hour) */
  flapWindowMs: number;
  /**
   * A flapping camera is stable again after this long without a flip. Must not exceed
   * `flapWindowMs`. @defaultValue 1_800_000 (30 minutes)
   */
  flapQuietMs: number;
}

export interface FlapState {
  /** `at` of the counted flips inside the trailing window, oldest first. */
  recent: readonly number[];
  /** When the flapping notice was given; null while the camera is not flapping. */
  flappingSince: number | null;
}

export type FlapEvent =
  | { type: 'flapping'; cameraId: string; at: number; flipsInWindow: number }
  | { type: 'stable'; cameraId: string; at: number; flappingSince: number };

export const NOT_FLAPPING: FlapState = { recent: [], flappingSince: null };

/**
 * Only changes between observed health count: pausing, re-enabling, the first status after
 * `unknown` and restart bookkeeping are not the camera's doing.
 */
function counts(flip: Flip): boolean {
  const health = (s: string): boolean => s === 'up' || s === 'degraded' || s === 'down';
  return health(flip.from) && health(flip.to);
}

/**
 * Advance flap tracking by one observation at `now`, with the flip it produced, if any.
 *
 * Flapping starts when the count inside the window goes above the threshold, and ends after
 * `flapQuietMs` without a flip. Ending clears the count, so the flips that caused the notice
 * cannot raise it again straight after the camera settled.
 */
export function trackFlapping(
  flap: FlapState,
  cameraId: string,
  flip: Flip | undefined,
  now: number,
  policy: FlapPolicy,
): { flap: FlapState; events: FlapEvent[] } {
  const recent = flap.recent.filter((at) => at > now - policy.flapWindowMs);
  if (flip && counts(flip)) recent.push(flip.at);

  if (flap.flappingSince === null) {
    if (recent.length > policy.flapThreshold) {
      return {
        flap: { recent, flappingSince: now },
        events: [{ type: 'flapping', cameraId, at: now, flipsInWindow: recent.length }],
      };
    }
    return { flap: { recent, flappingSince: null }, events: [] };
  }

  const last = recent[recent.length - 1];
  if (last === undefined || now - last >= policy.flapQuietMs) {
    return {
      flap: NOT_FLAPPING,
      events: [{ type: 'stable', cameraId, at: now, flappingSince: flap.flappingSince }],
    };
  }
  return { flap: { recent, flappingSince: flap.flappingSince }, events: [] };
}
