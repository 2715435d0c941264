/**
 * The camera registry table group: cameras and their owners. Credentials arrive and leave
 * encrypted (`*Enc`); this file never sees a plaintext password. Visibility rules for
 * non-admins (owned, or granted by agency, site or camera) are applied here in SQL so every
 * list and lookup honours them the same way.
 */
import { randomUUID } from 'node:crypto';
import { accessLevel, GRANT_RANK_SQL, levelOfRank, type AccessLevel } from '../domain/access-level.js';
import type { Db } from './db.js';

export interface Credentials {
  username: string | null;
  passwordEnc: string | null;
}
export interface OnvifEndpoint extends Credentials {
  host: string;
  port: number;
}
export interface UrlEndpoint extends Credentials {
  url: string;
}

export interface Camera {
  id: string;
  /** The admin's own inventory id, unique across cameras; null when none was given. */
  externalId: string | null;
  name: string;
  site: string;
  location: { lat: number | null; lng: number | null; address: string | null } | null;
  innovation: { name: string; launchedOn: string | null } | null;
  agency: string;
  owners: string[];
  onvif: OnvifEndpoint | null;
  rtsp: UrlEndpoint | null;
  snapshot: UrlEndpoint | null;
  checkIntervalSec: number;
  imageCheckIntervalSec: number;
  /** Seconds a camera may be dark before its owners are alerted. */
  alertGraceSec: number;
  enabled: boolean;
  /** Only its owners, admins and `live` grants see its picture. */
  private: boolean;
  /** Shown on the public status page (when that page is on). */
  public: boolean;
  tags: string[];
  parentId: string | null;
  createdAt: number;
  updatedAt: number;
}

export type CameraDraft = Omit<Camera, 'id' | 'createdAt' | 'updatedAt'>;

export type CameraSummary = Pick<Camera, 'id' | 'site' | 'agency' | 'parentId' | 'alertGraceSec'>;

/** Who is asking: admins see everything, others what they own or were granted. */
export type Viewer = { role: 'admin' } | { role: 'owner' | 'viewer'; userId: string };

interface Row {
  id: string;
  external_id: string | null;
  name: string;
  site: string;
  lat: number | null;
  lng: number | null;
  address: string | null;
  innovation_name: string | null;
  innovation_launched_on: string | null;
  agency: string;
  onvif_host: string | null;
  onvif_port: number | null;
  onvif_username: string | null;
  onvif_password_enc: string | null;
  rtsp_url: string | null;
  rtsp_username: string | null;
  rtsp_password_enc: string | null;
  snapshot_url: string | null;
  snapshot_username: string | null;
  snapshot_password_enc: string | null;
  check_interval_sec: number;
  image_check_interval_sec: number;
  alert_grace_sec: number;
  enabled: number;
  private: number;
  public: number;
  tags: string;
  parent_id: string | null;
  created_at: number;
  updated_at: number;
  owners: string | null;
}

const VISIBLE = `(
  c.id IN (SELECT camera_id FROM camera_owners WHERE user_id = @userId)
  OR c.id IN (SELECT value FROM access_grants WHERE user_id = @userId AND scope = 'camera')
  OR c.site IN (SELECT value FROM access_grants WHERE user_id = @userId AND scope = 'site')
  OR c.agency IN (SELECT value FROM access_grants WHERE user_id = @userId AND scope = 'agency')
)`;

/** Per visible camera: is it private, does the user own it, the highest level of the grants covering it. */
const ACCESS = `SELECT c.id, c.private,
    EXISTS (SELECT 1 FROM camera_owners o WHERE o.camera_id = c.id AND o.user_id = @userId) AS owned,
    (SELECT MAX(${GRANT_RANK_SQL}) FROM access_grants g WHERE g.user_id = @userId AND (
       (g.scope = 'camera' AND g.value = c.id) OR (g.scope = 'site' AND g.value = c.site) OR (g.scope = 'agency' AND g.value = c.agency))) AS grant_rank
  FROM cameras c WHERE ${VISIBLE}`;

interface AccessRow {
  id: string;
  private: number;
  owned: number;
  grant_rank: number | null;
}

const SELECT = `SELECT c.*, (SELECT json_group_array(user_id) FROM camera_owners o WHERE o.camera_id = c.id) AS owners
  FROM cameras c`;

export class CameraStore {
  // Asked once per probe result: prepared once, not on every call.
  private readonly existsStmt;
  // Asked at every watch and picture: prepared once.
  private readonly accessAll;
  private readonly accessOne;
  // Every dashboard's camera list (GET /api/cameras): prepared once.
  private readonly listAll;
  private readonly listVisible;

