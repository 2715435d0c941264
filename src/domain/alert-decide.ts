/**
 * The timed decisions of the alert policy, run after every flip and on every tick: recoveries
 * ready to go, flapping notices, alerts whose grace has passed (with their site's other dark cameras), then
 * reminders and escalations that have come due — in that order, so a router's recovery
 * releases the cameras still dark behind it and they are alerted in the same step.
 *
 * Pure. Mutates only the private copy of the state that alert-policy.ts hands it. Every key is
 * built from a message's first member — its outage id (`${cameraId}:${start}`), or for a
 * flapping notice the camera and when the flapping began — and each outage or flapping spell
 * is a member of at most one message of each sort (one per number for reminders), so keys never
 * repeat and a replay of the same flips and ticks rebuilds the same keys.
 */
import {
  coveredBy,
  describe,
  durationSec,
  graceMs,
  inhibitor,
  isMuted,
  outageIdsOf,
  placeOf,
  placeOfOutage,
  siteOf,
  sortOutages,
} from './alert-outages.js';
import type { ActionCamera, AlertAction, AlertPolicy, AlertState, CameraTrack, OutageTrack } from './alert-types.js';

/** Items grouped by place (site within agency: `placeOf`), in a stable order. */
function byPlace<T>(items: T[], place: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) push(groups, place(item), item);
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function push<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const group = groups.get(key);
  if (group) group.push(item);
  else groups.set(key, [item]);
}

function first<T>(items: readonly T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error('a message needs at least one member');
  return item;
}

/** Open outages in a stable order. A loop, not Object.values().filter(): decide runs twice per flip. */
function openOutages(state: AlertState): OutageTrack[] {
  const open: OutageTrack[] = [];
  for (const id in state.outages) {
    const o = state.outages[id]!;
    if (o.end === null) open.push(o);
  }
  return sortOutages(open);
}

/** A child whose parent stopped speaking for it is judged on its own again, without a group wait. */
function release(outage: OutageTrack, now: number): void {
  outage.coveredBy = null;
  outage.heldSince = now;
  outage.waitUntil = null;
}

function withBehind(state: AlertState, outage: OutageTrack, now: number): ActionCamera {
  const behind = coveredBy(state, outage.id).filter((b) => b.end === null);
  return describe(state, outage, now, behind.map((b) => describe(state, b, now)));
}

/**
 * Recoveries of alerted outages, gathered by site like alerts: the first waits up to the group
 * window for others, and goes out at once when nothing else at the site could still join (no
 * other alerted outage there is open, and nothing behind it is still dark). Devices behind a
 * recovered parent that came back are listed in its recovery; those still dark are released
 * and alerted on their own. Mute does not hold a recovery: whoever was told of the outage
 * should hear it is over, and the end also stops the reminders.
 */
function sendRecoveries(state: AlertState, open: readonly OutageTrack[], now: number, policy: AlertPolicy): AlertAction[] {
  const windowMs = policy.groupWindowSec * 1000;
  const ended: OutageTrack[] = [];
  for (const id in state.outages) {
    const o = state.outages[id]!;
    if (o.end !== null && o.alertedAt !== null) ended.push(o);
  }
  if (ended.length === 0) return [];
  // What could still join a place's recovery, found once rather than per place: an alerted
  // outage still open there, or something still dark behind one of its recovered outages (a
  // child's cover points into its parent's place only, so releases below change no other place).
  const alertedPlaces = new Set<string>();
  const covering = new Set<string>();
  for (const o of open) {
    if (o.alertedAt !== null) alertedPlaces.add(placeOfOutage(state, o));
    if (o.coveredBy !== null) covering.add(o.coveredBy);
  }
  const actions: AlertAction[] = [];
  for (const [place, outages] of byPlace(ended, (o) => placeOfOutage(state, o))) {
    const pending = outages.sort((a, b) => (a.end ?? 0) - (b.end ?? 0) || (a.id < b.id ? -1 : 1));
    const site = siteOf(state, first(pending));
    const mayJoin = alertedPlaces.has(place) || pending.some((o) => covering.has(o.id));
    if (mayJoin && now < (first(pending).end ?? now) + windowMs) continue;
    const cameras = pending.map((outage) => {
      const behind = coveredBy(state, outage.id);
      for (const b of behind) {
        if (b.end === null) release(b, now);
        else delete state.outages[b.id];
      }
      delete state.outages[outage.id];
      const back = behind.filter((b) => b.end !== null).map((b) => describe(state, b, now));
      return describe(state, outage, now, back);
    });
    const key = `${first(pending).id}:recovery`;
    actions.push({ key, kind: 'recovery', site, at: now, cameras, outageIds: outageIdsOf(cameras) });
  }
  return actions;
}

