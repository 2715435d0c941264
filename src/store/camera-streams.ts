/** Each camera's streams as read from its ONVIF profiles (bare URIs, sizes), for the stream locator. */
import type { Db } from './db.js';
import type { ProfileStreams } from '../protocols/onvif/index.js';

interface Row {
  main_url: string;
  main_width: number;
  main_height: number;
  sub_url: string | null;
  sub_width: number | null;
  sub_height: number | null;
}

export class CameraStreamStore {
  constructor(private readonly db: Db) {}

  get(cameraId: string): ProfileStreams | undefined {
    const r = this.db.prepare('SELECT main_url, main_width, main_height, sub_url, sub_width, sub_height FROM camera_streams WHERE camera_id = ?').get(cameraId) as Row | undefined;
    if (!r) return undefined;
    const sub = r.sub_url !== null && r.sub_width !== null && r.sub_height !== null ? { url: r.sub_url, width: r.sub_width, height: r.sub_height } : undefined;
    return { main: { url: r.main_url, width: r.main_width, height: r.main_height }, sub };
  }

  /** Stores what was read; false when the camera is gone meanwhile. */
  put(cameraId: string, streams: ProfileStreams, at: number): boolean {
    const { main, sub } = streams;
    if (!this.db.prepare('SELECT 1 FROM cameras WHERE id = ?').get(cameraId)) return false;
    this.db
      .prepare(
        `INSERT INTO camera_streams (camera_id, main_url, main_width, main_height, sub_url, sub_width, sub_height, read_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (camera_id) DO UPDATE SET main_url = excluded.main_url, main_width = excluded.main_width, main_height = excluded.main_height,
           sub_url = excluded.sub_url, sub_width = excluded.sub_width, sub_height = excluded.sub_height, read_at = excluded.read_at`,
      )
      .run(cameraId, main.url, main.width, main.height, sub?.url ?? null, sub?.width ?? null, sub?.height ?? null, at);
    return true;
  }

  delete(cameraId: string): void {
    this.db.prepare('DELETE FROM camera_streams WHERE camera_id = ?').run(cameraId);
  }
}
