/**
 * The store's whole-fleet history queries, rewritten for speed (see BENCHMARKS.md, figure 4),
 * still answer what they did: open outages and the last flip before a time, checked against a
 * plain reading of the same random flips; and day sums over long windows, which are cached,
 * follow every change of day rollups.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rollup } from '../../src/domain/rollup.js';
import type { CameraStatus, Flip } from '../../src/domain/status.js';
import { openStore, type Store } from '../../src/store/index.js';
import { sumDayRollups } from '../../src/store/rollups.js';

const DAY = 86_400_000;
const STATUSES: CameraStatus[] = ['up', 'down', 'degraded', 'unknown', 'paused'];

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'pantau-queries-'));
  store = openStore(path.join(dir, 'pantau.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function cameras(n: number): string[] {
  const now = Date.now();
  return Array.from({ length: n }, (_, i) =>
    store.cameras.insert(
      { name: `c${i}`, site: 's', location: null, innovation: null, agency: 'a', owners: [], onvif: null, rtsp: { url: `rtsp://10.0.0.${i}/s`, username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 30, imageCheckIntervalSec: 300, alertGraceSec: 120, enabled: true, tags: [], parentId: null },
      now,
    ).id,
  );
}

function randomFlips(ids: string[], seed: number): Flip[] {
  let a = seed;
  const random = () => ((a = (a * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const flips: Flip[] = [];
  let at = 1_000;
  for (let k = 0; k < 400; k++) {
    at += Math.floor(random() * 3); // ties on purpose
    const to = STATUSES[Math.floor(random() * STATUSES.length)]!;
    flips.push({ cameraId: ids[Math.floor(random() * ids.length)]!, at, from: 'up', to, reason: to === 'down' ? 'unreachable' : to === 'degraded' ? 'frozen' : 'ok' });
  }
  return flips;
}

describe('whole-fleet flip queries', () => {
  it.each([1, 2, 3, 4, 5])('open outages: first bad flip after the last up or paused one (seed %i)', (seed) => {
    const ids = cameras(12);
    const flips = randomFlips(ids, seed);
    store.cameras.transaction(() => flips.forEach((f) => store.flips.insert(f)));
    const expected = new Map<string, { start: number; cause: string }>();
    for (const id of ids) {
      const mine = flips.filter((f) => f.cameraId === id);
      let lastGood = -1;
      mine.forEach((f, i) => {
        if (f.to === 'up' || f.to === 'paused') lastGood = i;
      });
      const first = mine.slice(lastGood + 1).find((f) => f.to === 'down' || f.to === 'degraded');
      if (first) expected.set(id, { start: first.at, cause: first.reason });
    }
    expect(store.flips.openOutages()).toEqual(expected);
  });

  it('the last flip of each camera before a time, and the flips after it', () => {
    const ids = cameras(6);
    const flips = randomFlips(ids, 9);
    store.cameras.transaction(() => flips.forEach((f) => store.flips.insert(f)));
    const t = flips[200]!.at;
    const all = store.flips.forWindowAll(t, t + 100);
    for (const id of ids) {
      const mine = flips.filter((f) => f.cameraId === id);
      expect(all.get(id)?.before ?? null).toEqual(mine.filter((f) => f.at < t).at(-1) ?? null);
      expect(all.get(id)?.flips ?? []).toEqual(mine.filter((f) => f.at >= t && f.at < t + 100));
    }
  });
});

describe('day sums over long windows', () => {
  const day = (cameraId: string, bucketStart: number, up: number): Rollup => ({
    cameraId, bucketStart, bucketSize: 'day', checks: 0, failures: 0,
    secondsByStatus: { up, degraded: 0, down: 86_400 - up, unknown: 0, paused: 0 },
    latencyMin: null, latencyMax: null, latencySum: 0, latencyCount: 0,
  });

  it('follow every change of day rollups, cached or not', () => {
    const [a, b] = cameras(2);
    store.rollups.upsertMany(Array.from({ length: 100 }, (_, d) => day(a!, d * DAY, 86_000)));
    const long = () => sumDayRollups(store.db, 0, 100 * DAY);
    expect(long().get(a!)).toMatchObject({ days: 100, up: 8_600_000 });
    expect(long().get(b!)).toBeUndefined();
    store.rollups.upsertMany([day(a!, 5 * DAY, 0), day(b!, 7 * DAY, 86_400)]);
    expect(long().get(a!)).toMatchObject({ days: 100, up: 8_514_000 });
    expect(long().get(b!)).toMatchObject({ days: 1, up: 86_400 });
    store.rollups.pruneBefore('day', 50 * DAY);
    expect(long().get(a!)).toMatchObject({ days: 50 });
    // The short-window and single-camera forms agree with the long one.
    expect(sumDayRollups(store.db, 50 * DAY, 100 * DAY, a).get(a!)).toEqual(long().get(a!));
    expect(sumDayRollups(store.db, 60 * DAY, 70 * DAY).get(a!)).toMatchObject({ days: 10, up: 860_000 });
  });
});
