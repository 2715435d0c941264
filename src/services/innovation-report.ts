/**
 * The leadership report per innovation or agency: launch, cameras, days monitored, uptime since
 * launch and per month, days dark, the longest outage, outages by cause and a state (domain/
 * innovation-state.ts). Built from day rollups (running totals: seeks, not scans), the outage log,
 * the recorded causes and the flips at the edges of the recent windows; never from raw results.
 * Callers pass only the cameras the user may see.
 */
import { groupReports, type CameraFigures, type GroupReport, type Seconds, type StateThresholds } from '../domain/innovation-state.js';
import type { OutageCause } from '../domain/outage-causes.js';
import type { StatusSeconds } from '../domain/timeline.js';
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import { sumDayRollupsBetween, type SummedDays } from '../store/rollups.js';
import { DAY_ROLLED_MARKER, type History } from './history.js';
import { csvCell } from './reports.js';

export type ReportGrouping = 'innovation' | 'agency';

const DAY_MS = 86_400_000;
/** Months shown at most (the total since launch still counts every month). */
const MAX_MONTHS = 120;

const iso = (ms: number) => new Date(ms).toISOString();
const fromStatus = (s: Pick<StatusSeconds, 'up' | 'degraded' | 'down'>): Seconds => ({ up: s.up, dark: s.degraded + s.down, known: s.up + s.degraded + s.down });

export class InnovationReports {
  constructor(
    private readonly store: Store,
    private readonly history: History,
    private readonly options: { tzOffsetMinutes: number; thresholds: StateThresholds },
    private readonly now: () => number = Date.now,
  ) {}

  report(cameras: readonly Camera[], by: ReportGrouping) {
    const now = this.now();
    const groups = groupReports(this.figures(cameras, by, now), now, this.options.thresholds);
    const tzMs = this.options.tzOffsetMinutes * 60_000;
    return { by, generatedAt: iso(now), recentDays: this.options.thresholds.recentDays, groups: groups.map((g) => toView(g, tzMs)) };
  }

  /** Each camera's figures since its innovation's launch (or since it was added, without one). */
  private figures(cameras: readonly Camera[], by: ReportGrouping, now: number): CameraFigures[] {
    if (cameras.length === 0) return [];
    const tz = this.options.tzOffsetMinutes * 60_000;
    const recentMs = this.options.thresholds.recentDays * DAY_MS;
    const ids = cameras.map((c) => c.id);
    const launchOf = new Map(cameras.map((c) => [c.id, launchMs(c.innovation?.launchedOn ?? null, tz)]));
    const startOf = (c: Camera) => launchOf.get(c.id) ?? c.createdAt;
    const rolledUntil = Math.min(now, this.store.rollups.getMarker(DAY_ROLLED_MARKER) ?? now);
    // Month starts, and each launch day, so a launch month counts from the launch day on.
    const monthStarts = monthBounds(Math.min(...cameras.map(startOf)), rolledUntil, tz);
    const bounds = [...new Set([...monthStarts, ...[...launchOf.values()].filter((l): l is number => l !== null && l > monthStarts[0]!)])].sort((a, b) => a - b);
    const monthOf = (t: number) => monthStarts.findLast((m) => m <= t)!;
    const runs = sumDayRollupsBetween(this.store.db, bounds);
    const recent = this.history.all(ids, now - recentMs, now);
    const before = this.history.all(ids, now - 4 * recentMs, now - recentMs);
    const outages = this.store.flips.outageStats(now, now - recentMs, this.options.tzOffsetMinutes);
    const open = this.store.flips.openOutages();
    const causes = causesByCamera(this.store, ids, launchOf);
    return cameras.map((c) => {
      const start = startOf(c);
      // From the launch day on: before it the camera served no innovation.
      const mine = new Map<number, SummedDays>();
      (runs.get(c.id) ?? []).forEach((run, i) => {
        if (bounds[i]! < start || run.days === 0) return;
        const month = monthOf(bounds[i]!);
        const m = mine.get(month);
        mine.set(month, m ? addSummed(m, run) : run);
      });
      const o = outages.get(c.id);
      return {
        cameraId: c.id,
        group: by === 'agency' ? c.agency : (c.innovation?.name ?? ''),
        launchedOn: launchOf.get(c.id) ?? null,
        daysMonitored: [...mine.values()].reduce((n, m) => n + m.days, 0),
        months: [...mine].slice(-MAX_MONTHS).map(([month, s]) => ({ month, seconds: fromSummed(s) })),
        recent: fromStatus(recent.get(c.id)?.seconds ?? ZERO_STATUS),
        before: fromStatus(before.get(c.id)?.seconds ?? ZERO_STATUS),
        outages: o?.outages ?? 0,
        recentOutages: o?.recent ?? 0,
        longestOutageMs: o?.longestMs ?? 0,
        causes: causes.get(c.id) ?? {},
        darkSince: open.get(c.id)?.start ?? null,
      };
    });
  }
}

