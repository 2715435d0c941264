/**
 * Outage bookkeeping for the alert policy: folding flips into open outages, remembering camera
 * facts, and the questions every decision asks (is it muted, is a parent down, how to describe
 * it in a message).
 *
 * Pure. Works on a private copy of the state that alert-policy.ts made; must not decide what
 * to send.
 */
import { isBad, type Flip } from './status.js';
import type {
  ActionCamera,
  AlertPolicy,
  AlertState,
  CameraFacts,
  CameraTrack,
  OutageTrack,
} from './alert-types.js';

/** Restart bookkeeping says nothing about the camera, so it must not overwrite a real reason. */
const BOOKKEEPING = new Set(['monitor_offline', 'monitor_resumed']);

/** Whether rememberFacts would write anything new into this track. */
export function factsChange(track: CameraTrack, facts: CameraFacts): boolean {
  const flappingSince = facts.flappingSince ?? null;
  return (
    track.site !== facts.site ||
    track.agency !== (facts.agency ?? '') ||
    track.parentId !== (facts.parentId ?? null) ||
    track.graceSec !== (facts.graceSec ?? null) ||
    track.mutedUntil !== (facts.mutedUntil ?? null) ||
    track.siteMutedUntil !== (facts.siteMutedUntil ?? null) ||
    track.flappingSince !== flappingSince ||
    (flappingSince === null && track.flapAnnounced !== null)
  );
}

export function rememberFacts(state: AlertState, facts: CameraFacts): CameraTrack {
  const known = state.cameras[facts.id];
  const flappingSince = facts.flappingSince ?? null;
  const track: CameraTrack = {
    site: facts.site,
    agency: facts.agency ?? '',
    parentId: facts.parentId ?? null,
    graceSec: facts.graceSec ?? null,
    mutedUntil: facts.mutedUntil ?? null,
    siteMutedUntil: facts.siteMutedUntil ?? null,
    flappingSince,
    flapAnnounced: flappingSince === null ? null : (known?.flapAnnounced ?? null),
    status: known?.status ?? 'unknown',
    lastFlipAt: known?.lastFlipAt ?? null,
    outageId: known?.outageId ?? null,
  };
  state.cameras[facts.id] = track;
  return track;
}

/**
 * Fold one flip into the camera's outage. An outage opens at a flip into `down` or `degraded`
 * and ends at a flip to `up` or `paused`, exactly as uptime.ts counts them; `unknown` in
 * between (Pantau restarted) keeps it open, so a camera down before a restart and after it has
 * one outage, one alert and one recovery. A flip older than the last one applied, or the same
 * one again, is ignored, so re-reading the flip log after a crash is harmless.
 */
export function applyFlip(state: AlertState, track: CameraTrack, flip: Flip): void {
  const last = track.lastFlipAt;
  if (last !== null && (flip.at < last || (flip.at === last && flip.to === track.status))) return;
  track.status = flip.to;
  track.lastFlipAt = flip.at;
  const open = track.outageId === null ? undefined : state.outages[track.outageId];

  if (isBad(flip.to)) {
    if (open) {
      open.status = flip.to;
      open.lastBad = flip.to;
      if (flip.to === 'down') open.worst = 'down';
      if (!BOOKKEEPING.has(flip.reason)) open.reason = flip.reason;
      return;
    }
    const id = `${flip.cameraId}:${flip.at}`;
    state.outages[id] = {
      id,
      cameraId: flip.cameraId,
      start: flip.at,
      cause: flip.reason,
      status: flip.to,
      reason: flip.reason,
      worst: flip.to,
      lastBad: flip.to,
      end: null,
      endedBy: null,
      heldSince: null,
      waitUntil: null,
      alertedAt: null,
      alertKey: null,
      coveredBy: null,
      reminders: 0,
      escalatedAt: null,
      ack: null,
    };
    track.outageId = id;
    return;
  }
  if (!open) return;
  if (flip.to === 'unknown') {
    open.status = 'unknown';
    return;
  }
  open.end = flip.at;
  open.endedBy = flip.to === 'paused' ? 'paused' : 'up';
  track.outageId = null;
  // Nobody was told, and no parent's message will list it: nothing more to say.
  if (open.alertedAt === null && open.coveredBy === null) delete state.outages[open.id];
}

