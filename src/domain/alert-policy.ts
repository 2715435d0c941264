/**
 * The alert policy: turns stored flips, camera facts, acknowledgements and the clock into the
 * messages to send — alerts after a grace period, grouped by site, held back behind a dead
 * parent, recoveries with their duration, capped reminders, one escalation — and the state to
 * keep for next time. Modelled on Healthchecks' flip outbox and Alertmanager's grouping and
 * inhibition rather than a per-check resend counter.
 *
 * Pure and replayable: no I/O, no timers, the clock is a parameter, and the state is plain
 * JSON. The caller writes the actions to its outbox (each `key` at most once) in the same
 * transaction as the new state; after a crash it restores the state and goes on, and whatever
 * it replays produces the same keys, so nothing is lost or sent twice. Must not decide who
 * receives a message or how it is worded: that is the notifiers' business.
 *
 * Decisions worth knowing (the details are next to the code in alert-decide.ts):
 * - An outage is `${cameraId}:${start}` and lives from a flip into down/degraded to a flip to
 *   up or paused. Degraded↔down inside it changes its status, sends nothing; restart flips
 *   (`monitor_offline`/`monitor_resumed`) keep it open, send nothing.
 * - A camera ready after its site's message went out gets a message of its own, not a follow-up.
 * - A site is a place within an agency: cameras of two agencies that share a site name are
 *   grouped apart, so naming a camera's site after another agency's site joins nothing of theirs.
 * - A recovery is sent even while muted or flapping, for an outage that was alerted; an outage
 *   that was never alerted (within grace, muted throughout, held behind its parent) ends
 *   silently, or listed in its parent's recovery.
 * - A flapping camera gets one notice per spell and no alerts or reminders while it flaps; if
 *   still dark when it settles, its outage is alerted then.
 * - Escalation and reminders count from the alert, not the outage start: nobody could
 *   acknowledge before being told.
 */
import { decide } from './alert-decide.js';
import { applyFlip, coveredBy, describe, factsChange, isMuted, rememberFacts } from './alert-outages.js';
import {
  DEFAULT_ALERT_POLICY,
  type ActionCamera,
  type AlertPolicy,
  type AlertState,
  type AlertStep,
  type CameraFacts,
  type CameraTrack,
  type OutageTrack,
} from './alert-types.js';
import type { Flip } from './status.js';

export * from './alert-types.js';

/**
 * Apply one stored flip. The flip's own `at` is the clock: what was due before it is decided
 * first (as if a tick had run just then), then the flip is folded in and what it causes is
 * decided. So a backlog of flips read late — after a crash — gives the messages live handling
 * would have given: a camera down for ten minutes and back is alerted and recovered, one back
 * within grace sends nothing. Apply stored flips before ticking past them.
 */
export function onFlip(
  state: AlertState,
  flip: Flip,
  camera: CameraFacts,
  policy: AlertPolicy = DEFAULT_ALERT_POLICY,
): AlertStep {
  if (flip.cameraId !== camera.id) {
    throw new Error(`flip of camera ${flip.cameraId} given with the facts of camera ${camera.id}`);
  }
  const next = cloneAlertState(state);
  return { state: next, actions: applyInPlace(next, flip, camera, policy) };
}

/**
 * Apply stored flips in order: the same state and actions as calling `onFlip` once per flip,
 * but the state is copied once for the whole batch rather than once per flip. Copying is what
 * a flip costs when thousands of cameras are tracked, so a burst of flips (every camera after
 * a start, a district losing power) must not pay it for each one.
 */
