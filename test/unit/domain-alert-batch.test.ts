/**
 * `onFlips` is how the alert service takes in a burst of flips cheaply; it must be exactly
 * `onFlip` applied once per flip. Checked on seeded random histories with parents, shared
 * sites, mutes and flapping cameras, cut into batches at random.
 */
import { describe, expect, it } from 'vitest';
import { acknowledge, alertPolicy, cloneAlertState, initialAlertState, sameAlertState, onFlip, onFlips, tick, type AlertAction, type AlertState, type CameraFacts } from '../../src/domain/alert-policy.js';
import type { CameraStatus, Flip, FlipReason } from '../../src/domain/status.js';

const REASON: Record<CameraStatus, FlipReason> = { up: 'ok', down: 'unreachable', degraded: 'frozen', unknown: 'monitor_offline', paused: 'disabled' };
const STATUSES: CameraStatus[] = ['up', 'down', 'degraded', 'up', 'unknown', 'paused'];

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function history(seed: number) {
  const r = random(seed);
  const facts = new Map<string, CameraFacts>();
  for (let i = 0; i < 12; i++) {
    const id = `c${i}`;
    facts.set(id, {
      id,
      site: `s${i % 4}`,
      parentId: i >= 4 && r() < 0.4 ? `c${i % 4}` : null,
      graceSec: r() < 0.3 ? 0 : null,
      mutedUntil: r() < 0.15 ? 400_000 : null,
      flappingSince: r() < 0.25 ? 50_000 : null,
    });
  }
  const status = new Map<string, CameraStatus>();
  const flips: Flip[] = [];
  let at = 0;
  for (let k = 0; k < 150; k++) {
    at += Math.floor(r() * 20_000);
    const id = `c${Math.floor(r() * 12)}`;
    const from = status.get(id) ?? 'unknown';
    const to = STATUSES[Math.floor(r() * STATUSES.length)]!;
    if (to === from) continue;
    status.set(id, to);
    flips.push({ cameraId: id, at, from, to, reason: REASON[to] });
  }
  return { facts, flips, r };
}

describe('onFlips', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('gives the same state and actions as onFlip per flip (seed %i)', (seed) => {
    const { facts, flips, r } = history(seed);
    const policy = alertPolicy({ graceSec: 60, groupWindowSec: 30 });
    // A tick first, so the state tracks every camera (flapping ones included) as in the service.
    const start = tick(initialAlertState(), facts, 0, policy).state;
    let one: AlertState = start;
    const oneActions: AlertAction[] = [];
    for (const flip of flips) {
      const step = onFlip(one, flip, facts.get(flip.cameraId)!, policy);
      one = step.state;
      oneActions.push(...step.actions);
    }
    let batched: AlertState = start;
    const batchedActions: AlertAction[] = [];
    for (let i = 0; i < flips.length; ) {
      const n = 1 + Math.floor(r() * 40);
      const step = onFlips(batched, flips.slice(i, i + n).map((flip) => ({ flip, camera: facts.get(flip.cameraId)! })), policy);
      batched = step.state;
      batchedActions.push(...step.actions);
      i += n;
    }
    expect(batchedActions).toEqual(oneActions);
    expect(batched).toEqual(one);
    expect(oneActions.length).toBeGreaterThan(0);
  });

  it('leaves the state it was given untouched', () => {
    const { facts, flips } = history(9);
    const start = tick(initialAlertState(), facts, 0, alertPolicy()).state;
    const before = structuredClone(start);
    onFlips(start, flips.map((flip) => ({ flip, camera: facts.get(flip.cameraId)! })));
    expect(start).toEqual(before);
  });
});

describe('copies of the alert state', () => {
  const deepFreeze = <T>(o: T): T => {
    if (o && typeof o === 'object') {
      for (const v of Object.values(o)) deepFreeze(v);
      Object.freeze(o);
    }
    return o;
  };

  it('tick, onFlip, onFlips and acknowledge never touch the state they are given', () => {
    const { facts, flips } = history(11);
    // A state with open, alerted, covered and acknowledged outages: ticks through the history.
    let state = tick(initialAlertState(), facts, 0, alertPolicy()).state;
    for (const flip of flips) {
      state = onFlip(state, flip, facts.get(flip.cameraId)!, alertPolicy()).state;
      state = tick(state, facts, flip.at + 1, alertPolicy()).state;
    }
    const open = Object.values(state.outages).find((o) => o.end === null);
    expect(open).toBeDefined();
    state = acknowledge(state, open!.id, 'owner', flips.at(-1)!.at + 2);
    const before = structuredClone(state);
    deepFreeze(state);
    const later = flips.at(-1)!.at + 10 * 86_400_000;
    // Frozen objects throw on any write (modules run in strict mode).
    const fewer = new Map([...facts].slice(1)); // one camera deleted: its outages are forgotten
    expect(() => tick(state, fewer, later, alertPolicy())).not.toThrow();
    expect(() => tick(state, facts, later, alertPolicy())).not.toThrow();
    expect(() => onFlips(state, flips.slice(-5).map((flip) => ({ flip: { ...flip, at: later + flip.at }, camera: facts.get(flip.cameraId)! })))).not.toThrow();
    expect(() => acknowledge(state, Object.keys(state.outages)[0]!, 'head', later)).not.toThrow();
    expect(state).toEqual(before);
  });

  it('cloneAlertState gives an equal state that shares no object with the original', () => {
    const { facts, flips } = history(12);
    let state = tick(initialAlertState(), facts, 0, alertPolicy()).state;
    state = onFlips(state, flips.map((flip) => ({ flip, camera: facts.get(flip.cameraId)! })), alertPolicy()).state;
    const open = Object.values(state.outages)[0]!;
    state = acknowledge(state, open.id, 'owner', 1);
    const copy = cloneAlertState(state);
    expect(copy).toEqual(state);
    expect(copy).toEqual(structuredClone(state));
    for (const id in state.cameras) expect(copy.cameras[id]).not.toBe(state.cameras[id]);
    for (const id in state.outages) {
      expect(copy.outages[id]).not.toBe(state.outages[id]);
      if (state.outages[id]!.ack) expect(copy.outages[id]!.ack).not.toBe(state.outages[id]!.ack);
    }
  });
});

