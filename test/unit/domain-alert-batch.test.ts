/**
 * `onFlips` is how the alert service takes in a burst of flips cheaply; it must be exactly
 * `onFlip` applied once per flip. Checked on seeded random histories with parents, shared
 * sites, mutes and flapping cameras, cut into batches at random.
 */
import { describe, expect, it } from 'vitest';
import { alertPolicy, initialAlertState, onFlip, onFlips, tick, type AlertAction, type AlertState, type CameraFacts } from '../../src/domain/alert-policy.js';
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
