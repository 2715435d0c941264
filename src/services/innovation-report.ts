/**
 * The leadership report per innovation or agency: launch, cameras, days monitored, uptime since
 * launch and per month, days dark, the longest outage, outages by cause and a state (domain/
 * innovation-state.ts). Built from month rollups, day rollups for the partial months (running
 * totals: seeks, not scans), the outage log, the recorded causes and the flips at the edges of the
 * recent windows; never from raw results.
 * Callers pass only the cameras the user may see.
 */
import { groupReports, type CameraFigures, type GroupReport, type Seconds, type StateThresholds } from '../domain/innovation-state.js';
import type { OutageCause } from '../domain/outage-causes.js';
import type { StatusSeconds } from '../domain/timeline.js';
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import { sumDayRollupRanges, type CameraRange } from '../store/rollups.js';
import type { GroupMonth } from '../store/month-rollups.js';
import { bucketStartOf } from '../domain/rollup.js';
import { monthStartOf, monthsBetween, nextMonthStart } from '../domain/months.js';
import { DAY_ROLLED_MARKER, MONTH_ROLLED_MARKER, type History } from './history.js';
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
    const tzMs = this.options.tzOffsetMinutes * 60_000;
    return { by, generatedAt: iso(now), recentDays: this.options.thresholds.recentDays, groups: this.groups(cameras, by, now).map((g) => toView(g, tzMs)) };
  }

  /** The groups' reports, before dates are written for people. */
  groups(cameras: readonly Camera[], by: ReportGrouping, now: number = this.now()): GroupReport[] {
    const { figures, summedMonths } = this.figures(cameras, by, now);
    return groupReports(figures, now, this.options.thresholds, summedMonths);
  }

  /**
   * Each camera's figures since its innovation's launch (or since the day it was added, without
   * one). Whole months come from month rollups, summed in SQL (per camera: days and outages; per
   * group: each month's seconds); the launch month from the launch day on, and months not in month
   * rollups yet (the current one), from day rollups and the outage log: the same sums.
   */
  private figures(cameras: readonly Camera[], by: ReportGrouping, now: number): { figures: CameraFigures[]; summedMonths: Map<string, GroupMonth[]> } {
    if (cameras.length === 0) return { figures: [], summedMonths: new Map() };
    const tz = this.options.tzOffsetMinutes;
    const recentMs = this.options.thresholds.recentDays * DAY_MS;
    const ids = cameras.map((c) => c.id);
    const rolledUntil = Math.min(now, this.store.rollups.getMarker(DAY_ROLLED_MARKER) ?? now);
    // Months before this are in month rollups (whole months, never past the days rolled).
    const monthsUntil = Math.min(this.store.rollups.getMarker(MONTH_ROLLED_MARKER) ?? -Infinity, monthStartOf(rolledUntil, tz));
    const grid = monthGrid(tz, rolledUntil);
    const plans = cameras.map((c) => planCamera(c, tz, grid, monthsUntil, now - recentMs, now));
    const groupOf = (c: Camera) => (by === 'agency' ? c.agency : (c.innovation?.name ?? ''));
    const stored = this.store.monthRollups.sums(
      plans.map((p, k) => ({ cameraId: p.cameraId, from: p.start, outagesFrom: p.outageMonthsFrom, group: groupOf(cameras[k]!) })),
      monthsUntil,
      now,
    );
    const days = sumDayRollupRanges(this.store.db, plans.flatMap((p) => p.dayRanges));
    const logged = this.store.flips.outagesIn(plans.flatMap((p) => p.outageRanges), now);
    const recent = this.history.all(ids, now - recentMs, now);
    const before = this.history.all(ids, now - 4 * recentMs, now - recentMs);
    const open = this.store.flips.openOutages();
    const launchOf = new Map(plans.map((p) => [p.cameraId, p.launchedOn]));
    const causes = causesByCamera(this.store, ids, launchOf);
    let d = 0;
    let o = 0;
    const figures = cameras.map((c, k): CameraFigures => {
      const plan = plans[k]!;
      const months: { month: number; seconds: Seconds }[] = [];
      let { days: daysMonitored, outages, longestMs } = stored.totals[k]!;
      for (const month of plan.dayMonths) {
        const sum = days[d++];
        if (!sum || sum.days === 0) continue;
        daysMonitored += sum.days;
        months.push({ month, seconds: fromStatus(sum) });
      }
      for (let i = 0; i < plan.outageRanges.length - 1; i++) {
        const l = logged[o++]!;
        outages += l.outages;
        longestMs = Math.max(longestMs, l.longestMs);
      }
      const recentOutages = logged[o++]!.outages;
      return {
        cameraId: c.id,
        group: groupOf(c),
        launchedOn: plan.launchedOn,
        daysMonitored,
        months,
        recent: fromStatus(recent.get(c.id)?.seconds ?? ZERO_STATUS),
        before: fromStatus(before.get(c.id)?.seconds ?? ZERO_STATUS),
        outages,
        recentOutages,
        longestOutageMs: longestMs,
        causes: causes.get(c.id) ?? {},
        darkSince: open.get(c.id)?.start ?? null,
      };
    });
    return { figures, summedMonths: stored.groups };
  }
}

