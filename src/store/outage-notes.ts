/**
 * What people recorded about outages (cause, note, who fixed it, a public note), append-only:
 * an edit is a new row and the newest row per outage is in force. The table's triggers refuse
 * UPDATE and DELETE, so history cannot be rewritten from here either.
 */
import type { Db } from './db.js';
import type { OutageCause } from '../domain/outage-causes.js';

export interface OutageNote {
  id: number;
  outageId: string;
  cameraId: string;
  cause: OutageCause;
  note: string;
  fixedBy: string;
  publicNote: string;
  by: string;
  at: number;
}

interface Row {
  id: number;
  outage_id: string;
  camera_id: string;
  cause: OutageCause;
  note: string;
  fixed_by: string;
  public_note: string;
  by_user: string;
  at: number;
}

const toNote = (r: Row): OutageNote => ({
  id: r.id,
  outageId: r.outage_id,
  cameraId: r.camera_id,
  cause: r.cause,
  note: r.note,
  fixedBy: r.fixed_by,
  publicNote: r.public_note,
  by: r.by_user,
  at: r.at,
});

export class OutageNoteStore {
  constructor(private readonly db: Db) {}

  append(n: Omit<OutageNote, 'id'>): OutageNote {
    const id = this.db
      .prepare(
        `INSERT INTO outage_notes (outage_id, camera_id, cause, note, fixed_by, public_note, by_user, at)
         VALUES (@outageId, @cameraId, @cause, @note, @fixedBy, @publicNote, @by, @at)`,
      )
      .run(n).lastInsertRowid;
    return { ...n, id: Number(id) };
  }

  /** The record in force (newest) of one outage. */
  latest(outageId: string): OutageNote | undefined {
    const row = this.db.prepare('SELECT * FROM outage_notes WHERE outage_id = ? ORDER BY id DESC LIMIT 1').get(outageId) as Row | undefined;
    return row && toNote(row);
  }

  /** Every record of one outage, oldest first. */
  history(outageId: string): OutageNote[] {
    return (this.db.prepare('SELECT * FROM outage_notes WHERE outage_id = ? ORDER BY id').all(outageId) as Row[]).map(toNote);
  }

  /** The record in force (newest) of each outage of these cameras (all cameras when null). */
  current(cameraIds: readonly string[] | null): Map<string, OutageNote> {
    const rows = this.db
      .prepare('SELECT n.* FROM outage_notes n WHERE n.id IN (SELECT max(id) FROM outage_notes GROUP BY outage_id)')
      .all() as Row[];
    const wanted = cameraIds === null ? null : new Set(cameraIds);
    return new Map(rows.filter((r) => wanted === null || wanted.has(r.camera_id)).map((r) => [r.outage_id, toNote(r)]));
  }
}
