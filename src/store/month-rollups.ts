/**
 * Month rollups per camera (migration 0012): the month's day rollups summed, and the outages that
 * started in it. Written by the roller once a month's last day is rolled, read by the leadership
 * report. Upserts, so rolling a month again is harmless.
 */
import type { Db } from './db.js';
import type { SummedDays } from './rollups.js';

/** What the leadership report asks of one camera's month rollups. */
export interface MonthPlan {
  cameraId: string;
  /** Days and seconds of the months starting at or after this. */
  from: number;
  /** Outages of the months starting at or after this. */
  outagesFrom: number;
  /** The report group it is summed into. */
  group: string;
}

/** Per camera: days in its months, its outages and the longest (an open one up to `now`). */
export interface MonthTotals {
  days: number;
  outages: number;
  longestMs: number;
}

/** Per group and month: seconds up, dark (degraded or down) and known (up or dark). */
export interface GroupMonth {
  month: number;
  seconds: { up: number; dark: number; known: number };
}

type DaySums = Omit<SummedDays, 'days'> & { camera_id: string; days: number };
type OutageSums = { camera_id: string; outages: number; longest_ms: number | null; open_start: number | null };

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
      // Sums in SQL, not rows into JS: 36 000 rows of three years took 45 ms just to read out.
      // An outage open when its month was written is looked up by its key for its length now.
      totals: db
        .prepare(
          `WITH p(k, cam, f, o) AS MATERIALIZED (SELECT key, value ->> 0, value ->> 1, value ->> 2 FROM json_each(@plans))
           SELECT p.k, sum(CASE WHEN m.month_start >= p.f THEN m.days ELSE 0 END),
             sum(CASE WHEN m.month_start >= p.o THEN m.outages ELSE 0 END),
             max(CASE WHEN m.month_start >= p.o THEN max(m.longest_ms, coalesce(coalesce(o.end_at, @now) - o.start, 0)) ELSE 0 END)
           FROM p CROSS JOIN month_rollups m ON m.camera_id = p.cam AND m.month_start < @until
           LEFT JOIN outage_log o ON o.camera_id = m.camera_id AND o.start = m.open_start
           GROUP BY p.k`,
        )
        .raw(),
      // Whole milliseconds summed as integers: exact in any order.
      groups: db
        .prepare(
          `WITH p(cam, f, g) AS MATERIALIZED (SELECT value ->> 0, value ->> 1, value ->> 3 FROM json_each(@plans))
           SELECT p.g, m.month_start, sum(round(m.s_up * 1000)), sum(round((m.s_degraded + m.s_down) * 1000)),
             sum(round((m.s_up + m.s_degraded + m.s_down) * 1000))
           FROM p CROSS JOIN month_rollups m ON m.camera_id = p.cam AND m.month_start >= p.f AND m.month_start < @until AND m.days > 0
           GROUP BY p.g, m.month_start`,
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

  /**
   * Sums of the months before `until` (month starts): per plan (camera), its days from `from` on
   * and its outages from `outagesFrom` on; per group, each month's seconds over its cameras.
   */
  sums(plans: readonly MonthPlan[], until: number, now: number): { totals: MonthTotals[]; groups: Map<string, GroupMonth[]> } {
    const totals = plans.map(() => ({ days: 0, outages: 0, longestMs: 0 }));
    const groups = new Map<string, GroupMonth[]>();
    if (plans.length === 0 || !(until > -Infinity)) return { totals, groups };
    const json = JSON.stringify(plans.map((p) => [p.cameraId, p.from, p.outagesFrom, p.group]));
    for (const [k, days, outages, longestMs] of this.stmts.totals.all({ plans: json, until, now }) as [number, number, number, number][]) {
      totals[k] = { days, outages, longestMs };
    }
    for (const [group, month, up, dark, known] of this.stmts.groups.all({ plans: json, until }) as [string, number, number, number, number][]) {
      let list = groups.get(group);
      if (!list) groups.set(group, (list = []));
      list.push({ month, seconds: { up: up / 1000, dark: dark / 1000, known: known / 1000 } });
    }
    return { totals, groups };
  }
}
