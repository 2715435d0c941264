/**
 * Read models over the monitor and history: a camera's status with its layers, its uptime and
 * outages, and the per-agency report (zones, and the innovations dark for days) as JSON or CSV.
 * Visibility is the registry's: callers pass only cameras the user may see.
 */
import { agencyReport, type CameraHealth, type ZoneReport } from '../domain/agency-report.js';
import type { CameraStatus, LayerResults } from '../domain/status.js';
import type { Outage } from '../domain/uptime.js';
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import type { OutageNote } from '../store/outage-notes.js';
import { recordView } from './outage-records.js';
import type { History, WindowName } from './history.js';
import { WINDOWS } from './history.js';
import type { Monitor } from './monitor.js';

export interface StatusView {
  status: CameraStatus;
  since: string;
  reason: string;
  flapping: boolean;
  layers: Record<'tcp' | 'onvif' | 'rtsp' | 'image', LayerResults[keyof LayerResults] | null>;
  lastCheckAt: string | null;
}

export interface OpenOutageView {
  id: string;
  start: string;
  acknowledged: { by: string; at: string } | null;
}

export interface ReportOptions {
  green: number;
  yellow: number;
  darkAfterDays: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class Reports {
  constructor(
    private readonly store: Store,
    private readonly monitor: Monitor,
    private readonly history: History,
    private readonly options: ReportOptions,
    private readonly now: () => number = Date.now,
  ) {}

  status(camera: Camera): StatusView {
    const live = this.monitor.status(camera.id);
    if (!live) {
      return { status: camera.enabled ? 'unknown' : 'paused', since: iso(camera.createdAt), reason: 'not_checked', flapping: false, layers: { tcp: null, onvif: null, rtsp: null, image: null }, lastCheckAt: null };
    }
    const { state, layers } = live;
    return {
      status: state.status,
      since: iso(state.since),
      reason: state.reason,
      flapping: state.flap.flappingSince !== null,
      layers: { tcp: layers.tcp ?? null, onvif: layers.onvif ?? null, rtsp: layers.rtsp ?? null, image: layers.image ?? null },
      lastCheckAt: state.lastProbeAt === null ? null : iso(state.lastProbeAt),
    };
  }

  uptime(cameraId: string, window: WindowName) {
    const to = this.now();
    const r = this.history.camera(cameraId, to - WINDOWS[window], to);
    return {
      window,
      from: iso(r.from),
      to: iso(r.to),
      uptime: r.uptime,
      secondsByStatus: r.seconds,
      unknownSec: r.seconds.unknown,
      outages: r.outageCount,
      mttrSec: r.mttrSeconds,
      mtbfSec: r.mtbfSeconds,
    };
  }

  /** Uptime per local day for the last `days` days, for status-page bars. */
  daily(cameraId: string, days: number) {
    return this.history.daily(cameraId, days, this.now()).map((d) => ({ day: iso(d.day), uptime: d.uptime }));
  }

  /** Uptime of many cameras over one window, in one answer (the grid). */
  uptimeOfMany(cameras: readonly Camera[], window: WindowName): Record<string, number | null> {
    const to = this.now();
    const all = this.history.all(cameras.map((c) => c.id), to - WINDOWS[window], to);
    return Object.fromEntries(cameras.map((c) => [c.id, all.get(c.id)?.uptime ?? null]));
  }

  outages(cameraId: string, from: number, to: number) {
    const records = this.store.outageNotes.current([cameraId]);
    return this.history
      .camera(cameraId, from, to)
      .outages.map((o: Outage) => ({
        id: `${cameraId}:${o.start}`,
        acknowledged: ackOf(this.store, `${cameraId}:${o.start}`),
        record: recordOf(records.get(`${cameraId}:${o.start}`)),
        start: iso(o.start),
        startKnown: o.startKnown,
        end: o.end === null ? null : iso(o.end),
        open: o.end === null,
        durationSec: ((o.end ?? to) - o.start) / 1000,
        cause: o.cause,
        worst: o.worst,
        endedBy: o.endedBy,
      }))
      .reverse();
  }

  /**
   * The open outage of each dark camera among these (id, start, who acknowledged it): the grid's
   * dark-now cards say whether anyone is on it. One query for the fleet, then one lookup per dark camera.
   */
  openOutages(cameras: readonly Camera[]): Map<string, OpenOutageView> {
    const open = this.store.flips.openOutages();
    const out = new Map<string, OpenOutageView>();
    for (const c of cameras) {
      const o = open.get(c.id);
      if (!o) continue;
      const id = `${c.id}:${o.start}`;
      out.set(c.id, { id, start: iso(o.start), acknowledged: ackOf(this.store, id) });
    }
    return out;
  }

  agencies(cameras: readonly Camera[], window: WindowName): ZoneReport & { window: WindowName; from: string; to: string } {
    const to = this.now();
    const from = to - WINDOWS[window];
    const uptimes = this.history.all(cameras.map((c) => c.id), from, to);
    const outages = this.store.flips.openOutages();
    const health: CameraHealth[] = cameras.map((c) => {
      const live = this.monitor.status(c.id);
      const status = live?.state.status ?? (c.enabled ? 'unknown' : 'paused');
      // Dark for how long: from the start of the outage, which survives restarts and degraded↔down changes.
      const since = outages.get(c.id)?.start ?? live?.state.since ?? c.createdAt;
      return {
        cameraId: c.id,
        cameraName: c.name,
        agency: c.agency,
        ...(c.innovation ? { innovation: c.innovation.name } : {}),
        uptime: uptimes.get(c.id)?.uptime ?? null,
        status,
        since,
      };
    });
    const report = agencyReport(health, {
      now: to,
      thresholds: { green: this.options.green, yellow: this.options.yellow },
      darkAfterMs: this.options.darkAfterDays * 86_400_000,
    });
    return { window, from: iso(from), to: iso(to), ...report };
  }
}

function recordOf(n: OutageNote | undefined) {
  return n ? recordView(n) : null;
}

function ackOf(store: Store, outageId: string): { by: string; at: string } | null {
  const ack = store.notifications.acknowledgementOf(outageId);
  return ack ? { by: ack.by, at: iso(ack.at) } : null;
}

/** One CSV cell: quoted, with spreadsheet formulas in names typed by users defused. */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return `"${(/^[=+\-@]/.test(s) ? `'${s}` : s).replace(/"/g, '""')}"`;
}

/** The agency report as CSV: one line per agency, then the cameras dark for days. */
export function agencyReportCsv(report: ZoneReport): string {
  const q = csvCell;
  const lines = ['agency,cameras,uptime,zone,up,degraded,down,unknown,paused,dark'];
  for (const a of report.agencies) {
    const s = a.statuses;
    lines.push([a.agency, a.cameras, a.uptime === null ? '' : a.uptime.toFixed(5), a.zone, s.up, s.degraded, s.down, s.unknown, s.paused, a.dark].map(q).join(','));
  }
  lines.push('', 'dark_camera,agency,innovation,status,since,dark_days');
  for (const d of report.dark) {
    lines.push([d.cameraName ?? d.cameraId, d.agency, d.innovation ?? '', d.status, iso(d.since), (d.darkForMs / 86_400_000).toFixed(1)].map(q).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