describe('sameAlertState', () => {
  it('agrees with comparing the serialised states, over every step of random histories', () => {
    for (const seed of [21, 22, 23]) {
      const { facts, flips } = history(seed);
      let prev = tick(initialAlertState(), facts, 0, alertPolicy()).state;
      let checked = 0;
      for (const flip of flips) {
        for (const next of [onFlip(prev, flip, facts.get(flip.cameraId)!, alertPolicy()).state, tick(prev, facts, flip.at + 60_000, alertPolicy()).state]) {
          expect(sameAlertState(prev, next), `seed ${seed}, flip at ${flip.at}`).toBe(JSON.stringify(prev) === JSON.stringify(next));
          expect(sameAlertState(next, cloneAlertState(next))).toBe(true);
          checked++;
          prev = next;
        }
      }
      expect(checked).toBeGreaterThan(20);
    }
  });

  it('sees a change in any one field, an acknowledgement, a track added or removed', () => {
    const { facts, flips } = history(24);
    const state = onFlips(tick(initialAlertState(), facts, 0, alertPolicy()).state, flips.map((flip) => ({ flip, camera: facts.get(flip.cameraId)! })), alertPolicy()).state;
    const outageId = Object.keys(state.outages)[0]!;
    const cameraId = Object.keys(state.cameras)[0]!;
    const edits: ((s: AlertState) => void)[] = [
      (s) => (s.cameras[cameraId]!.mutedUntil = 123),
      (s) => (s.outages[outageId]!.reminders += 1),
      (s) => (s.outages[outageId]!.ack = { by: 'x', at: 1 }),
      (s) => delete s.cameras[cameraId],
      (s) => (s.outages['extra'] = { ...s.outages[outageId]!, id: 'extra' }),
    ];
    for (const edit of edits) {
      const copy = cloneAlertState(state);
      edit(copy);
      expect(sameAlertState(state, copy)).toBe(false);
      expect(sameAlertState(copy, state)).toBe(false);
    }
    const acked = acknowledge(state, outageId, 'a', 5);
    const ackedOther = acknowledge(state, outageId, 'b', 5);
    expect(sameAlertState(acked, ackedOther)).toBe(false);
  });
});

describe('tick shares what it does not change', () => {
  it('leaves the state it was given as it was, on random histories with flapping cameras', () => {
    for (const seed of [11, 12, 13, 14]) {
      const { facts, flips } = history(seed);
      const policy = alertPolicy({ graceSec: 60, groupWindowSec: 30 });
      let state = tick(initialAlertState(), facts, 0, policy).state;
      for (const flip of flips) {
        state = onFlip(state, flip, facts.get(flip.cameraId)!, policy).state;
        const before = JSON.stringify(state);
        const kept = cloneAlertState(state);
        // The facts move under it too: a mute that ends, a camera that stops flapping.
        const moved = new Map([...facts].map(([id, f]) => [id, flip.at % 3 === 0 && id === flip.cameraId ? { ...f, flappingSince: null, mutedUntil: null } : f]));
        const next = tick(state, moved, flip.at + 1, policy).state;
        expect(JSON.stringify(state), `seed ${seed}: tick wrote into the state it was given`).toBe(before);
        onFlips(next, [{ flip: { ...flip, at: flip.at + 2 }, camera: moved.get(flip.cameraId)! }], policy);
        const nextBefore = JSON.stringify(next);
        onFlips(next, flips.filter((f) => f.at > flip.at).slice(0, 5).map((f) => ({ flip: f, camera: moved.get(f.cameraId)! })), policy);
        expect(JSON.stringify(next), `seed ${seed}: onFlips wrote into the state it was given`).toBe(nextBefore);
        expect(sameAlertState(state, kept)).toBe(true);
        state = next;
      }
    }
  });

  it('announces flapping once a mute ends without writing into the state it was given', () => {
    const facts = new Map<string, CameraFacts>([['c1', { id: 'c1', site: 's', flappingSince: 1_000, mutedUntil: 10_000 }]]);
    const policy = alertPolicy({ graceSec: 60 });
    const muted = tick(initialAlertState(), facts, 2_000, policy);
    expect(muted.actions).toEqual([]);
    const before = JSON.stringify(muted.state);
    const after = tick(muted.state, facts, 11_000, policy);
    expect(after.actions.map((a) => a.kind)).toEqual(['flapping']);
    expect(JSON.stringify(muted.state)).toBe(before);
    expect(tick(after.state, facts, 12_000, policy).actions).toEqual([]);
  });

  it('keeps the record of tracks when no camera changed, and a fresh one when one did', () => {
    const { facts } = history(21);
    const policy = alertPolicy({ graceSec: 60 });
    const settled = tick(tick(initialAlertState(), facts, 0, policy).state, facts, 1, policy).state;
    expect(tick(settled, facts, 2, policy).state.cameras).toBe(settled.cameras);
    const renamed = new Map(facts).set('c1', { ...facts.get('c1')!, site: 'elsewhere' });
    const after = tick(settled, renamed, 3, policy).state;
    expect(after.cameras).not.toBe(settled.cameras);
    expect(after.cameras.c1!.site).toBe('elsewhere');
    expect(settled.cameras.c1!.site).not.toBe('elsewhere');
  });
});
