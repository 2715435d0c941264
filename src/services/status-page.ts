/**
 * The public status page's data: what citizens may see of the cameras marked `public`, built
 * from the uptime history (day rollups, flips at the edges) and the monitor's live state. The
 * output is an allow-list: every field is copied by name, so a field added to cameras never
 * reaches the public page unless it is added here. Never: pictures, addresses, coordinates finer
 * than configured, owners, contacts, connection details, who acknowledged, internal ids.
 *
 * Building costs a few queries per public camera (about 2 ms each: seconds at a thousand), so it
 * runs in slices of about `SLICE_MS`, yielding to the event loop between them: probe rounds,
 * sockets and other requests wait for a slice at most, never for the whole build. The HTTP layer
 * (http/status-page/) builds at most once per `refreshSec` and serves from memory.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { zoneOf, type Zone, type ZoneThresholds } from '../domain/agency-report.js';
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import type { History } from './history.js';
import { csvCell, type Reports } from './reports.js';

export const STATUS_DAYS = 90;

/** A state as the public page names it: paused cameras are "maintenance", never their reason. */
export type PublicState = 'up' | 'degraded' | 'down' | 'unknown' | 'paused';

export interface PublicOutage {
  start: string;
  durationSec: number;
  /** Whether someone is on it (acknowledged); never who. */
  acknowledged: boolean;
  /** What the agency tells the public about it; absent when none was written. */
  note?: string;
}

export interface PublicDay {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** Uptime ratio 0..1; null when nothing was known that day. */
  uptime: number | null;
  /** Outages that overlapped the day. */
  outages: number;
}

export interface PublicCameraEntry {
  name: string;
  site: string;
  agency: string;
  innovation: string | null;
  /** Present only when statusPage.coordinatePrecision is set, rounded to it. */
  location?: { lat: number; lng: number };
  state: PublicState;
  since: string;
  uptime30d: number | null;
  uptime90d: number | null;
  zone: Zone;
  days: PublicDay[];
  outage: PublicOutage | null;
}

export interface PublicAgencyEntry {
  agency: string;
  slug: string;
  cameras: number;
  /** Mean of its public cameras' 30-day uptimes. */
  uptime30d: number | null;
  zone: Zone;
  states: Record<PublicState, number>;
  openOutages: number;
}

export interface PublicStatus {
  title: string;
  generatedAt: string;
  timeZone: string;
  thresholds: ZoneThresholds;
  agencies: PublicAgencyEntry[];
  cameras: PublicCameraEntry[];
}

export interface StatusPageOptions {
  title: string;
  coordinatePrecision: number | null;
  thresholds: ZoneThresholds;
  timeZone: string;
  tzOffsetMinutes: number;
  /**
   * The public note of an outage (by its id, `<cameraId>:<start ms>`), when outages carry one.
   * Absent: no outage has a note.
   */
  publicNote?: (outageId: string) => string | null | undefined;
  /** How long a build runs before it yields to the event loop. @defaultValue SLICE_MS */
  sliceMs?: number;
}

const DAY = 86_400_000;
/** How long a build runs before it lets the event loop take other work. */
export const SLICE_MS = 10;

export class StatusPageData {
  constructor(
    private readonly store: Store,
    private readonly history: History,
    private readonly reports: Reports,
    private readonly options: StatusPageOptions,
    private readonly now: () => number = Date.now,
  ) {}

  async build(): Promise<PublicStatus> {
    const now = this.now();
    const cameras = this.store.cameras.publicOnes();
    const ids = cameras.map((c) => c.id);
    const u30 = this.history.all(ids, now - 30 * DAY, now);
    await yieldToLoop();
    const open = this.reports.openOutages(cameras);
    const entries: PublicCameraEntry[] = [];
    let slice = performance.now();
    for (const c of cameras) {
      entries.push(this.entry(c, now, u30.get(c.id)?.uptime ?? null, open.get(c.id)));
      if (performance.now() - slice >= (this.options.sliceMs ?? SLICE_MS)) {
        await yieldToLoop();
        slice = performance.now();
      }
    }
    return {
      title: this.options.title,
      generatedAt: new Date(now).toISOString(),
      timeZone: this.options.timeZone,
      thresholds: { green: this.options.thresholds.green, yellow: this.options.thresholds.yellow },
      agencies: agenciesOf(entries, this.options.thresholds),
      cameras: entries,
    };
  }

