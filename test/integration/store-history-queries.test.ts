/**
 * The store's whole-fleet history queries, rewritten for speed (see BENCHMARKS.md, figure 4),
 * still answer what they did: open outages and the last flip before a time, checked against a
 * plain reading of the same random flips; and day sums, taken from running totals, follow every
 * change of day rollups (days written out of order, rewritten, pruned) as a plain SUM would, over
 * one window for every camera or over a range per camera.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rollup } from '../../src/domain/rollup.js';
import type { CameraStatus, Flip } from '../../src/domain/status.js';
import { openStore, type Store } from '../../src/store/index.js';
import { sumDayRollupRanges, sumDayRollups } from '../../src/store/rollups.js';

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
      { name: `c${i}`, site: 's', location: null, innovation: null, agency: 'a', owners: [], onvif: null, rtsp: { url: `rtsp://10.0.0.${i}/s`, username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 30, imageCheckIntervalSec: 300, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null },
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

describe('day sums from running totals', () => {
  const day = (cameraId: string, bucketStart: number, up: number): Rollup => ({
    cameraId, bucketStart, bucketSize: 'day', checks: 0, failures: 0,
    secondsByStatus: { up, degraded: 0, down: 86_400 - up, unknown: 0, paused: 0 },
    latencyMin: null, latencyMax: null, latencySum: 0, latencyCount: 0,
  });

  it('follow every change of day rollups', () => {
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

  it.each([1, 2, 3, 4])('equal a plain SUM over random windows after random writes, rewrites and prunes (seed %i)', (seed) => {
    let x = seed * 7919;
    const random = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const ids = cameras(4);
    const seconds = () => {
      const up = Math.round(random() * 86_400_000) / 1000; // whole milliseconds, as rollups hold them
      const down = Math.round(random() * (86_400 - up) * 1000) / 1000;
      return { up, degraded: 0.001, down, unknown: Math.round((86_400 - up - down - 0.001) * 1000) / 1000, paused: 0 };
    };
    const write = (n: number) => {
      // Random days of random cameras in random order: gaps, days before others, rewrites.
      const rows = Array.from({ length: n }, (): Rollup => ({ ...day(ids[Math.floor(random() * ids.length)]!, Math.floor(random() * 60) * DAY, 0), secondsByStatus: seconds() }));
      store.rollups.upsertMany(rows);
    };
    const plain = (from: number, to: number) =>
      new Map(
        (
          store.db
            .prepare(
              `SELECT camera_id, count(*) AS days, sum(s_up) AS up, sum(s_degraded) AS degraded, sum(s_down) AS down, sum(s_unknown) AS unknown, sum(s_paused) AS paused
               FROM rollups WHERE size = 'day' AND bucket_start >= ? AND bucket_start < ? GROUP BY camera_id`,
            )
            .all(from, to) as { camera_id: string; days: number; up: number; degraded: number; down: number; unknown: number; paused: number }[]
        ).map(({ camera_id, ...sums }) => [camera_id, sums]),
      );
    const check = () => {
      for (let k = 0; k < 25; k++) {
        const from = Math.floor(random() * 65) * DAY - (k % 3 === 0 ? 3_600_000 : 0);
        const to = from + Math.floor(random() * 65) * DAY;
        const got = sumDayRollups(store.db, from, to);
        const want = plain(from, to);
        expect([...got.keys()].sort(), `cameras in [${from / DAY}, ${to / DAY})`).toEqual([...want.keys()].sort());
        for (const [id, w] of want) {
          const g = got.get(id)!;
          expect(g.days).toBe(w.days);
          for (const status of STATUSES) expect(g[status], `${status} of ${id} in [${from / DAY}, ${to / DAY})`).toBeCloseTo(w[status], 3);
        }
        const one = ids[k % ids.length]!;
        expect(sumDayRollups(store.db, from, to, one).get(one)).toEqual(got.get(one));
      }
      // A range per camera (the leadership report's partial months) agrees with a plain SUM over it.
      const ranges = Array.from({ length: 40 }, (_, k) => {
        const from = Math.floor(random() * 70) * DAY - (k % 4 === 0 ? 3_600_000 : 0);
        return { cameraId: ids[k % ids.length]!, from, to: from + Math.floor(random() * 40) * DAY };
      });
      const sums = sumDayRollupRanges(store.db, ranges);
      ranges.forEach((r, k) => {
        const w = plain(r.from, r.to).get(r.cameraId);
        const g = sums[k];
        expect(g?.days ?? 0, `days of ${r.cameraId} in [${r.from / DAY}, ${r.to / DAY})`).toBe(w?.days ?? 0);
        for (const status of STATUSES) expect(g?.[status] ?? 0).toBeCloseTo(w?.[status] ?? 0, 3);
      });
    };
    write(120);
    check();
    write(40); // mostly rewrites of days already there, and some days before the newest
    check();
    store.rollups.pruneBefore('day', 20 * DAY);
    check();
    write(30);
    check();
  });
});