const ZERO_STATUS = { up: 0, degraded: 0, down: 0 };

/** Earliest time the outage log is asked about (a camera without a launch date: all of it). */
const EVER = Number.MIN_SAFE_INTEGER;

/**
 * Where each of a camera's figures come from. Seconds and days: from `start` (the launch day, or
 * the day it was added) through the days rolled — whole months before `monthsUntil` from month
 * rollups, the rest (`dayMonths`, one range each) from day rollups. Outages: those that started
 * from the launch on (all, without one) before `now` — whole months from month rollups, the rest
 * from the outage log; the last outage range is the recent window's, counted apart.
 */
function planCamera(c: Camera, tz: number, grid: MonthGrid, monthsUntil: number, recentFrom: number, now: number) {
  const tzMs = tz * 60_000;
  const launchedOn = launchMs(c.innovation?.launchedOn ?? null, tzMs);
  const start = launchedOn ?? bucketStartOf(c.createdAt, 'day', tz);
  const dayMonths: number[] = [];
  const dayRanges: CameraRange[] = [];
  for (const [month, to] of grid.from(start)) {
    if (month >= start && to <= monthsUntil) continue;
    dayMonths.push(month);
    dayRanges.push({ cameraId: c.id, from: Math.max(month, start), to });
  }
  const outagesFrom = launchedOn ?? EVER;
  // The first whole month from the launch on; the outage log answers before it and from `monthsUntil`.
  const firstWhole = launchedOn === null ? EVER : monthStartOf(launchedOn, tz) === launchedOn ? launchedOn : nextMonthStart(launchedOn, tz);
  const outageRanges: CameraRange[] =
    firstWhole >= monthsUntil
      ? [{ cameraId: c.id, from: outagesFrom, to: now }]
      : [
          { cameraId: c.id, from: outagesFrom, to: firstWhole },
          { cameraId: c.id, from: monthsUntil, to: now },
        ];
  outageRanges.push({ cameraId: c.id, from: Math.max(outagesFrom, recentFrom), to: now });
  return { cameraId: c.id, launchedOn, start, dayMonths, dayRanges, outageMonthsFrom: firstWhole, outageRanges };
}

interface MonthGrid {
  /** Each month [start, next start) from the one holding `t` through the one holding the days rolled. */
  from(t: number): Iterable<[number, number]>;
}

/** The local months up to the one holding `until`, computed once per first month and shared by the cameras' plans. */
function monthGrid(tz: number, until: number): MonthGrid {
  const runs = new Map<number, [number, number][]>();
  return {
    from(t: number) {
      const first = monthStartOf(t, tz);
      let run = runs.get(first);
      if (!run) {
        const starts = monthsBetween(first, until, tz);
        runs.set(first, (run = starts.map((m, i) => [m, starts[i + 1] ?? nextMonthStart(m, tz)])));
      }
      return run;
    },
  };
}

/** A `YYYY-MM-DD` launch date as the start of that local day; null when absent or unreadable. */
function launchMs(date: string | null, tzMs: number): number | null {
  if (!date) return null;
  const t = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  return Number.isFinite(t) ? t - tzMs : null;
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
    months: g.months.slice(-MAX_MONTHS).map((m) => ({ month: local(m.month).slice(0, 7), start: iso(m.month), uptime: m.uptime })),
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
