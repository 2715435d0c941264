/**
 * Hour and day rollups per camera, and the markers that say how far rolling has got (and when
 * the monitor was last alive). Upserts make re-rolling a bucket idempotent. Day rollups carry
 * running totals (`c_*`: the camera's days up to and including this one), so the sum over any
 * run of days is one row minus another: the agency report asks for a year of every camera.
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
  private readonly dayStmts;

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
    this.dayStmts = {
      own: db.prepare(`SELECT s_up, s_degraded, s_down, s_unknown, s_paused FROM rollups WHERE size = 'day' AND camera_id = ? AND bucket_start = ?`),
      before: db.prepare(
        `SELECT c_days, c_up, c_degraded, c_down, c_unknown, c_paused FROM rollups
         WHERE size = 'day' AND camera_id = ? AND bucket_start < ? ORDER BY bucket_start DESC LIMIT 1`,
      ),
      after: db.prepare(
        `SELECT c_days, c_up, c_degraded, c_down, c_unknown, c_paused, s_up, s_degraded, s_down, s_unknown, s_paused FROM rollups
         WHERE size = 'day' AND camera_id = ? AND bucket_start > ? ORDER BY bucket_start LIMIT 1`,
      ),
      setTotals: db.prepare(
        `UPDATE rollups SET c_days = @days, c_up = @up, c_degraded = @degraded, c_down = @down, c_unknown = @unknown, c_paused = @paused
         WHERE size = 'day' AND camera_id = @cameraId AND bucket_start = @bucketStart`,
      ),
      shiftLater: db.prepare(
        `UPDATE rollups SET c_days = c_days + @days, c_up = c_up + @up, c_degraded = c_degraded + @degraded, c_down = c_down + @down,
           c_unknown = c_unknown + @unknown, c_paused = c_paused + @paused
         WHERE size = 'day' AND camera_id = @cameraId AND bucket_start > @bucketStart`,
      ),
    };
  }

  upsertMany(rollups: readonly Rollup[]): void {
    this.db.transaction(() => {
      for (const r of rollups) {
        if (r.bucketSize === 'day') this.upsertDay(r);
        else this.upsertStmt.run({ ...r, ...r.secondsByStatus });
      }
    })();
  }

  /**
   * A day rollup with its running totals: the camera's previous day's totals plus this day. Days
   * are normally rolled in order, so nothing comes after; when an older day is (re)written the
   * later days' totals move by the difference. A camera's first day takes its totals from the
   * day after it (that day's totals less its own seconds) and moves nothing: after a prune the
   * totals no longer start from zero, and only differences between rows mean anything.
   */
  private upsertDay(r: Rollup): void {
    const { own, before, after, setTotals, shiftLater } = this.dayStmts;
    const s = r.secondsByStatus;
    const old = own.get(r.cameraId, r.bucketStart) as OwnRow | undefined;
    this.upsertStmt.run({ ...r, ...s });
    const prev = before.get(r.cameraId, r.bucketStart) as TotalsRow | undefined;
    if (!prev) {
      const next = after.get(r.cameraId, r.bucketStart) as (TotalsRow & OwnRow) | undefined;
      setTotals.run({
        cameraId: r.cameraId,
        bucketStart: r.bucketStart,
        ...(next
          ? {
              days: next.c_days - 1,
              up: next.c_up - next.s_up,
              degraded: next.c_degraded - next.s_degraded,
              down: next.c_down - next.s_down,
              unknown: next.c_unknown - next.s_unknown,
              paused: next.c_paused - next.s_paused,
            }
          : { days: 1, ...s }),
      });
      return;
    }
    setTotals.run({
      cameraId: r.cameraId,
      bucketStart: r.bucketStart,
      days: prev.c_days + 1,
      up: prev.c_up + s.up,
      degraded: prev.c_degraded + s.degraded,
      down: prev.c_down + s.down,
      unknown: prev.c_unknown + s.unknown,
      paused: prev.c_paused + s.paused,
    });
    shiftLater.run({
      cameraId: r.cameraId,
      bucketStart: r.bucketStart,
      days: old ? 0 : 1,
      up: s.up - (old?.s_up ?? 0),
      degraded: s.degraded - (old?.s_degraded ?? 0),
      down: s.down - (old?.s_down ?? 0),
      unknown: s.unknown - (old?.s_unknown ?? 0),
      paused: s.paused - (old?.s_paused ?? 0),
    });
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

  /** Running totals stay right after a prune: sums are differences, never totals from the start. */
  pruneBefore(size: BucketSize, t: number): number {
    return this.db.prepare('DELETE FROM rollups WHERE size = ? AND bucket_start < ?').run(size, t).changes;
  }

  /** Start of the oldest stored bucket of a size. */
  oldestStart(size: BucketSize): number | undefined {
    return (this.db.prepare('SELECT min(bucket_start) FROM rollups WHERE size = ?').pluck().get(size) as number | null) ?? undefined;
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

interface OwnRow {
  s_up: number;
  s_degraded: number;
  s_down: number;
  s_unknown: number;
  s_paused: number;
}

interface TotalsRow {
  c_days: number;
  c_up: number;
  c_degraded: number;
  c_down: number;
  c_unknown: number;
  c_paused: number;
}

/**
 * Sums of day rollups per camera over [from, to). Per camera: the last day before `to` (its
 * running totals) minus the running totals just before the first day at or after `from` (that
 * day's totals less its own seconds). Four index seeks per camera, whatever the window's length:
 * summing a year of rows for 1 000 cameras took 90–140 ms; this takes about 5.
 */
export function sumDayRollups(db: Db, from: number, to: number, cameraId?: string): Map<string, SummedDays> {
  const sql = `SELECT a.camera_id AS camera_id, a.c_days - b.c_days + 1 AS days,
      a.c_up - b.c_up + b.s_up AS up, a.c_degraded - b.c_degraded + b.s_degraded AS degraded,
      a.c_down - b.c_down + b.s_down AS down, a.c_unknown - b.c_unknown + b.s_unknown AS unknown,
      a.c_paused - b.c_paused + b.s_paused AS paused
    FROM cameras cam
    CROSS JOIN rollups a ON a.size = 'day' AND a.camera_id = cam.id
      AND a.bucket_start = (SELECT max(bucket_start) FROM rollups WHERE size = 'day' AND camera_id = cam.id AND bucket_start < @to)
    CROSS JOIN rollups b ON b.size = 'day' AND b.camera_id = cam.id
      AND b.bucket_start = (SELECT min(bucket_start) FROM rollups WHERE size = 'day' AND camera_id = cam.id AND bucket_start >= @from)
    WHERE a.bucket_start >= b.bucket_start ${cameraId ? 'AND cam.id = @cameraId' : ''}`;
  // CROSS JOIN fixes the loop order (SQLite keeps it as written): camera outside, then one seek
  // per end. Left to itself, without table statistics, the planner walked every day row of the
  // window instead — 230 ms instead of 5 for a year of 1 000 cameras.
  const rows = db.prepare(sql).all(cameraId ? { from, to, cameraId } : { from, to }) as (SummedDays & { camera_id: string })[];
  // Differences of running totals carry float noise; seconds are whole milliseconds.
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  return new Map(
    rows.map(({ camera_id, days, ...s }) => [
      camera_id,
      { days, up: ms(s.up), degraded: ms(s.degraded), down: ms(s.down), unknown: ms(s.unknown), paused: ms(s.paused) },
    ]),
  );
}

/** One camera's span of time, for sums over many cameras with a span each. */
export interface CameraRange {
  cameraId: string;
  from: number;
  to: number;
}

/**
 * Sums of day rollups over each range (the leadership report's partial months: from a launch day,
 * or the months not in month rollups yet), in the ranges' order; undefined where a range holds no
 * day rollup. Running totals again: two index seeks per range, whatever its length.
 */
export function sumDayRollupRanges(db: Db, ranges: readonly CameraRange[]): (SummedDays | undefined)[] {
  if (ranges.length === 0) return [];
  const rows = db
    .prepare(
      `WITH q(i, cam, f, t) AS MATERIALIZED (SELECT key, value ->> 0, value ->> 1, value ->> 2 FROM json_each(@ranges))
       SELECT q.i AS i, a.c_days - b.c_days + 1 AS days,
         a.c_up - b.c_up + b.s_up AS up, a.c_degraded - b.c_degraded + b.s_degraded AS degraded,
         a.c_down - b.c_down + b.s_down AS down, a.c_unknown - b.c_unknown + b.s_unknown AS unknown,
         a.c_paused - b.c_paused + b.s_paused AS paused
       FROM q
       CROSS JOIN rollups a ON a.size = 'day' AND a.camera_id = q.cam
         AND a.bucket_start = (SELECT max(bucket_start) FROM rollups WHERE size = 'day' AND camera_id = q.cam AND bucket_start < q.t)
       CROSS JOIN rollups b ON b.size = 'day' AND b.camera_id = q.cam
         AND b.bucket_start = (SELECT min(bucket_start) FROM rollups WHERE size = 'day' AND camera_id = q.cam AND bucket_start >= q.f)
       WHERE a.bucket_start >= b.bucket_start`,
    )
    .all({ ranges: JSON.stringify(ranges.map((r) => [r.cameraId, r.from, r.to])) }) as (SummedDays & { i: number })[];
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  const out = new Array<SummedDays | undefined>(ranges.length);
  for (const { i, days, ...s } of rows) out[i] = { days, up: ms(s.up), degraded: ms(s.degraded), down: ms(s.down), unknown: ms(s.unknown), paused: ms(s.paused) };
  return out;
}
