/**
 * Check counts per camera and hour: the monitor adds its running tally here every minute, and
 * hour rollups read their check and failure counts from it. One row per camera-hour replaces
 * the raw row per check (120 an hour at a 30 s interval), which made most of the database.
 */
import type { Db } from './db.js';
import type { CheckCount } from '../domain/rollup.js';

interface Row {
  camera_id: string;
  bucket_start: number;
  checks: number;
  failures: number;
  latency_min: number | null;
  latency_max: number | null;
  latency_sum: number;
  latency_count: number;
}

export class CheckCountStore {
  private readonly addStmt;

  constructor(private readonly db: Db) {
    // Adds to the hour's row: a tally flushed twice in one hour (every minute) must sum, not replace.
    this.addStmt = db.prepare(
      `INSERT INTO check_counts (camera_id, bucket_start, checks, failures, latency_min, latency_max, latency_sum, latency_count)
       SELECT @cameraId, @bucketStart, @checks, @failures, @latencyMin, @latencyMax, @latencySum, @latencyCount
       WHERE EXISTS (SELECT 1 FROM cameras WHERE id = @cameraId)
       ON CONFLICT (camera_id, bucket_start) DO UPDATE SET
         checks = checks + excluded.checks, failures = failures + excluded.failures,
         latency_min = min(coalesce(latency_min, excluded.latency_min), coalesce(excluded.latency_min, latency_min)),
         latency_max = max(coalesce(latency_max, excluded.latency_max), coalesce(excluded.latency_max, latency_max)),
         latency_sum = latency_sum + excluded.latency_sum, latency_count = latency_count + excluded.latency_count`,
    );
  }

  /** Adds counts of cameras that still exist (a camera deleted since its checks were counted is skipped). */
  addMany(counts: Iterable<CheckCount>): void {
    this.db.transaction(() => {
      for (const c of counts) this.addStmt.run(c);
    })();
  }

  /** Counts of every camera for hours starting in [from, to). */
  range(from: number, to: number): CheckCount[] {
    const rows = this.db.prepare('SELECT * FROM check_counts WHERE bucket_start >= ? AND bucket_start < ?').all(from, to) as Row[];
    return rows.map((r) => ({
      cameraId: r.camera_id,
      bucketStart: r.bucket_start,
      checks: r.checks,
      failures: r.failures,
      latencyMin: r.latency_min,
      latencyMax: r.latency_max,
      latencySum: r.latency_sum,
      latencyCount: r.latency_count,
    }));
  }

  pruneBefore(t: number): number {
    return this.db.prepare('DELETE FROM check_counts WHERE bucket_start < ?').run(t).changes;
  }
}
