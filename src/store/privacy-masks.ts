/**
 * Privacy masks table group: each camera's mask in force (rectangles as JSON, who set it and
 * when) and the append-only history of changes. Rectangles arrive checked (domain/privacy-mask.ts).
 */
import type { MaskRect } from '../domain/privacy-mask.js';
import type { Db } from './db.js';

export interface StoredMask {
  cameraId: string;
  rects: MaskRect[];
  /** The username of the admin who set it. */
  updatedBy: string;
  updatedAt: number;
}

interface Row {
  camera_id: string;
  rects: string;
  updated_by: string;
  updated_at: number;
}

const fromRow = (r: Row): StoredMask => ({ cameraId: r.camera_id, rects: JSON.parse(r.rects) as MaskRect[], updatedBy: r.updated_by, updatedAt: r.updated_at });

export class PrivacyMaskStore {
  constructor(private readonly db: Db) {}

  /** Every camera's mask in force (cameras without one are absent). */
  all(): StoredMask[] {
    return (this.db.prepare('SELECT * FROM privacy_masks').all() as Row[]).map(fromRow);
  }

  get(cameraId: string): StoredMask | undefined {
    const row = this.db.prepare('SELECT * FROM privacy_masks WHERE camera_id = ?').get(cameraId) as Row | undefined;
    return row && fromRow(row);
  }

  /** Sets a camera's mask (an empty list removes it) and records the change, in one transaction. */
  set(cameraId: string, rects: readonly MaskRect[], by: string, at: number): void {
    const json = JSON.stringify(rects);
    this.db.transaction(() => {
      if (rects.length) {
        this.db
          .prepare(
            `INSERT INTO privacy_masks (camera_id, rects, updated_by, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (camera_id) DO UPDATE SET rects = excluded.rects, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
          )
          .run(cameraId, json, by, at);
      } else this.db.prepare('DELETE FROM privacy_masks WHERE camera_id = ?').run(cameraId);
      this.db.prepare('INSERT INTO privacy_mask_changes (camera_id, rects, changed_by, changed_at) VALUES (?, ?, ?, ?)').run(cameraId, json, by, at);
    })();
  }

  /** A camera's changes, oldest first. */
  history(cameraId: string): StoredMask[] {
    const rows = this.db
      .prepare('SELECT camera_id, rects, changed_by AS updated_by, changed_at AS updated_at FROM privacy_mask_changes WHERE camera_id = ? ORDER BY id')
      .all(cameraId) as Row[];
    return rows.map(fromRow);
  }
}
