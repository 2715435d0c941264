/**
 * The viewing record: who watched which camera, how (a snapshot, frames, live video), from when
 * to when, from where, with what client, and how many bytes it took. Append-only: a viewing is
 * inserted when it starts and closed once (end, bytes); a trigger refuses any other change. Rows
 * leave only through `pruneBefore`, the retention job's call. No foreign keys on purpose: the
 * record outlives deleted users and cameras.
 */
import type { Db } from './db.js';

export type ViewingKind = 'snapshot' | 'frames' | 'live';

export interface Viewing {
  id: number;
  userId: string;
  /** The user's name now; null when the user was deleted since. */
  username: string | null;
  cameraId: string;
  /** The camera's name now; null when the camera was deleted since. */
  cameraName: string | null;
  kind: ViewingKind;
  start: number;
  /** Null while the viewing is open. */
  end: number | null;
  address: string | null;
  client: string | null;
  bytes: number;
}

export interface NewViewing {
  userId: string;
  cameraId: string;
  kind: ViewingKind;
  start: number;
  address: string | null;
  client: string | null;
  /** Closed at once (a snapshot): end and bytes are known. */
  end?: number;
  bytes?: number;
}

export interface ViewingFilter {
  userId?: string | undefined;
  cameraId?: string | undefined;
  /** Viewings that started at or after… */
  from?: number | undefined;
  /** …and before this (epoch ms). */
  to?: number | undefined;
}

interface Row {
  id: number;
  user_id: string;
  username: string | null;
  camera_id: string;
  camera_name: string | null;
  kind: ViewingKind;
  start_at: number;
  end_at: number | null;
  address: string | null;
  client: string | null;
  bytes: number;
}

export class ViewingStore {
  private readonly insertStmt;
  private readonly closeStmt;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO viewings (user_id, camera_id, kind, start_at, end_at, address, client, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.closeStmt = db.prepare('UPDATE viewings SET end_at = ?, bytes = ? WHERE id = ? AND end_at IS NULL');
  }

  /** One insert; returns the viewing's id. */
  open(v: NewViewing): number {
    const info = this.insertStmt.run(v.userId, v.cameraId, v.kind, v.start, v.end ?? null, v.address, v.client, v.bytes ?? 0);
    return Number(info.lastInsertRowid);
  }

  /** Several opens or closes as one write (a grid watching dozens of cameras at once). */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** One update; a viewing already closed stays as it was. */
  close(id: number, end: number, bytes: number): boolean {
    return this.closeStmt.run(end, bytes, id).changes > 0;
  }

  /** Newest first, `limit` rows from `offset`. */
  list(filter: ViewingFilter, limit: number, offset = 0): Viewing[] {
    const { where, params } = whereOf(filter);
    const rows = this.db
      .prepare(
        `SELECT v.*, u.username AS username, c.name AS camera_name FROM viewings v
           LEFT JOIN users u ON u.id = v.user_id LEFT JOIN cameras c ON c.id = v.camera_id
         ${where} ORDER BY v.start_at DESC, v.id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit, offset }) as Row[];
    return rows.map(fromRow);
  }

  count(filter: ViewingFilter): number {
    const { where, params } = whereOf(filter);
    return this.db.prepare(`SELECT count(*) FROM viewings v ${where}`).pluck().get(params) as number;
  }

  /** Retention: removes viewings that ended (or, never closed, started) before `cutoff`. The only DELETE. */
  pruneBefore(cutoff: number): number {
    return this.db.prepare('DELETE FROM viewings WHERE coalesce(end_at, start_at) < ?').run(cutoff).changes;
  }
}

function whereOf(f: ViewingFilter): { where: string; params: Record<string, string | number> } {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  const add = (clause: string, key: string, value: string | number | undefined) => {
    if (value === undefined) return;
    clauses.push(clause);
    params[key] = value;
  };
  add('v.user_id = @userId', 'userId', f.userId);
  add('v.camera_id = @cameraId', 'cameraId', f.cameraId);
  add('v.start_at >= @from', 'from', f.from);
  add('v.start_at < @to', 'to', f.to);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

function fromRow(r: Row): Viewing {
  return {
    id: r.id,
    userId: r.user_id,
    username: r.username,
    cameraId: r.camera_id,
    cameraName: r.camera_name,
    kind: r.kind,
    start: r.start_at,
    end: r.end_at,
    address: r.address,
    client: r.client,
    bytes: r.bytes,
  };
}
