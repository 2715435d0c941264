/**
 * Minute, hour and day rollups per camera, and the markers that say how far rolling has got
 * (and when the monitor was last alive). Upserts make re-rolling a bucket idempotent. Sums of
 * day rollups over long windows are kept until a day rollup changes: whole days change once a
 * night, and the agency report asks for a year of them for every camera.
 */
import type { Db } from './db.js';
import type { BucketSize, Rollup } from '../domain/rollup.js';

interface Row {
  camera_id: string;
  size: BucketSize;
  bucket_start: number;
  checks: number;
  failures: number;
  s_up: number;
  s_degraded: number;
  s_down: number;
  s_unknown: number;
  s_paused: number;
  latency_min: number | null;
  latency_max: number | null;
  latency_sum: number;
  latency_count: number;
}

export class RollupStore {
  private readonly upsertStmt;

  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(
      `INSERT INTO rollups (camera_id, size, bucket_start, checks, failures, s_up, s_degraded, s_down, s_unknown, s_paused,
         latency_min, latency_max, latency_sum, latency_count)
       VALUES (@cameraId, @bucketSize, @bucketStart, @checks, @failures, @up, @degraded, @down, @unknown, @paused,
         @latencyMin, @latencyMax, @latencySum, @latencyCount)
       ON CONFLICT (size, camera_id, bucket_start) DO UPDATE SET checks = excluded.checks, failures = excluded.failures,
         s_up = excluded.s_up, s_degraded = excluded.s_degraded, s_down = excluded.s_down, s_unknown = excluded.s_unknown,
         s_paused = excluded.s_paused, latency_min = excluded.latency_min, latency_max = excluded.latency_max,
         latency_sum = excluded.latency_sum, latency_count = excluded.latency_count`,
    );
  }

  upsertMany(rollups: readonly Rollup[]): void {
    this.db.transaction(() => {
      for (const r of rollups) this.upsertStmt.run({ ...r, ...r.secondsByStatus });
    })();
    if (rollups.some((r) => r.bucketSize === 'day')) daySumsChanged(this.db);
  }

  /** Rollups of one size in [from, to), for one camera or all. */
  range(size: BucketSize, from: number, to: number, cameraId?: string): Rollup[] {
    const rows = (
      cameraId
        ? this.db
            .prepare('SELECT * FROM rollups WHERE size = ? AND camera_id = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start')
            .all(size, cameraId, from, to)
        : this.db.prepare('SELECT * FROM rollups WHERE size = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY camera_id, bucket_start').all(size, from, to)
    ) as Row[];
    return rows.map(fromRow);
  }

  pruneBefore(size: BucketSize, t: number): number {
    if (size === 'day') daySumsChanged(this.db);
    return this.db.prepare('DELETE FROM rollups WHERE size = ? AND bucket_start < ?').run(size, t).changes;
  }

  getMarker(name: string): number | undefined {
    return this.db.prepare('SELECT value FROM markers WHERE name = ?').pluck().get(name) as number | undefined;
  }

  setMarker(name: string, value: number): void {
    this.db.prepare('INSERT INTO markers (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
  }
}

function fromRow(r: Row): Rollup {
  return {
    cameraId: r.camera_id,
    bucketSize: r.size,
    bucketStart: r.bucket_start,
    checks: r.checks,
    failures: r.failures,
    secondsByStatus: { up: r.s_up, degraded: r.s_degraded, down: r.s_down, unknown: r.s_unknown, paused: r.s_paused },
    latencyMin: r.latency_min,
    latencyMax: r.latency_max,
    latencySum: r.latency_sum,
    latencyCount: r.latency_count,
  };
}

export interface SummedDays {
  days: number;
  up: number;
  degraded: number;
  down: number;
  unknown: number;
  paused: number;
}

/** Every camera's days over a window longer than this are summed by walking the primary key. */
const LONG_WINDOW_MS = 45 * 86_400_000;

/**
 * The last long-window sum of every camera per database, dropped whenever day rollups change
 * through this store. (A deleted camera's rows go by cascade; its stale entry is never asked for.)
 */
const daySums = new WeakMap<Db, { from: number; to: number; sums: Map<string, SummedDays> }>();

function daySumsChanged(db: Db): void {
  daySums.delete(db);
}

/** Sums of day rollups per camera over [from, to): one indexed aggregate, not a scan in JS. */
export function sumDayRollups(db: Db, from: number, to: number, cameraId?: string): Map<string, SummedDays> {
  const long = !cameraId && to - from > LONG_WINDOW_MS;
  const cached = long ? daySums.get(db) : undefined;
  if (cached && cached.from === from && cached.to === to) return new Map(cached.sums);
  // For every camera over a long window, SQLite would pick the (size, bucket_start) index, then
  // look each row up in the table and sort for GROUP BY: 0.7 s for a year of 1 000 cameras.
  // `+bucket_start` steers it to the primary key (size, camera_id, bucket_start) instead: one
  // pass in camera order, no sort, 5× faster. Short windows keep the index (fewer rows).
  const range = long ? '+bucket_start >= ? AND +bucket_start < ?' : 'bucket_start >= ? AND bucket_start < ?';
  const sql = `SELECT camera_id, count(*) AS days, sum(s_up) AS up, sum(s_degraded) AS degraded, sum(s_down) AS down,
      sum(s_unknown) AS unknown, sum(s_paused) AS paused
    FROM rollups WHERE size = 'day' AND ${range} ${cameraId ? 'AND camera_id = ?' : ''}
    GROUP BY camera_id`;
  const args = cameraId ? [from, to, cameraId] : [from, to];
  const rows = db.prepare(sql).all(...args) as (SummedDays & { camera_id: string })[];
  const sums = new Map(rows.map(({ camera_id, ...s }) => [camera_id, s]));
  if (long) daySums.set(db, { from, to, sums: new Map(sums) });
  return sums;
}