/**
 * One notice per flapping spell, gathered by site; held while muted. `flapping`, when given,
 * holds every camera whose track has `flappingSince` set (a superset is fine): visiting every
 * tracked camera costs about a millisecond per 10 000, too much to pay twice per flip.
 */
function announceFlapping(state: AlertState, now: number, flapping?: ReadonlySet<string>): AlertAction[] {
  const fresh: [string, CameraTrack][] = [];
  const consider = (id: string) => {
    const t = state.cameras[id];
    if (t && t.flappingSince !== null && t.flapAnnounced !== t.flappingSince && !isMuted(t, now)) fresh.push([id, t]);
  };
  if (flapping) flapping.forEach(consider);
  else for (const id in state.cameras) consider(id);
  fresh.sort(([a], [b]) => (a < b ? -1 : 1));
  return byPlace(fresh, ([, t]) => placeOf(t)).map(([, members]) => {
    const site = first(members)[1].site;
    const cameras = members.map(([cameraId, track]) => {
      const since = track.flappingSince ?? now;
      track.flapAnnounced = since;
      const outage = track.outageId === null ? undefined : state.outages[track.outageId];
      if (outage) return describe(state, outage, now);
      return {
        cameraId,
        outageId: null,
        status: track.status,
        cause: null,
        reason: null,
        worst: null,
        since,
        end: null,
        durationSec: durationSec(since, now),
        acknowledged: null,
        behind: [],
      } satisfies ActionCamera;
    });
    const [leadId, lead] = first(members);
    const key = `${leadId}:flapping:${lead.flappingSince ?? now}`;
    return { key, kind: 'flapping', site, at: now, cameras, outageIds: outageIdsOf(cameras) } satisfies AlertAction;
  });
}

/**
 * Why an outage past its grace is not alerted yet: Pantau does not know the camera's status,
 * it is muted, it is flapping (its notice speaks for it), or a device it depends on is down
 * (that device's alert will speak for it).
 */
function isHeld(state: AlertState, outage: OutageTrack, track: CameraTrack, now: number): boolean {
  return (
    outage.status === 'unknown' ||
    isMuted(track, now) ||
    track.flappingSince !== null ||
    inhibitor(state, outage.cameraId) !== null
  );
}

/**
 * Alerts. The grace is the grouping window: when the first outage of a site passes its grace,
 * one message goes out at once with every outage of the site open by then and not held —
 * those still within their own grace join it, since they failed within the first one's grace
 * (the site is going dark together). Nothing is added on top of the grace, so an alert leaves at
 * grace + one tick. A camera that fails after the message starts its own (a group once sent is
 * never amended). An outage that was held after its grace (mute ended, parent back, flapping
 * over, Pantau back) is ready at once: everything released at once goes in one message.
 */
