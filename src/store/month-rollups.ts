/**
 * Month rollups per camera (migration 0011): the month's day rollups summed, and the outages that
 * started in it. Written by the roller once a month's last day is rolled, read by the leadership
 * report. Upserts, so rolling a month again is harmless.
 */
import type { Db } from './db.js';
import type { SummedDays } from './rollups.js';

export interface MonthRollup extends SummedDays {
  cameraId: string;
  monthStart: number;
  /** Outages that started in the month. */
  outages: number;
  /** The longest of them; one still open counts up to the `now` it was read at. */
  longestMs: number;
}

type DaySums = Omit<SummedDays, 'days'> & { camera_id: string; days: number };
type OutageSums = { camera_id: string; outages: number; longest_ms: number | null; open_start: number | null };
type ReadRow = [string, number, number, number, number, number, number, number, number, number];

/** Sums of whole milliseconds carry float noise; seconds are whole milliseconds. */
const ms = (x: number) => Math.round(x * 1000) / 1000;

export class MonthRollupStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      days: db.prepare(
        `SELECT camera_id, count(*) AS days, sum(s_up) AS up, sum(s_degraded) AS degraded, sum(s_down) AS down,
           sum(s_unknown) AS unknown, sum(s_paused) AS paused
         FROM rollups WHERE size = 'day' AND bucket_start >= ? AND bucket_start < ? GROUP BY camera_id`,
      ),
      // One range seek per camera on the outage log's key (camera, start).
      outages: db.prepare(
        `SELECT o.camera_id, count(*) AS outages, max(o.end_at - o.start) AS longest_ms,
           max(CASE WHEN o.end_at IS NULL THEN o.start END) AS open_start
         FROM cameras c CROSS JOIN outage_log o ON o.camera_id = c.id AND o.start >= ? AND o.start < ?
         GROUP BY o.camera_id`,
      ),
      upsert: db.prepare(
        `INSERT INTO month_rollups (camera_id, month_start, days, s_up, s_degraded, s_down, s_unknown, s_paused, outages, longest_ms, open_start)
         VALUES (@cameraId, @monthStart, @days, @up, @degraded, @down, @unknown, @paused, @outages, @longestMs, @openStart)
         ON CONFLICT (camera_id, month_start) DO UPDATE SET days = excluded.days, s_up = excluded.s_up,
           s_degraded = excluded.s_degraded, s_down = excluded.s_down, s_unknown = excluded.s_unknown,
           s_paused = excluded.s_paused, outages = excluded.outages, longest_ms = excluded.longest_ms,
           open_start = excluded.open_start`,
      ),
      // An outage open when its month was written is looked up by its key for its length now.
      read: db
        .prepare(
          `SELECT m.camera_id, m.month_start, m.days, m.s_up, m.s_degraded, m.s_down, m.s_unknown, m.s_paused, m.outages,
             max(m.longest_ms, coalesce(coalesce(o.end_at, @now) - o.start, 0))
           FROM json_each(@ids) j CROSS JOIN month_rollups m ON m.camera_id = j.value AND m.month_start < @until
           LEFT JOIN outage_log o ON o.camera_id = m.camera_id AND o.start = m.open_start
           ORDER BY j.key, m.month_start`,
        )
        .raw(),
    };
  }

  /**
   * Writes the month [from, to) of every camera with day rollups or outages in it, from its day
   * rollups and the outage log. The caller rolls a month only once all its days are rolled.
   */
  roll(from: number, to: number): number {
    const days = this.stmts.days.all(from, to) as DaySums[];
    const outages = new Map((this.stmts.outages.all(from, to) as OutageSums[]).map((o) => [o.camera_id, o]));
    const ids = new Set([...days.map((d) => d.camera_id), ...outages.keys()]);
    const byCamera = new Map(days.map((d) => [d.camera_id, d]));
    this.db.transaction(() => {
      for (const cameraId of ids) {
        const d = byCamera.get(cameraId);
        const o = outages.get(cameraId);
        this.stmts.upsert.run({
          cameraId,
          monthStart: from,
          days: d?.days ?? 0,
          up: ms(d?.up ?? 0),
          degraded: ms(d?.degraded ?? 0),
          down: ms(d?.down ?? 0),
          unknown: ms(d?.unknown ?? 0),
          paused: ms(d?.paused ?? 0),
          outages: o?.outages ?? 0,
          longestMs: o?.longest_ms ?? 0,
          openStart: o?.open_start ?? null,
        });
      }
    })();
    return ids.size;
  }

  /** The month rows of these cameras before `until`, oldest first per camera. */
  before(cameraIds: readonly string[], until: number, now: number): Map<string, MonthRollup[]> {
    const out = new Map<string, MonthRollup[]>();
    const rows = this.stmts.read.all({ ids: JSON.stringify(cameraIds), until, now }) as ReadRow[];
    for (const [cameraId, monthStart, days, up, degraded, down, unknown, paused, outages, longestMs] of rows) {
      let list = out.get(cameraId);
      if (!list) out.set(cameraId, (list = []));
      list.push({ cameraId, monthStart, days, up, degraded, down, unknown, paused, outages, longestMs });
    }
    return out;
  }
}
