/**
 * Upgrading a database written before check counts and running totals (migration 0004): raw
 * results become hour counts (so hours not rolled yet keep their checks), minute rollups go, and
 * day rollups get running totals that answer day sums exactly as a plain SUM does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { sumDayRollups } from '../../src/store/rollups.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function databaseBefore0004(): Db {
  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-migrate-'));
  dirs.push(dir);
  const before = MIGRATIONS.findIndex((m) => m.id === '2026-11-29-0004-tallies');
  expect(before).toBeGreaterThan(0);
  return openDatabase(path.join(dir, 'pantau.db'), MIGRATIONS.slice(0, before));
}

it('turns raw results into hour counts, drops minute rollups and gives day rollups running totals', () => {
  const db = databaseBefore0004();
  const camera = (id: string) =>
    db
      .prepare(
        `INSERT INTO cameras (id, name, site, agency, created_at, updated_at) VALUES (?, ?, 'S', 'A', 0, 0)`,
      )
      .run(id, id);
  camera('a');
  camera('b');
  const raw = db.prepare(`INSERT INTO probe_results (camera_id, at, kind, status, reason, ok, latency_ms, layers) VALUES (?, ?, 'liveness', ?, 'x', ?, ?, '{}')`);
  const t0 = 100 * DAY;
  for (let i = 0; i < 150; i++) raw.run('a', t0 + i * 30_000, i % 15 === 0 ? 'down' : 'up', i % 15 === 0 ? 0 : 1, i % 15 === 0 ? null : 2 + (i % 4));
  raw.run('b', t0 + 5, 'up', 1, 7);
  const rollup = db.prepare(
    `INSERT INTO rollups (camera_id, size, bucket_start, checks, failures, s_up, s_degraded, s_down, s_unknown, s_paused, latency_min, latency_max, latency_sum, latency_count)
     VALUES (?, ?, ?, 0, 0, ?, 0, ?, 0, 0, NULL, NULL, 0, 0)`,
  );
  rollup.run('a', 'minute', t0, 60, 0);
  rollup.run('a', 'hour', t0, 3600, 0);
  const days = [0, 1, 2, 5, 6, 9].map((d) => ({ d, up: 86_400 - d * 1000 - 0.25 }));
  for (const { d, up } of days) {
    rollup.run('a', 'day', d * DAY, up, 86_400 - up);
    rollup.run('b', 'day', (d + 1) * DAY, 86_400, 0);
  }
  db.prepare("INSERT INTO markers (name, value) VALUES ('rollup.minute', ?)").run(t0);

  expect(migrate(db, MIGRATIONS)).toContain('2026-11-29-0004-tallies');

  const counts = db.prepare('SELECT * FROM check_counts ORDER BY camera_id, bucket_start').all();
  expect(counts).toEqual([
    { camera_id: 'a', bucket_start: t0, checks: 120, failures: 8, latency_min: 2, latency_max: 5, latency_sum: expect.any(Number), latency_count: 112 },
    { camera_id: 'a', bucket_start: t0 + HOUR, checks: 30, failures: 2, latency_min: 2, latency_max: 5, latency_sum: expect.any(Number), latency_count: 28 },
    { camera_id: 'b', bucket_start: t0, checks: 1, failures: 0, latency_min: 7, latency_max: 7, latency_sum: 7, latency_count: 1 },
  ]);
  const latencySum = (from: number, to: number) => {
    let sum = 0;
    for (let i = from; i < to; i++) if (i % 15 !== 0) sum += 2 + (i % 4);
    return sum;
  };
  expect((counts[0] as { latency_sum: number }).latency_sum).toBe(latencySum(0, 120));
  expect((counts[1] as { latency_sum: number }).latency_sum).toBe(latencySum(120, 150));
  expect(db.prepare('SELECT count(*) FROM probe_results').pluck().get()).toBe(0);
  expect(db.prepare("SELECT count(*) FROM rollups WHERE size = 'minute'").pluck().get()).toBe(0);
  expect(db.prepare("SELECT count(*) FROM rollups WHERE size = 'hour'").pluck().get()).toBe(1);
  expect(db.prepare("SELECT value FROM markers WHERE name = 'rollup.minute'").get()).toBeUndefined();

  for (const [from, to] of [[0, 10 * DAY], [DAY, 6 * DAY], [3 * DAY, 5 * DAY], [2 * DAY, 3 * DAY], [0, 11 * DAY]] as const) {
    const want = days.filter(({ d }) => d * DAY >= from && d * DAY < to);
    const got = sumDayRollups(db, from, to).get('a');
    if (want.length === 0) expect(got).toBeUndefined();
    else expect(got).toEqual({ days: want.length, up: want.reduce((s, x) => s + x.up, 0), degraded: 0, down: want.reduce((s, x) => s + 86_400 - x.up, 0), unknown: 0, paused: 0 });
    expect(sumDayRollups(db, from, to).get('b')?.days).toBe(days.filter(({ d }) => (d + 1) * DAY >= from && (d + 1) * DAY < to).length || undefined);
  }
  db.close();
});