export function onFlips(
  state: AlertState,
  items: readonly { flip: Flip; camera: CameraFacts }[],
  policy: AlertPolicy = DEFAULT_ALERT_POLICY,
): AlertStep {
  // Copy on write: a flip replaces its camera's track (rememberFacts builds a fresh one), and
  // decide() writes only to tracks whose flapping is unannounced, copied here; every other
  // track is shared with `state`. A deep copy per batch cost a tenth of the ingest at 10 000.
  const next: AlertState = { version: state.version, cameras: { ...state.cameras }, outages: cloneOutages(state.outages) };
  // The flapping cameras, found once and kept up to date, so a flip does not visit every camera.
  const flapping = new Set<string>();
  for (const id in next.cameras) {
    const track = next.cameras[id]!;
    if (track.flappingSince === null) continue;
    flapping.add(id);
    if (track.flapAnnounced !== track.flappingSince) next.cameras[id] = { ...track };
  }
  const actions: AlertStep['actions'] = [];
  for (const { flip, camera } of items) {
    if (flip.cameraId !== camera.id) {
      throw new Error(`flip of camera ${flip.cameraId} given with the facts of camera ${camera.id}`);
    }
    // Copied, because later flips of the batch mutate the state these actions were read from.
    actions.push(...structuredClone(applyInPlace(next, flip, camera, policy, flapping)));
  }
  return { state: next, actions };
}

function applyInPlace(next: AlertState, flip: Flip, camera: CameraFacts, policy: AlertPolicy, flapping?: Set<string>): AlertStep['actions'] {
  const track = rememberFacts(next, camera);
  if (flapping && track.flappingSince !== null) flapping.add(camera.id);
  else flapping?.delete(camera.id);
  const due = decide(next, flip.at, policy, flapping);
  applyFlip(next, track, flip);
  return [...due, ...decide(next, flip.at, policy, flapping)];
}

/**
 * Advance the clock: grace and group windows that ran out, mutes that ended, reminders and
 * escalations due. `cameras` must hold every camera, router and recorder, keyed by id; one missing is taken
 * as deleted: its outages are dropped without a message and devices behind it are judged on
 * their own.
 */
export function tick(
  state: AlertState,
  cameras: ReadonlyMap<string, CameraFacts>,
  now: number,
  policy: AlertPolicy = DEFAULT_ALERT_POLICY,
): AlertStep {
  // Copy on write: a tick usually changes no camera's facts, and copying every track (or even
  // the record of tracks) every 5 s at 10 000 cameras made a tenth of Pantau's garbage. Tracks
  // are shared with `state` until one must change; decide() below writes only to tracks of
  // cameras whose flapping is unannounced, and those are always fresh copies.
  const next: AlertState = { version: state.version, cameras: state.cameras, outages: cloneOutages(state.outages) };
  let owned = false;
  const own = (): void => {
    if (!owned) next.cameras = { ...state.cameras };
    owned = true;
  };
  // The flapping cameras, for decide(): enumerating a record of 10 000 tracks costs more than
  // anything else a tick does, so it is done only when a camera may have been deleted.
  const flapping = new Set<string>();
  let tracked = 0;
  for (const facts of cameras.values()) {
    const known = state.cameras[facts.id];
    if (known) tracked++;
    if ((facts.flappingSince ?? null) !== null) flapping.add(facts.id);
    if (known && !factsChange(known, facts) && !(known.flappingSince !== null && known.flapAnnounced !== known.flappingSince)) continue;
    own();
    rememberFacts(next, facts);
  }
  if (tracked < trackCount(state.cameras)) {
    for (const id in state.cameras) {
      if (cameras.has(id)) continue;
      own();
      forget(next, id, now);
    }
  }
  return { state: next, actions: decide(next, now, policy, flapping) };
}

/** Tracks in a record, counted once per record: a state's records never change once it is returned. */
const trackCounts = new WeakMap<Record<string, CameraTrack>, number>();
function trackCount(tracks: Record<string, CameraTrack>): number {
  let n = trackCounts.get(tracks);
  if (n === undefined) {
    n = 0;
    for (const _ in tracks) n++;
    trackCounts.set(tracks, n);
  }
  return n;
}

/**
 * A deep copy of the state. Its shape is flat (tracks of plain values, an acknowledgement), so
 * spreading it is several times faster than structuredClone and leaves far less garbage.
 */
export function cloneAlertState(state: AlertState): AlertState {
  const cameras: Record<string, CameraTrack> = {};
  for (const id in state.cameras) cameras[id] = { ...state.cameras[id]! };
  return { version: state.version, cameras, outages: cloneOutages(state.outages) };
}