function raiseAlerts(state: AlertState, open: readonly OutageTrack[], now: number, policy: AlertPolicy): AlertAction[] {
  // Two passes, because this runs twice per flip: the first finds the places where an outage is
  // past its grace (usually none, and it costs a comparison per outage); only then is each
  // outage's place worked out and its hold checked, to gather the places' messages.
  const ready = new Set<string>();
  for (const outage of open) {
    const track = state.cameras[outage.cameraId];
    if (!track || outage.alertedAt !== null || outage.coveredBy !== null) continue;
    if (now < outage.start + graceMs(track, policy)) {
      // Only states written by older versions hold a wait here.
      if (outage.waitUntil !== null && isHeld(state, outage, track, now)) outage.waitUntil = null;
      continue;
    }
    outage.waitUntil = null;
    if (isHeld(state, outage, track, now)) {
      outage.heldSince ??= now;
      continue;
    }
    outage.heldSince = null;
    ready.add(placeOfOutage(state, outage));
  }
  const waiting = new Map<string, OutageTrack[]>();
  if (ready.size > 0) {
    for (const outage of open) {
      const track = state.cameras[outage.cameraId];
      if (!track || outage.alertedAt !== null || outage.coveredBy !== null) continue;
      const place = placeOfOutage(state, outage);
      if (!ready.has(place)) continue;
      if (isHeld(state, outage, track, now)) {
        outage.waitUntil = null;
        continue;
      }
      push(waiting, place, outage);
    }
  }

  const sent: { site: string; key: string; members: OutageTrack[] }[] = [];
  for (const [, members] of [...waiting.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const site = siteOf(state, first(members));
    const key = `${first(members).id}:alert`;
    for (const o of members) {
      o.alertedAt = now;
      o.alertKey = key;
      o.waitUntil = null;
    }
    sent.push({ site, key, members });
  }
  coverBehindAlerted(state, open);

  return sent.map(({ site, key, members }) => {
    const cameras = members.map((o) => withBehind(state, o, now));
    const kind = cameras.length > 1 ? 'group' : 'alert';
    return { key, kind, site, at: now, cameras, outageIds: outageIdsOf(cameras) } satisfies AlertAction;
  });
}

/**
 * A dark device whose top-most down parent has been alerted is spoken for by that parent from
 * now until the parent's recovery — also when it went dark after the parent's message.
 */
function coverBehindAlerted(state: AlertState, open: readonly OutageTrack[]): void {
  for (const outage of open) {
    if (outage.alertedAt !== null || outage.coveredBy !== null) continue;
    const parent = inhibitor(state, outage.cameraId);
    if (parent?.alertedAt == null) continue;
    outage.coveredBy = parent.id;
    outage.heldSince = null;
    outage.waitUntil = null;
  }
}

/**
 * Reminders every `reminderEverySec` after the alert, at most `maxReminders`, and one
 * escalation after `escalateAfterSec`; none once acknowledged. While muted, flapping or
 * unknown they wait; then only the latest reminder due goes out (its number says which), so a
 * long mute or a crash never releases a burst. Outages alerted by one message are reminded and
 * escalated together in one message.
 */
function followUp(state: AlertState, open: readonly OutageTrack[], now: number, policy: AlertPolicy): AlertAction[] {
  const everyMs = policy.reminderEverySec * 1000;
  const escalateMs = policy.escalateAfterSec === null ? null : policy.escalateAfterSec * 1000;
  const reminders = new Map<string, OutageTrack[]>();
  const escalations = new Map<string, OutageTrack[]>();
  for (const outage of open) {
    const track = state.cameras[outage.cameraId];
    if (!track || outage.alertedAt === null || outage.ack !== null) continue;
    if (outage.status === 'unknown' || isMuted(track, now) || track.flappingSince !== null) continue;
    const elapsed = now - outage.alertedAt;
    const n = Math.min(policy.maxReminders, Math.floor(elapsed / everyMs));
    if (n > outage.reminders) {
      outage.reminders = n;
      push(reminders, `${outage.alertKey ?? outage.id}:${n}`, outage);
    }
    if (escalateMs !== null && outage.escalatedAt === null && elapsed >= escalateMs) {
      outage.escalatedAt = now;
      push(escalations, outage.alertKey ?? outage.id, outage);
    }
  }
  const message = (kind: 'reminder' | 'escalation', members: OutageTrack[], suffix: string): AlertAction => {
    const lead = first(members);
    const cameras = members.map((o) => withBehind(state, o, now));
    const key = `${lead.id}:${suffix}`;
    return { key, kind, site: siteOf(state, lead), at: now, cameras, outageIds: outageIdsOf(cameras) };
  };
  return [
    ...[...reminders.values()].map((members) => {
      const n = first(members).reminders;
      return { ...message('reminder', members, `reminder:${n}`), reminder: n };
    }),
    ...[...escalations.values()].map((members) => message('escalation', members, 'escalation')),
  ];
}

/** `flapping`: the cameras whose track has `flappingSince` set, when the caller keeps them (see announceFlapping). */
export function decide(state: AlertState, now: number, policy: AlertPolicy, flapping?: ReadonlySet<string>): AlertAction[] {
  // The open outages, found once: no step below opens or ends one (recoveries delete only ended ones).
  const open = openOutages(state);
  return [
    ...sendRecoveries(state, open, now, policy),
    ...announceFlapping(state, now, flapping),
    ...raiseAlerts(state, open, now, policy),
    ...followUp(state, open, now, policy),
  ];
}
