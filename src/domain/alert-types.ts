/**
 * The vocabulary of the alert policy (alert-policy.ts): its settings, the camera facts it is
 * given, the actions it asks the caller to send, and the state it keeps between calls.
 *
 * Pure data. The state must stay plain JSON — records, not Maps; numbers, not Dates — because
 * the caller stores it next to the outbox after every step and restores it after a crash.
 */
import type { BadStatus, CameraStatus, FlipReason } from './status.js';

export interface AlertPolicy {
  /** Seconds a camera must stay down or degraded before it is alerted; a camera's own `graceSec` wins. @defaultValue 120 */
  graceSec: number;
  /**
   * Seconds a site's first recovery waits for the site's other alerted cameras to come back, so
   * a site that comes back sends one message. Alerts do not wait for it: a site's cameras that
   * go dark within the first one's grace join its alert, with nothing added on top of the
   * grace. @defaultValue 60
   */
  groupWindowSec: number;
  /** Seconds between reminders while an alerted outage is unacknowledged. @defaultValue 21_600 (6 h) */
  reminderEverySec: number;
  /** Reminders per outage; after them the outage gets a line in the daily digest. @defaultValue 4 */
  maxReminders: number;
  /** Seconds after its alert an unacknowledged outage escalates; null never escalates. @defaultValue 86_400 (24 h) */
  escalateAfterSec: number | null;
}

export const DEFAULT_ALERT_POLICY: Readonly<AlertPolicy> = Object.freeze({
  graceSec: 120,
  groupWindowSec: 60,
  reminderEverySec: 21_600,
  maxReminders: 4,
  escalateAfterSec: 86_400,
});

export function alertPolicy(overrides: Partial<AlertPolicy> = {}): AlertPolicy {
  const policy: AlertPolicy = { ...DEFAULT_ALERT_POLICY, ...overrides };
  const nonNegative = (name: string, value: number): void => {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
  };
  nonNegative('graceSec', policy.graceSec);
  nonNegative('groupWindowSec', policy.groupWindowSec);
  if (!(policy.reminderEverySec > 0)) throw new RangeError(`reminderEverySec must be > 0, got ${policy.reminderEverySec}`);
  if (!Number.isInteger(policy.maxReminders) || policy.maxReminders < 0) {
    throw new RangeError(`maxReminders must be a whole number ≥ 0, got ${policy.maxReminders}`);
  }
  if (policy.escalateAfterSec !== null) nonNegative('escalateAfterSec', policy.escalateAfterSec);
  return policy;
}

/** What the policy needs to know about a camera (or router, recorder) besides its flips. */
export interface CameraFacts {
  id: string;
  site: string;
  /**
   * The agency (OPD) the camera belongs to. Cameras are grouped by site within their agency: one
   * site name in two agencies is two places, so a camera named after another agency's site never
   * joins that agency's messages. @defaultValue ''
   */
  agency?: string;
  /** The router or recorder this device depends on; a record the policy also gets flips for. */
  parentId?: string | null;
  /** Overrides the policy's grace; a negative or non-finite value counts as the default. */
  graceSec?: number | null;
  /** Epoch ms; nothing is sent about this camera before then (maintenance). */
  mutedUntil?: number | null;
  /** Epoch ms; the site's own mute, which covers every camera of the site. */
  siteMutedUntil?: number | null;
  /** The status machine's `flap.flappingSince`; non-null while the camera is flapping. */
  flappingSince?: number | null;
}

export type AlertActionKind = 'alert' | 'group' | 'recovery' | 'reminder' | 'escalation' | 'flapping';

export interface Acknowledgement {
  by: string;
  at: number;
}

/** One camera as a message speaks of it. */
export interface ActionCamera {
  cameraId: string;
  /** Null only in a flapping notice for a camera that is not in an outage right now. */
  outageId: string | null;
  /** Status now; in a recovery, how the outage ended: `up`, or `paused` when an admin disabled it. */
  status: CameraStatus;
  /** Reason of the flip that opened the outage. */
  cause: FlipReason | null;
  /** Reason of the latest status change inside the outage. */
  reason: FlipReason | null;
  worst: BadStatus | null;
  /** Outage start (in a flapping notice without an outage: when flapping began). */
  since: number;
  /** Recoveries only: when the outage ended. */
  end: number | null;
  /** Up to the action's `at`, or to `end` in a recovery. */
  durationSec: number;
  acknowledged: Acknowledgement | null;
  /** Devices behind this one (its parent chain leads here) that are held back and spoken for by this message. */
  behind: ActionCamera[];
}