const ZERO_STATUS = { up: 0, degraded: 0, down: 0 };
const fromSummed = (s: SummedDays): Seconds => fromStatus(s);
const addSummed = (a: SummedDays, b: SummedDays): SummedDays => ({
  days: a.days + b.days,
  up: a.up + b.up,
  degraded: a.degraded + b.degraded,
  down: a.down + b.down,
  unknown: a.unknown + b.unknown,
  paused: a.paused + b.paused,
});

/** A `YYYY-MM-DD` launch date as the start of that local day; null when absent or unreadable. */
function launchMs(date: string | null, tzMs: number): number | null {
  if (!date) return null;
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(t) ? t - tzMs : null;
}

/** Starts of the local months from the one holding `from` through the one after `to`'s. */
export function monthBounds(from: number, to: number, tzMs: number): number[] {
  const local = new Date(from + tzMs);
  let y = local.getUTCFullYear();
  let m = local.getUTCMonth();
  const bounds: number[] = [];
  for (;;) {
    const start = Date.UTC(y, m, 1) - tzMs;
    bounds.push(start);
    if (start > to) break;
    if (++m === 12) {
      m = 0;
      y++;
    }
  }
  return bounds;
}

/** Recorded causes (the record in force) of each camera's outages since its launch. */
function causesByCamera(store: Store, ids: readonly string[], launchOf: ReadonlyMap<string, number | null>): Map<string, Partial<Record<OutageCause, number>>> {
  const out = new Map<string, Partial<Record<OutageCause, number>>>();
  for (const n of store.outageNotes.current(ids).values()) {
    const start = Number(n.outageId.slice(n.cameraId.length + 1));
    if (start < (launchOf.get(n.cameraId) ?? 0)) continue;
    const c = out.get(n.cameraId) ?? {};
    c[n.cause] = (c[n.cause] ?? 0) + 1;
    out.set(n.cameraId, c);
  }
  return out;
}

/** Dates as the report's zone reads them: the launch day and each month as `YYYY-MM`. */
function toView(g: GroupReport, tzMs: number) {
  const local = (ms: number) => new Date(ms + tzMs).toISOString();
  return {
    ...g,
    launchedOn: g.launchedOn === null ? null : local(g.launchedOn).slice(0, 10),
    months: g.months.map((m) => ({ month: local(m.month).slice(0, 7), start: iso(m.month), uptime: m.uptime })),
  };
}

export type InnovationReport = ReturnType<InnovationReports['report']>;

/** The report as CSV: one line per innovation (or agency), causes as columns, months as `YYYY-MM=uptime` pairs. */
export function innovationReportCsv(report: InnovationReport, causes: readonly OutageCause[]): string {
  const q = csvCell;
  const pct = (x: number | null) => (x === null ? '' : x.toFixed(5));
  const head = [report.by, 'state', 'reasons', 'launched_on', 'cameras', 'days_monitored', 'uptime_since_launch', 'uptime_recent', 'days_dark', 'longest_outage_hours', 'outages', ...causes.map((c) => `cause_${c}`), 'cause_unrecorded', 'dark_now', 'months'];
  const lines = [head.join(',')];
  for (const g of report.groups) {
    lines.push(
      [
        g.group,
        g.state,
        g.reasons.join(' '),
        g.launchedOn ?? '',
        g.cameras,
        g.daysMonitored,
        pct(g.uptimeSinceLaunch),
        pct(g.recentUptime),
        g.daysDark.toFixed(2),
        (g.longestOutageSec / 3600).toFixed(1),
        g.outages,
        ...causes.map((c) => g.outagesByCause[c]),
        g.unrecorded,
        g.darkNow,
        g.months.map((m) => `${m.month}=${pct(m.uptime)}`).join(' '),
      ]
        .map(q)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