  constructor(private readonly db: Db) {
    this.existsStmt = db.prepare('SELECT 1 FROM cameras WHERE id = ?');
    this.accessAll = db.prepare(ACCESS);
    this.accessOne = db.prepare(`${ACCESS} AND c.id = @id`);
    this.listAll = db.prepare(`${SELECT} ORDER BY c.agency, c.site, c.name`);
    this.listVisible = db.prepare(`${SELECT} WHERE ${VISIBLE} ORDER BY c.agency, c.site, c.name`);
  }

  list(viewer: Viewer): Camera[] {
    const rows =
      viewer.role === 'admin'
        ? (this.listAll.all() as Row[])
        : (this.listVisible.all({ userId: viewer.userId }) as Row[]);
    return rows.map(fromRow);
  }

  /** The cameras marked public, for the public status page (no visibility check: it is public). */
  publicOnes(): Camera[] {
    return (this.db.prepare(`${SELECT} WHERE c.public = 1 ORDER BY c.agency, c.site, c.name`).all() as Row[]).map(fromRow);
  }

  /** All cameras, for the scheduler. */
  all(): Camera[] {
    return (this.db.prepare(SELECT).all() as Row[]).map(fromRow);
  }

  /**
   * What periodic passes over every camera need (alerting's facts), without the rest: building
   * full camera objects costs ~10 µs a row, over 100 ms for 10 000 cameras, which a pass every
   * few seconds cannot afford.
   */
  summaries(): CameraSummary[] {
    return this.db.prepare('SELECT id, site, agency, parent_id AS parentId, alert_grace_sec AS alertGraceSec FROM cameras').all() as CameraSummary[];
  }

  get(id: string, viewer?: Viewer): Camera | undefined {
    const row =
      !viewer || viewer.role === 'admin'
        ? (this.db.prepare(`${SELECT} WHERE c.id = @id`).get({ id }) as Row | undefined)
        : (this.db.prepare(`${SELECT} WHERE c.id = @id AND ${VISIBLE}`).get({ id, userId: viewer.userId }) as Row | undefined);
    return row && fromRow(row);
  }

  /** The camera with this external id (the admin's inventory id), whoever may see it. */
  byExternalId(externalId: string): Camera | undefined {
    const row = this.db.prepare(`${SELECT} WHERE c.external_id = ?`).get(externalId) as Row | undefined;
    return row && fromRow(row);
  }

  /**
   * What this viewer may do with each camera it may see (status, pictures, live); cameras it may
   * not see are absent. `cameraId` narrows it to one camera.
   */
  access(viewer: Viewer, cameraId?: string): Map<string, AccessLevel> {
    if (viewer.role === 'admin') {
      const ids = (cameraId === undefined ? this.db.prepare('SELECT id FROM cameras').pluck().all() : this.db.prepare('SELECT id FROM cameras WHERE id = ?').pluck().all(cameraId)) as string[];
      return new Map(ids.map((id) => [id, 'live']));
    }
    const rows = (cameraId === undefined ? this.accessAll.all({ userId: viewer.userId }) : this.accessOne.all({ userId: viewer.userId, id: cameraId })) as AccessRow[];
    return new Map(rows.map((r) => [r.id, accessLevel({ admin: false, owner: r.owned === 1, private: r.private === 1, grant: levelOfRank(r.grant_rank) })]));
  }

  /** One camera's level for this viewer; `none` when it may not see the camera (or it does not exist). */
  accessOf(cameraId: string, viewer: Viewer): AccessLevel {
    return this.access(viewer, cameraId).get(cameraId) ?? 'none';
  }

  isOwner(cameraId: string, userId: string): boolean {
    return this.db.prepare('SELECT 1 FROM camera_owners WHERE camera_id = ? AND user_id = ?').get(cameraId, userId) !== undefined;
  }

  exists(id: string): boolean {
    return this.existsStmt.get(id) !== undefined;
  }

