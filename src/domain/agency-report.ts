/**
 * The per-agency (OPD) zone report: how each agency's cameras did over a period, in green,
 * yellow and red, and which cameras have been dark long enough that the innovation they belong
 * to is dying quietly.
 *
 * Pure: per-camera uptime, status and `since` come in, `now` is a parameter. Must not compute
 * uptime itself (uptime.ts and rollup.ts do) nor format text for people.
 */
import { CAMERA_STATUSES, isBad, type BadStatus, type CameraStatus } from './status.js';

export type Zone = 'green' | 'yellow' | 'red' | 'unknown';

/** Lowest uptime ratio (0..1) for each zone; anything below `yellow` is red. */
export interface ZoneThresholds {
  /** @defaultValue 0.99 */
  green: number;
  /** @defaultValue 0.95 */
  yellow: number;
}

export const DEFAULT_ZONE_THRESHOLDS: Readonly<ZoneThresholds> = Object.freeze({ green: 0.99, yellow: 0.95 });
/** Dark for more than this is reported. @defaultValue 7 days */
export const DEFAULT_DARK_AFTER_MS = 7 * 86_400_000;

// A camera at exactly 99 % must not fall to yellow because up/known came out a hair below 0.99.
const EPSILON = 1e-9;

export interface CameraHealth {
  cameraId: string;
  cameraName?: string;
  /** The owning agency (OPD). */
  agency: string;
  /** The program the camera belongs to. */
  innovation?: string;
  /** Uptime ratio over the report's period; null when nothing was known. */
  uptime: number | null;
  status: CameraStatus;
  /**
   * When the current status began. For a bad status use the outage start (uptime.ts), which
   * survives restarts, so a camera that stays dark keeps its age.
   */
  since: number;
}

export interface AgencyReport {
  agency: string;
  cameras: number;
  /** Mean of the cameras' uptimes, each camera weighing the same; null when none is known. */
  uptime: number | null;
  zone: Zone;
  /** How many cameras fall in each zone by their own uptime. */
  zones: Record<Zone, number>;
  statuses: Record<CameraStatus, number>;
  /** Cameras of this agency in the dark list. */
  dark: number;
}

export interface DarkCamera {
  cameraId: string;
  cameraName?: string;
  agency: string;
  innovation?: string;
  status: BadStatus;
  since: number;
  darkForMs: number;
}

export interface ReportOptions {
  now: number;
  thresholds?: ZoneThresholds;
  darkAfterMs?: number;
}

export interface ZoneReport {
  /** Worst uptime first (unknown last), then by agency name. */
  agencies: AgencyReport[];
  /** Longest dark first. */
  dark: DarkCamera[];
}

function checkThresholds({ green, yellow }: ZoneThresholds): void {
  if (!(yellow >= 0 && yellow <= green && green <= 1)) {
    throw new RangeError(`zone thresholds need 0 ≤ yellow ≤ green ≤ 1, got yellow ${yellow}, green ${green}`);
  }
}

export function zoneOf(uptime: number | null, thresholds: ZoneThresholds = DEFAULT_ZONE_THRESHOLDS): Zone {
  if (uptime === null) return 'unknown';
  if (uptime + EPSILON >= thresholds.green) return 'green';
  if (uptime + EPSILON >= thresholds.yellow) return 'yellow';
  return 'red';
}

/** Dark: down or degraded for strictly more than `darkAfterMs`. */
export function darkCamera(camera: CameraHealth, now: number, darkAfterMs = DEFAULT_DARK_AFTER_MS): DarkCamera | null {
  if (!isBad(camera.status) || now - camera.since <= darkAfterMs) return null;
  const { cameraId, cameraName, agency, innovation, since } = camera;
  return {
    cameraId,
    ...(cameraName === undefined ? {} : { cameraName }),
    agency,
    ...(innovation === undefined ? {} : { innovation }),
    status: camera.status,
    since,
    darkForMs: now - since,
  };
}

const zeroZones = (): Record<Zone, number> => ({ green: 0, yellow: 0, red: 0, unknown: 0 });
const zeroStatuses = (): Record<CameraStatus, number> =>
  Object.fromEntries(CAMERA_STATUSES.map((s) => [s, 0])) as Record<CameraStatus, number>;

export function agencyReport(cameras: readonly CameraHealth[], options: ReportOptions): ZoneReport {
  const thresholds = options.thresholds ?? DEFAULT_ZONE_THRESHOLDS;
  checkThresholds(thresholds);
  const darkAfterMs = options.darkAfterMs ?? DEFAULT_DARK_AFTER_MS;

  const groups = new Map<string, CameraHealth[]>();
  for (const c of cameras) {
    const members = groups.get(c.agency);
    if (members) members.push(c);
    else groups.set(c.agency, [c]);
  }

  const dark: DarkCamera[] = [];
  const agencies: AgencyReport[] = [];
  for (const [agency, members] of groups) {
    const zones = zeroZones();
    const statuses = zeroStatuses();
    const known: number[] = [];
    let darkHere = 0;
    for (const c of members) {
      zones[zoneOf(c.uptime, thresholds)] += 1;
      statuses[c.status] += 1;
      if (c.uptime !== null) known.push(c.uptime);
      const d = darkCamera(c, options.now, darkAfterMs);
      if (d) {
        dark.push(d);
        darkHere += 1;
      }
    }
    const uptime = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null;
    const zone = zoneOf(uptime, thresholds);
    agencies.push({ agency, cameras: members.length, uptime, zone, zones, statuses, dark: darkHere });
  }

  agencies.sort((a, b) => {
    if (a.uptime !== b.uptime) {
      if (a.uptime === null) return 1;
      if (b.uptime === null) return -1;
      return a.uptime - b.uptime;
    }
    return a.agency.localeCompare(b.agency);
  });
  dark.sort((a, b) => a.since - b.since || a.cameraId.localeCompare(b.cameraId));
  return { agencies, dark };
}