export function graceMs(track: CameraTrack, policy: AlertPolicy): number {
  const own = track.graceSec;
  const sec = own !== null && Number.isFinite(own) && own >= 0 ? own : policy.graceSec;
  return sec * 1000;
}

export function isMuted(track: CameraTrack, now: number): boolean {
  return (track.mutedUntil ?? -Infinity) > now || (track.siteMutedUntil ?? -Infinity) > now;
}

/**
 * The outage of the top-most device up the parent chain that is down, or null. The top-most,
 * so that behind a dead router the recorder and the cameras behind the recorder are all listed
 * in the router's message. `degraded` does not count: a router that answers still carries
 * traffic. The walk stops at a loop in the parent links.
 */
export function inhibitor(state: AlertState, cameraId: string): OutageTrack | null {
  // Parent chains are a few links long: a short array finds a loop without a Set per call
  // (this runs for every open outage on every decision).
  const seen = [cameraId];
  let found: OutageTrack | null = null;
  let parentId = state.cameras[cameraId]?.parentId ?? null;
  while (parentId !== null && !seen.includes(parentId)) {
    seen.push(parentId);
    const parent = state.cameras[parentId];
    if (!parent) break;
    const outage = parent.outageId === null ? undefined : state.outages[parent.outageId];
    if (outage && outage.lastBad === 'down') found = outage;
    parentId = parent.parentId;
  }
  return found;
}

export function siteOf(state: AlertState, outage: OutageTrack): string {
  return state.cameras[outage.cameraId]?.site ?? '';
}

/** placeOf per track object: tracks are shared between states until their facts change, so this saves a string per outage per decision. */
const places = new WeakMap<CameraTrack, string>();

/** What messages are grouped by: the site within its agency (see CameraFacts.agency). Tracks never change their site or agency in place (rememberFacts makes a new one). */
export function placeOf(track: CameraTrack | undefined): string {
  if (!track) return '';
  let place = places.get(track);
  if (place === undefined) {
    place = `${track.agency ?? ''}\u0000${track.site}`;
    places.set(track, place);
  }
  return place;
}


export const placeOfOutage = (state: AlertState, outage: OutageTrack): string => placeOf(state.cameras[outage.cameraId]);

export const durationSec = (from: number, to: number): number => Math.max(0, Math.round((to - from) / 1000));

export function describe(state: AlertState, outage: OutageTrack, now: number, behind: ActionCamera[] = []): ActionCamera {
  const track = state.cameras[outage.cameraId];
  const status = outage.endedBy ?? (outage.end === null ? (track?.status ?? outage.status) : 'up');
  return {
    cameraId: outage.cameraId,
    outageId: outage.id,
    status,
    cause: outage.cause,
    reason: outage.reason,
    worst: outage.worst,
    since: outage.start,
    end: outage.end,
    durationSec: durationSec(outage.start, outage.end ?? now),
    acknowledged: outage.ack,
    behind,
  };
}

/** Outages, open or ended, whose messages are spoken for by `outageId`, in a stable order. */
export function coveredBy(state: AlertState, outageId: string): OutageTrack[] {
  const behind: OutageTrack[] = [];
  for (const id in state.outages) {
    const o = state.outages[id]!;
    if (o.coveredBy === outageId) behind.push(o);
  }
  return sortOutages(behind);
}

export function sortOutages(outages: OutageTrack[]): OutageTrack[] {
  return outages.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function outageIdsOf(cameras: readonly ActionCamera[]): string[] {
  const ids = cameras.flatMap((c) => [c.outageId, ...c.behind.map((b) => b.outageId)]);
  return ids.filter((id): id is string => id !== null).sort();
}