  insert(draft: CameraDraft, now: number): Camera {
    const id = randomUUID();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO cameras (id, name, site, lat, lng, address, innovation_name, innovation_launched_on, agency,
             onvif_host, onvif_port, onvif_username, onvif_password_enc, rtsp_url, rtsp_username, rtsp_password_enc,
             snapshot_url, snapshot_username, snapshot_password_enc, check_interval_sec, image_check_interval_sec,
             alert_grace_sec, enabled, private, public, tags, parent_id, external_id, created_at, updated_at)
           VALUES (@id, @name, @site, @lat, @lng, @address, @innovation_name, @innovation_launched_on, @agency,
             @onvif_host, @onvif_port, @onvif_username, @onvif_password_enc, @rtsp_url, @rtsp_username, @rtsp_password_enc,
             @snapshot_url, @snapshot_username, @snapshot_password_enc, @check_interval_sec, @image_check_interval_sec,
             @alert_grace_sec, @enabled, @private, @public, @tags, @parent_id, @external_id, @now, @now)`,
        )
        .run({ ...toColumns(draft), id, now });
      this.setOwners(id, draft.owners);
    })();
    return this.get(id)!;
  }

  update(id: string, draft: CameraDraft, now: number): Camera {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE cameras SET name = @name, site = @site, lat = @lat, lng = @lng, address = @address,
             innovation_name = @innovation_name, innovation_launched_on = @innovation_launched_on, agency = @agency,
             onvif_host = @onvif_host, onvif_port = @onvif_port, onvif_username = @onvif_username,
             onvif_password_enc = @onvif_password_enc, rtsp_url = @rtsp_url, rtsp_username = @rtsp_username,
             rtsp_password_enc = @rtsp_password_enc, snapshot_url = @snapshot_url, snapshot_username = @snapshot_username,
             snapshot_password_enc = @snapshot_password_enc, check_interval_sec = @check_interval_sec,
             image_check_interval_sec = @image_check_interval_sec, alert_grace_sec = @alert_grace_sec,
             enabled = @enabled, private = @private, public = @public, tags = @tags,
             parent_id = @parent_id, external_id = @external_id, updated_at = @now
           WHERE id = @id`,
        )
        .run({ ...toColumns(draft), id, now });
      this.setOwners(id, draft.owners);
    })();
    return this.get(id)!;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM cameras WHERE id = ?').run(id).changes > 0;
  }

  /** Runs several writes as one: all land or none do. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  private setOwners(cameraId: string, owners: readonly string[]): void {
    this.db.prepare('DELETE FROM camera_owners WHERE camera_id = ?').run(cameraId);
    const add = this.db.prepare('INSERT OR IGNORE INTO camera_owners (camera_id, user_id) VALUES (?, ?)');
    for (const userId of owners) add.run(cameraId, userId);
  }
}

function toColumns(d: CameraDraft) {
  return {
    name: d.name,
    site: d.site,
    lat: d.location?.lat ?? null,
    lng: d.location?.lng ?? null,
    address: d.location?.address ?? null,
    innovation_name: d.innovation?.name ?? null,
    innovation_launched_on: d.innovation?.launchedOn ?? null,
    agency: d.agency,
    onvif_host: d.onvif?.host ?? null,
    onvif_port: d.onvif?.port ?? null,
    onvif_username: d.onvif?.username ?? null,
    onvif_password_enc: d.onvif?.passwordEnc ?? null,
    rtsp_url: d.rtsp?.url ?? null,
    rtsp_username: d.rtsp?.username ?? null,
    rtsp_password_enc: d.rtsp?.passwordEnc ?? null,
    snapshot_url: d.snapshot?.url ?? null,
    snapshot_username: d.snapshot?.username ?? null,
    snapshot_password_enc: d.snapshot?.passwordEnc ?? null,
    check_interval_sec: d.checkIntervalSec,
    image_check_interval_sec: d.imageCheckIntervalSec,
    alert_grace_sec: d.alertGraceSec,
    enabled: d.enabled ? 1 : 0,
    private: d.private ? 1 : 0,
    public: d.public ? 1 : 0,
    tags: JSON.stringify(d.tags),
    parent_id: d.parentId,
    external_id: d.externalId,
  };
}

function fromRow(r: Row): Camera {
  const hasLocation = r.lat !== null || r.lng !== null || r.address !== null;
  return {
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    site: r.site,
    location: hasLocation ? { lat: r.lat, lng: r.lng, address: r.address } : null,
    innovation: r.innovation_name ? { name: r.innovation_name, launchedOn: r.innovation_launched_on } : null,
    agency: r.agency,
    owners: r.owners ? (JSON.parse(r.owners) as string[]) : [],
    onvif:
      r.onvif_host !== null
        ? { host: r.onvif_host, port: r.onvif_port ?? 80, username: r.onvif_username, passwordEnc: r.onvif_password_enc }
        : null,
    rtsp: r.rtsp_url !== null ? { url: r.rtsp_url, username: r.rtsp_username, passwordEnc: r.rtsp_password_enc } : null,
    snapshot:
      r.snapshot_url !== null
        ? { url: r.snapshot_url, username: r.snapshot_username, passwordEnc: r.snapshot_password_enc }
        : null,
    checkIntervalSec: r.check_interval_sec,
    imageCheckIntervalSec: r.image_check_interval_sec,
    alertGraceSec: r.alert_grace_sec,
    enabled: r.enabled === 1,
    private: r.private === 1,
    public: r.public === 1,
    tags: JSON.parse(r.tags) as string[],
    parentId: r.parent_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