/**
 * Whether two states hold the same tracks and outages, compared field by field: the service
 * asks after every tick whether there is anything to save, and serialising a large fleet's
 * state to compare the text made more garbage than anything else it did.
 */
export function sameAlertState(a: AlertState, b: AlertState): boolean {
  if (a === b) return true;
  return a.version === b.version && (a.cameras === b.cameras || sameRecords(a.cameras, b.cameras, sameFlat)) && sameRecords(a.outages, b.outages, sameOutage);
}

function sameRecords<T>(a: Record<string, T>, b: Record<string, T>, same: (x: T, y: T) => boolean): boolean {
  let n = 0;
  for (const id in a) {
    const y = b[id];
    if (y === undefined || !same(a[id]!, y)) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function sameFlat(x: object, y: object): boolean {
  if (x === y) return true;
  const xs = x as Record<string, unknown>;
  const ys = y as Record<string, unknown>;
  let n = 0;
  for (const k in xs) {
    if (xs[k] !== ys[k]) return false;
    n++;
  }
  for (const _ in ys) n--;
  return n === 0;
}

function sameOutage(x: OutageTrack, y: OutageTrack): boolean {
  if (x === y) return true;
  const { ack: xa, ...xr } = x;
  const { ack: ya, ...yr } = y;
  return sameFlat(xr, yr) && (xa === ya || (xa !== null && ya !== null && sameFlat(xa, ya)));
}

function cloneOutages(outages: Record<string, OutageTrack>): Record<string, OutageTrack> {
  const copy: Record<string, OutageTrack> = {};
  for (const id in outages) {
    const o = outages[id]!;
    copy[id] = { ...o, ack: o.ack && { ...o.ack } };
  }
  return copy;
}

function forget(state: AlertState, cameraId: string, now: number): void {
  const gone = Object.values(state.outages).filter((o) => o.cameraId === cameraId);
  for (const outage of gone) {
    for (const child of coveredBy(state, outage.id)) {
      if (child.end !== null) delete state.outages[child.id];
      else Object.assign(child, { coveredBy: null, heldSince: now, waitUntil: null });
    }
    delete state.outages[outage.id];
  }
  delete state.cameras[cameraId];
}

/**
 * Record that someone took an outage on: its reminders and escalation stop; its recovery is
 * still sent. The first acknowledgement stands. Returns the same state object when the outage
 * is unknown (already over and sent) or already acknowledged.
 */
export function acknowledge(state: AlertState, outageId: string, by: string, now: number): AlertState {
  const outage = state.outages[outageId];
  if (!outage || outage.ack !== null) return state;
  const next = cloneAlertState(state);
  const target = next.outages[outageId];
  if (target) target.ack = { by, at: now };
  return next;
}

/** The open outage of a camera, to acknowledge it or show it; null when the camera is fine. */
export function openOutageOf(state: AlertState, cameraId: string): OutageTrack | null {
  const id = state.cameras[cameraId]?.outageId;
  return id == null ? null : (state.outages[id] ?? null);
}

export interface DigestLine extends ActionCamera {
  site: string;
}

/**
 * Outages that need a line in the daily digest: alerted, still open, and no longer reminded
 * about — the reminders ran out, or someone acknowledged it. Muted cameras are left out
 * (maintenance is expected to be dark). Sorted by site, then start.
 */
export function digestLines(state: AlertState, now: number, policy: AlertPolicy = DEFAULT_ALERT_POLICY): DigestLine[] {
  const remindedUntil = (o: OutageTrack): number =>
    (o.alertedAt ?? 0) + policy.reminderEverySec * 1000 * policy.maxReminders;
  return Object.values(state.outages)
    .filter((o) => {
      const track = state.cameras[o.cameraId];
      if (!track || o.end !== null || o.alertedAt === null || isMuted(track, now)) return false;
      return o.ack !== null || now >= remindedUntil(o);
    })
    .map((o) => {
      const behind = coveredBy(state, o.id).filter((b) => b.end === null);
      const camera = describe(state, o, now, behind.map((b) => describe(state, b, now)));
      return { ...camera, site: state.cameras[o.cameraId]?.site ?? '' };
    })
    .sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : a.since - b.since));
}
