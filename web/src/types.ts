/** Shapes of the API answers the dashboard reads (the server's OpenAPI is the reference). */
export type { StatusName, StatusEvent, OutageEvent, AckEvent, FrameMeta, WatchRequest } from '../../src/realtime/contract';
import type { StatusName } from '../../src/realtime/contract';

export type Role = 'admin' | 'owner' | 'viewer';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  language: 'id' | 'en';
  timeZone: string;
  disabled: boolean;
  grants: { id: string; scope: 'agency' | 'site' | 'camera'; value: string; level: GrantLevel }[];
}

/** What a grant shows: status only, pictures, or live video too (and pictures of private cameras). */
export type GrantLevel = 'status' | 'pictures' | 'live';

export interface CameraStatusBrief {
  status: StatusName;
  since: string;
  reason: string;
  flapping: boolean;
  /** The outage going on now and who acknowledged it; absent from live events, null when not dark. */
  outage?: { id: string; start: string; acknowledged: { by: string; at: string } | null } | null;
}

export interface Camera {
  id: string;
  /** The admin's own inventory id, or null. */
  externalId: string | null;
  name: string;
  site: string;
  agency: string;
  location: { lat: number | null; lng: number | null; address: string | null } | null;
  innovation: { name: string; launchedOn: string | null } | null;
  owners: string[];
  onvif: { host: string; port: number; username: string | null; hasPassword: boolean } | null;
  rtspUrl: string | null;
  snapshotUrl: string | null;
  checkIntervalSec: number;
  imageCheckIntervalSec: number;
  alertGraceSec: number;
  enabled: boolean;
  /** Only its owners, admins and live grants see its picture. */
  private: boolean;
  /** What this user may see of it. */
  access: GrantLevel;
  /** Shown on the public status page. */
  public: boolean;
  tags: string[];
  parentId: string | null;
  /** When the camera was registered: monitoring began then. */
  createdAt: string;
  status: CameraStatusBrief;
}

export interface LayerResult {
  ok: boolean;
  latencyMs?: number;
  reason?: string;
  message?: string;
}

export interface StatusDetail extends CameraStatusBrief {
  layers: Record<'tcp' | 'onvif' | 'rtsp' | 'image', LayerResult | null>;
  lastCheckAt: string | null;
}

export interface Uptime {
  window: string;
  uptime: number | null;
  outages: number;
  mttrSec: number | null;
}

/** One local day's uptime, from /uptime/daily: `day` is when that day began. */
export interface DailyUptime {
  day: string;
  uptime: number | null;
}

export interface Outage {
  /** The id /api/alerts/:id/ack takes. */
  id: string;
  /** Who acknowledged it, from anywhere: the server keeps it, not this phone. */
  acknowledged: { by: string; at: string } | null;
  start: string;
  end: string | null;
  open: boolean;
  durationSec: number;
  cause: string | null;
  worst: 'degraded' | 'down';
  /** What its owners recorded: the newest entry of its history. */
  record: OutageRecord | null;
}

export const OUTAGE_CAUSES = ['power', 'network', 'camera_hardware', 'recorder', 'cable_theft', 'configuration', 'maintenance', 'unknown'] as const;
export type OutageCause = (typeof OUTAGE_CAUSES)[number];

export interface OutageRecord {
  outageId: string;
  cause: OutageCause;
  note: string;
  fixedBy: string;
  publicNote: string;
  by: string;
  at: string;
}

export interface Mute {
  id: string;
  cameraId?: string | null;
  site?: string | null;
  until: string;
  reason?: string | null;
}

export interface Contact {
  id: string;
  userId: string;
  channel: 'email' | 'telegram' | 'whatsapp' | 'webhook' | 'webpush';
  address: string;
  language: 'id' | 'en';
  /** Why sending failed for good; null while it works. */
  broken?: string | null;
}
