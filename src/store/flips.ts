/**
 * Flips (stored status changes, kept forever) and the status machine's saved state per camera.
 * A flip and the state it leads to are written in one transaction by the monitor, so a crash
 * never leaves one without the other.
 */
import type { Db } from './db.js';
import type { CameraStatus, Flip, FlipReason } from '../domain/status.js';
import type { CameraRange } from './rollups.js';

interface FlipRow {
  camera_id: string;
  at: number;
  from_status: CameraStatus;
  to_status: CameraStatus;
  reason: FlipReason;
}

const toFlip = (r: FlipRow): Flip => ({ cameraId: r.camera_id, at: r.at, from: r.from_status, to: r.to_status, reason: r.reason });

export interface OutageStats {
  outages: number;
  longestMs: number;
}

export class FlipStore {
  private readonly insertStmt;
  private readonly saveStateStmt;
  private readonly logStmts;
  // Asked by every camera list and status relay: prepared once.
  private readonly openOutagesStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare('INSERT INTO flips (camera_id, at, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?)');
    this.openOutagesStmt = db.prepare(
      `SELECT f.camera_id, f.at, f.reason FROM cameras c
       JOIN flips last ON last.id = (SELECT id FROM flips WHERE camera_id = c.id ORDER BY at DESC, id DESC LIMIT 1)
       JOIN flips f ON f.id = (
         SELECT b.id FROM flips b, (
           SELECT coalesce(max(g.id), 0) AS id, coalesce(max(g.at), 0) AS at FROM (
             SELECT id, at FROM flips WHERE camera_id = c.id AND to_status IN ('up', 'paused') ORDER BY at DESC, id DESC LIMIT 1) g
         ) good
         WHERE b.camera_id = c.id AND b.to_status IN ('degraded', 'down') AND b.at >= good.at AND b.id > good.id
         ORDER BY b.at, b.id LIMIT 1)
       WHERE last.to_status NOT IN ('up', 'paused')`,
    );
    this.saveStateStmt = db.prepare(
      `INSERT INTO camera_state (camera_id, state, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (camera_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    );
    this.logStmts = {
      open: db.prepare(
        `INSERT OR IGNORE INTO outage_log (camera_id, start, end_at, worst, reason)
         SELECT @cameraId, @at, NULL, @to, @reason WHERE NOT EXISTS (SELECT 1 FROM outage_log WHERE camera_id = @cameraId AND end_at IS NULL)`,
      ),
      worsen: db.prepare("UPDATE outage_log SET worst = 'down' WHERE camera_id = ? AND end_at IS NULL"),
      close: db.prepare('UPDATE outage_log SET end_at = ? WHERE camera_id = ? AND end_at IS NULL'),
    };
  }

  /**
   * Stores a flip and keeps the outage log with it: a flip into degraded or down opens an outage
   * unless one is open, a flip to up or paused closes it (unknown — Pantau away — keeps it open).
   * The caller's transaction holds both.
   */
  insert(flip: Flip): void {
    this.insertStmt.run(flip.cameraId, flip.at, flip.from, flip.to, flip.reason);
    if (flip.to === 'degraded' || flip.to === 'down') {
      this.logStmts.open.run({ cameraId: flip.cameraId, at: flip.at, to: flip.to, reason: flip.reason });
      if (flip.to === 'down') this.logStmts.worsen.run(flip.cameraId);
    } else if (flip.to === 'up' || flip.to === 'paused') {
      this.logStmts.close.run(flip.at, flip.cameraId);
    }
  }

  /** Outages (from the outage log) overlapping [from, to), every camera. */
  outagesOverlapping(from: number, to: number): { cameraId: string; start: number; end: number | null }[] {
    const rows = this.db
      .prepare('SELECT camera_id, start, end_at FROM outage_log WHERE start < ? AND (end_at IS NULL OR end_at > ?)')
      .all(to, from) as { camera_id: string; start: number; end_at: number | null }[];
    return rows.map((r) => ({ cameraId: r.camera_id, start: r.start, end: r.end_at }));
  }

  /**
   * Per range, the outages of its camera that started in [from, to): how many, and the longest
   * (an open one counts up to `now`). One range seek on the outage log's key per range.
   */
  outagesIn(ranges: readonly CameraRange[], now: number): OutageStats[] {
    const out = ranges.map(() => ({ outages: 0, longestMs: 0 }));
    if (ranges.length === 0) return out;
    const rows = this.db
      .prepare(
        `WITH q(i, cam, f, t) AS MATERIALIZED (SELECT key, value ->> 0, value ->> 1, value ->> 2 FROM json_each(@ranges))
         SELECT q.i AS i, count(*) AS outages, max(coalesce(o.end_at, @now) - o.start) AS longest_ms
         FROM q CROSS JOIN outage_log o ON o.camera_id = q.cam AND o.start >= q.f AND o.start < q.t
         GROUP BY q.i`,
      )
      .all({ ranges: JSON.stringify(ranges.map((r) => [r.cameraId, r.from, r.to])), now }) as { i: number; outages: number; longest_ms: number }[];
    for (const r of rows) out[r.i] = { outages: r.outages, longestMs: r.longest_ms };
    return out;
  }

  saveState(cameraId: string, state: unknown, now: number): void {
    this.saveStateStmt.run(cameraId, JSON.stringify(state), now);
  }

  /** Saved machine states by camera, unparsed: the caller validates them before trusting them. */
  loadStates(): Map<string, unknown> {
    const rows = this.db.prepare('SELECT camera_id, state FROM camera_state').all() as { camera_id: string; state: string }[];
    const states = new Map<string, unknown>();
    for (const r of rows) {
      try {
        states.set(r.camera_id, JSON.parse(r.state));
      } catch {
        /* unreadable state: the monitor rebuilds it from the last flip */
      }
    }
    return states;
  }

  /** Flips in [from, to), plus the last flip before `from` (it sets the status at the window's start). */
  forWindow(cameraId: string, from: number, to: number): { before: Flip | null; flips: Flip[] } {
    const before = this.db
      .prepare('SELECT * FROM flips WHERE camera_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1')
      .get(cameraId, from) as FlipRow | undefined;
    const rows = this.db
      .prepare('SELECT * FROM flips WHERE camera_id = ? AND at >= ? AND at < ? ORDER BY at, id')
      .all(cameraId, from, to) as FlipRow[];
    return { before: before ? toFlip(before) : null, flips: rows.map(toFlip) };
  }

  /** Flips of every camera in [from, to), and each camera's last flip before `from`, grouped by camera. */
  forWindowAll(from: number, to: number): Map<string, { before: Flip | null; flips: Flip[] }> {
    const out = new Map<string, { before: Flip | null; flips: Flip[] }>();
    const entry = (id: string) => {
      let e = out.get(id);
      if (!e) out.set(id, (e = { before: null, flips: [] }));
      return e;
    };
    // One index seek per camera for its last flip before `from`, rather than grouping every flip
    // ever stored: this runs every minute (rollups) and for every report, and flips are kept forever.
    const before = this.db
      .prepare(
        `SELECT f.* FROM cameras c JOIN flips f ON f.id = (
           SELECT id FROM flips WHERE camera_id = c.id AND at < ? ORDER BY at DESC, id DESC LIMIT 1)`,
      )
      .all(from) as FlipRow[];
    for (const r of before) entry(r.camera_id).before = toFlip(r);
    const rows = this.db.prepare('SELECT * FROM flips WHERE at >= ? AND at < ? ORDER BY camera_id, at, id').all(from, to) as FlipRow[];
    for (const r of rows) entry(r.camera_id).flips.push(toFlip(r));
    return out;
  }

  /**
   * Start and cause of each camera's open outage: the first flip into degraded or down after
   * its last flip to up or paused. Cameras not in an outage are absent.
   */
  openOutages(): Map<string, { start: number; cause: FlipReason }> {
    // Per camera, through the (camera_id, at) index: its last flip, and only when that is not up
    // or paused, a walk back to its last good flip and forward to the first bad one after it.
    // Grouping every flip ever stored instead took ~100 ms a year of 1 000 cameras, and grows.
    const rows = this.openOutagesStmt.all() as { camera_id: string; at: number; reason: FlipReason }[];
    return new Map(rows.map((r) => [r.camera_id, { start: r.at, cause: r.reason }]));
  }

  /** The outage running at time `t` (its first bad flip after the last up/paused before `t`), if any. */
  outageAt(cameraId: string, t: number): { start: number; cause: FlipReason; worst: 'degraded' | 'down' } | null {
    const rows = this.db
      .prepare(
        `SELECT at, to_status, reason FROM flips WHERE camera_id = @cameraId AND at < @t AND id > coalesce(
           (SELECT max(id) FROM flips WHERE camera_id = @cameraId AND at < @t AND to_status IN ('up', 'paused')), 0)
         AND to_status IN ('degraded', 'down') ORDER BY at, id`,
      )
      .all({ cameraId, t }) as { at: number; to_status: 'degraded' | 'down'; reason: FlipReason }[];
    const first = rows[0];
    if (!first) return null;
    return { start: first.at, cause: first.reason, worst: rows.some((r) => r.to_status === 'down') ? 'down' : 'degraded' };
  }

  last(cameraId: string): Flip | null {
    const row = this.db.prepare('SELECT * FROM flips WHERE camera_id = ? ORDER BY at DESC, id DESC LIMIT 1').get(cameraId) as FlipRow | undefined;
    return row ? toFlip(row) : null;
  }

  /** Flips stored after flip id `afterId`, in order, with their ids: the alert policy's feed. */
  since(afterId: number, limit = 10_000): (Flip & { id: number })[] {
    const rows = this.db.prepare('SELECT * FROM flips WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as (FlipRow & { id: number })[];
    return rows.map((r) => ({ ...toFlip(r), id: r.id }));
  }

  lastId(): number {
    return (this.db.prepare('SELECT coalesce(max(id), 0) FROM flips').pluck().get() as number) ?? 0;
  }

  /** Whether an outage starts at `at`: a flip into degraded or down at that moment. */
  outageStartsAt(cameraId: string, at: number): boolean {
    return this.db.prepare("SELECT 1 FROM flips WHERE camera_id = ? AND at = ? AND to_status IN ('degraded', 'down')").get(cameraId, at) !== undefined;
  }

  oldestAt(): number | undefined {
    return (this.db.prepare('SELECT min(at) FROM flips').pluck().get() as number | null) ?? undefined;
  }

  count(cameraId: string): number {
    return this.db.prepare('SELECT count(*) FROM flips WHERE camera_id = ?').pluck().get(cameraId) as number;
  }
}