  private entry(c: Camera, now: number, uptime30d: number | null, open: { id: string; start: string; acknowledged: unknown } | undefined): PublicCameraEntry {
    const status = this.reports.status(c);
    const ninety = this.history.camera(c.id, now - STATUS_DAYS * DAY, now);
    const days = this.history.daily(c.id, STATUS_DAYS, now).map((d): PublicDay => ({
      date: this.localDate(d.day),
      uptime: d.uptime,
      outages: ninety.outages.filter((o) => o.start < d.day + DAY && (o.end ?? now) > d.day).length,
    }));
    const precision = this.options.coordinatePrecision;
    const lat = c.location?.lat;
    const lng = c.location?.lng;
    let outage: PublicOutage | null = null;
    if (open) {
      const start = Date.parse(open.start);
      const note = this.options.publicNote?.(open.id);
      outage = { start: open.start, durationSec: Math.max(0, Math.round((now - start) / 1000)), acknowledged: open.acknowledged !== null, ...(note ? { note } : {}) };
    }
    return {
      name: c.name,
      site: c.site,
      agency: c.agency,
      innovation: c.innovation?.name ?? null,
      ...(precision !== null && typeof lat === 'number' && typeof lng === 'number' ? { location: { lat: round(lat, precision), lng: round(lng, precision) } } : {}),
      state: status.status,
      since: open?.start ?? status.since,
      uptime30d,
      uptime90d: ninety.uptime,
      zone: zoneOf(uptime30d, this.options.thresholds),
      days,
      outage,
    };
  }

  private localDate(dayStart: number): string {
    return new Date(dayStart + this.options.tzOffsetMinutes * 60_000).toISOString().slice(0, 10);
  }
}

function round(v: number, places: number): number {
  const f = 10 ** places;
  return Math.round(v * f) / f;
}

/** A URL-safe name for an agency: lowercase letters, digits and dashes; unique within the list. */
export function agencySlug(agency: string): string {
  const s = agency
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'opd';
}

function agenciesOf(entries: readonly PublicCameraEntry[], thresholds: ZoneThresholds): PublicAgencyEntry[] {
  const groups = new Map<string, PublicCameraEntry[]>();
  for (const e of entries) {
    const g = groups.get(e.agency);
    if (g) g.push(e);
    else groups.set(e.agency, [e]);
  }
  const used = new Set<string>();
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([agency, members]) => {
      let slug = agencySlug(agency);
      for (let n = 2; used.has(slug); n++) slug = `${agencySlug(agency)}-${n}`;
      used.add(slug);
      const known = members.map((m) => m.uptime30d).filter((u): u is number => u !== null);
      const uptime30d = known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
      const states: Record<PublicState, number> = { up: 0, degraded: 0, down: 0, unknown: 0, paused: 0 };
      for (const m of members) states[m.state] += 1;
      return { agency, slug, cameras: members.length, uptime30d, zone: zoneOf(uptime30d, thresholds), states, openOutages: members.filter((m) => m.outage).length };
    });
}

/** The open-data CSV: one line per public camera. */
export function statusCsv(status: PublicStatus): string {
  const ratio = (u: number | null) => (u === null ? '' : u.toFixed(5));
  const lines = ['agency,innovation,camera,site,lat,lng,state,since,uptime_30d,uptime_90d,zone,open_outage_start,open_outage_sec,acknowledged,note'];
  for (const c of status.cameras) {
    lines.push(
      [c.agency, c.innovation, c.name, c.site, c.location?.lat, c.location?.lng, c.state, c.since, ratio(c.uptime30d), ratio(c.uptime90d), c.zone,
        c.outage?.start, c.outage?.durationSec, c.outage ? (c.outage.acknowledged ? 'yes' : 'no') : '', c.outage?.note]
        .map((v) => (typeof v === 'number' ? `"${v}"` : csvCell(v)))
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
