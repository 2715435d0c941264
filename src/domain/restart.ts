/**
 * How a camera's status machine resumes after Pantau itself was not running: the time it was
 * away is recorded as `unknown`, an open outage stays open, and nothing recovers by itself.
 *
 * Pure: the stop and restart times are parameters. Must not probe or guess what happened while
 * Pantau was away; the next probe rounds decide that, with the usual confirmation.
 */
import { CAMERA_STATUSES, type Flip } from './status.js';
import { initialState, type MachineState } from './status-machine.js';

export interface RestartGap {
  from: number;
  to: number;
}

export interface Resumption {
  /** The machine to continue with: same status, same `since`, no half-counted streak. */
  state: MachineState;
  /** The span recorded as unknown, or null when there is nothing to record. */
  gap: RestartGap | null;
  /** Flips to store for the gap, in order (empty when `gap` is null). */
  flips: Flip[];
}

/**
 * Resume a camera's machine after a restart.
 *
 * `stoppedAt` is the last moment Pantau is known to have been watching: the shutdown time, or
 * after a crash the last heartbeat or probe. The gap [stoppedAt, restartedAt) becomes a pair
 * of flips, S → unknown (`monitor_offline`) and unknown → S (`monitor_resumed`), so uptime
 * counts it as unknown rather than up, and everything stays derivable from flips alone.
 *
 * The machine resumes in S with its original `since` and reason: a camera that was down is
 * still down (outage derivation treats the unknown stretch as part of the outage, so there is
 * one outage, not two, and no flip away from `up` is invented). Recovery needs the usual
 * confirmed healthy rounds. A streak counted before the stop is dropped: those rounds are
 * too old to combine with new ones.
 *
 * Paused cameras were not being watched anyway, and unknown ones already record unknown: no
 * flips for either.
 */
export function resumeAfterRestart(state: MachineState, stoppedAt: number, restartedAt: number): Resumption {
  if (restartedAt < stoppedAt) {
    throw new RangeError(`restartedAt (${restartedAt}) is before stoppedAt (${stoppedAt})`);
  }
  const resumed: MachineState = { ...state, pending: null };
  const from = Math.max(stoppedAt, state.since);
  if (state.status === 'paused' || state.status === 'unknown' || from >= restartedAt) {
    return { state: resumed, gap: null, flips: [] };
  }
  const { cameraId, status } = state;
  return {
    state: resumed,
    gap: { from, to: restartedAt },
    flips: [
      { cameraId, at: from, from: status, to: 'unknown', reason: 'monitor_offline' },
      { cameraId, at: restartedAt, from: 'unknown', to: status, reason: 'monitor_resumed' },
    ],
  };
}

/**
 * Rebuild a machine when only the last stored flip survived (no stored state). It is a
 * fallback: after a `monitor_resumed` flip, `since` becomes the restart time rather than the
 * outage start, so prefer the stored state. Apply a 'disable' or 'enable' observation after
 * this if the camera's enabled flag disagrees.
 */
export function stateFromLastFlip(cameraId: string, lastFlip: Flip | null, now: number): MachineState {
  if (!lastFlip) return initialState(cameraId, now);
  return { ...initialState(cameraId, lastFlip.at), status: lastFlip.to, reason: lastFlip.reason };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNumberOrNull = (v: unknown): boolean => v === null || typeof v === 'number';
const isStatus = (v: unknown): boolean => typeof v === 'string' && (CAMERA_STATUSES as readonly string[]).includes(v);

function isPending(v: unknown): boolean {
  if (v === null) return true;
  return (
    isRecord(v) &&
    (v.status === 'up' || v.status === 'degraded' || v.status === 'down') &&
    typeof v.reason === 'string' &&
    typeof v.count === 'number' &&
    typeof v.firstAt === 'number'
  );
}

function isFlap(v: unknown): boolean {
  if (!isRecord(v) || !Array.isArray(v.recent)) return false;
  return v.recent.every((t) => typeof t === 'number') && isNumberOrNull(v.flappingSince);
}

/**
 * Check a stored state before trusting it. Returns null when it is not a machine state this
 * version understands, so the caller can fall back to `stateFromLastFlip`.
 */
export function parseMachineState(value: unknown): MachineState | null {
  if (!isRecord(value)) return null;
  const { cameraId, status, reason, since, pending, image, lastProbeAt, flap } = value;
  const ok =
    typeof cameraId === 'string' &&
    isStatus(status) &&
    typeof reason === 'string' &&
    typeof since === 'number' &&
    isPending(pending) &&
    (image === null || (isRecord(image) && typeof image.verdict === 'string' && typeof image.at === 'number')) &&
    isNumberOrNull(lastProbeAt) &&
    isFlap(flap);
  return ok ? (value as unknown as MachineState) : null;
}