/** A message the caller writes to its outbox; `key` lets the outbox refuse a second copy. */
export interface AlertAction {
  /** Deterministic from stored data, e.g. `cam-1:1700000000000:alert`, `…:reminder:2`. */
  key: string;
  /** `alert` speaks of one device (and those behind it), `group` of several at one site. */
  kind: AlertActionKind;
  site: string;
  /** The policy's clock when the action was decided. */
  at: number;
  cameras: ActionCamera[];
  /** Every outage the message speaks for, those behind included, sorted. */
  outageIds: string[];
  /** Reminders only: 1 … maxReminders. */
  reminder?: number;
}

/** Per camera: its last known facts and status. */
export interface CameraTrack {
  site: string;
  /** Absent in states saved before cameras were grouped by agency and site. */
  agency?: string;
  parentId: string | null;
  graceSec: number | null;
  mutedUntil: number | null;
  siteMutedUntil: number | null;
  flappingSince: number | null;
  /** The `flappingSince` already announced, so one flapping spell gives one notice. */
  flapAnnounced: number | null;
  status: CameraStatus;
  lastFlipAt: number | null;
  /** The open outage, if any. */
  outageId: string | null;
}

/**
 * An outage the policy still has business with: open, or ended with a recovery (or a listing
 * behind its parent's recovery) still to send. Forgotten once nothing more can be said of it.
 */
export interface OutageTrack {
  /** `${cameraId}:${start}`: the same after a replay of the same flips. */
  id: string;
  cameraId: string;
  start: number;
  cause: FlipReason;
  /** `unknown` while Pantau was away in the middle of it. */
  status: BadStatus | 'unknown';
  reason: FlipReason;
  worst: BadStatus;
  /** The last bad status seen, kept through `unknown`. */
  lastBad: BadStatus;
  end: number | null;
  endedBy: 'up' | 'paused' | null;
  /** First time it was seen held back (muted, flapping, parent down, unknown) after its grace. */
  heldSince: number | null;
  /** When it may go out without waiting longer for others of its site; null until ready. */
  waitUntil: number | null;
  alertedAt: number | null;
  /** Key of the message that alerted it; reminders of one message go out together. */
  alertKey: string | null;
  /** Outage of the parent whose messages speak for this one (it is never alerted itself). */
  coveredBy: string | null;
  /** Number of the last reminder sent. */
  reminders: number;
  escalatedAt: number | null;
  ack: Acknowledgement | null;
}

export interface AlertState {
  version: 1;
  cameras: Record<string, CameraTrack>;
  outages: Record<string, OutageTrack>;
}

export interface AlertStep {
  state: AlertState;
  actions: AlertAction[];
}

export function initialAlertState(): AlertState {
  return { version: 1, cameras: {}, outages: {} };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOrNull = (v: unknown): boolean => v === null || typeof v === 'number';
const strOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

function isCameraTrack(v: unknown): boolean {
  return (
    isRecord(v) &&
    typeof v.site === 'string' &&
    (v.agency === undefined || typeof v.agency === 'string') &&
    strOrNull(v.parentId) &&
    [v.graceSec, v.mutedUntil, v.siteMutedUntil, v.flappingSince, v.flapAnnounced, v.lastFlipAt].every(numOrNull) &&
    typeof v.status === 'string' &&
    strOrNull(v.outageId)
  );
}

function isOutageTrack(v: unknown): boolean {
  return (
    isRecord(v) &&
    [v.id, v.cameraId, v.cause, v.status, v.reason, v.worst, v.lastBad].every((x) => typeof x === 'string') &&
    typeof v.start === 'number' &&
    typeof v.reminders === 'number' &&
    [v.end, v.heldSince, v.waitUntil, v.alertedAt, v.escalatedAt].every(numOrNull) &&
    [v.endedBy, v.alertKey, v.coveredBy].every(strOrNull) &&
    (v.ack === null || (isRecord(v.ack) && typeof v.ack.by === 'string' && typeof v.ack.at === 'number'))
  );
}

/**
 * Check a stored state before trusting it. Null when this version does not understand it; the
 * caller then starts from `initialAlertState()` and replays the flips of open outages.
 */
export function parseAlertState(value: unknown): AlertState | null {
  if (!isRecord(value) || value.version !== 1 || !isRecord(value.cameras) || !isRecord(value.outages)) return null;
  const ok = Object.values(value.cameras).every(isCameraTrack) && Object.values(value.outages).every(isOutageTrack);
  return ok ? (value as unknown as AlertState) : null;
}
