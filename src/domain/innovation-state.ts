/**
 * The leadership report: for each innovation (or agency), how its cameras have done since it was
 * launched — uptime in total and per month, days dark, the longest outage, outages by cause —
 * and its state: healthy, at risk (uptime falling or repeated outages), dying (dark most of the
 * recent window), dead (every camera dark without a break for longer than a month), or unknown
 * (nothing measured yet). Also which groups changed state since a previous report.
 *
 * Pure: per-camera figures (from rollups, the outage log and recorded causes) and the clock come
 * in. Must not read the store, and must not word anything for people.
 */
import { OUTAGE_CAUSES, type OutageCause } from './outage-causes.js';

export const INNOVATION_STATES = ['healthy', 'at_risk', 'dying', 'dead', 'unknown'] as const;
export type InnovationState = (typeof INNOVATION_STATES)[number];
/** Why a group is not healthy, as stable codes. */
export type StateReason = 'all_dark_long' | 'dark_most_of_recent' | 'repeated_outages' | 'uptime_falling';

export interface StateThresholds {
  /** The recent window, in days. @defaultValue 30 */
  recentDays: number;
  /** Dead: every camera dark without a break for longer than this. @defaultValue 30 */
  deadAfterDays: number;
  /** Dying: dark for more than this share of the known time in the recent window. @defaultValue 0.5 */
  dyingDarkShare: number;
  /** At risk: at least this many outages per camera began in the recent window. @defaultValue 3 */
  repeatedOutages: number;
  /** At risk: recent uptime this far (0..1) below the uptime before the recent window. @defaultValue 0.05 */
  uptimeFallBy: number;
}

export const DEFAULT_STATE_THRESHOLDS: Readonly<StateThresholds> = Object.freeze({ recentDays: 30, deadAfterDays: 30, dyingDarkShare: 0.5, repeatedOutages: 3, uptimeFallBy: 0.05 });

const DAY_MS = 86_400_000;

/** Seconds up, dark (degraded or down) and known (everything but unknown and paused). */
export interface Seconds {
  up: number;
  dark: number;
  known: number;
}

export interface CameraFigures {
  cameraId: string;
  /** The innovation's name, or the agency: what the report groups by. */
  group: string;
  /** Launch date of the camera's innovation (ms, start of that day); null when not given. */
  launchedOn: number | null;
  /** Days with a rollup since launch (or since monitoring began). */
  daysMonitored: number;
  /**
   * Seconds per month since launch, keyed by the month's start, oldest first — those not already
   * summed for its group (`groupReports`' `summedMonths`).
   */
  months: readonly { month: number; seconds: Seconds }[];
  /** The recent window (the last `recentDays`). */
  recent: Seconds;
  /** The window of the same kind before it, to see uptime falling. */
  before: Seconds;
  /** Outages since launch, and of them begun in the recent window. */
  outages: number;
  recentOutages: number;
  longestOutageMs: number;
  /** Recorded causes of its outages since launch; outages without one are `outages − sum`. */
  causes: Partial<Record<OutageCause, number>>;
  /** Start of the outage it is in now; null when it is not dark. */
  darkSince: number | null;
}

export interface GroupReport {
  group: string;
  launchedOn: number | null;
  cameras: number;
  daysMonitored: number;
  /** Up over known since launch; null when nothing was known. */
  uptimeSinceLaunch: number | null;
  months: { month: number; uptime: number | null }[];
  daysDark: number;
  longestOutageSec: number;
  outages: number;
  outagesByCause: Record<OutageCause, number>;
  unrecorded: number;
  /** Uptime in the recent window and in the window before it. */
  recentUptime: number | null;
  beforeUptime: number | null;
  /** Cameras dark now. */
  darkNow: number;
  state: InnovationState;
  reasons: StateReason[];
}

const ratio = (up: number, known: number): number | null => (known > 0 ? up / known : null);
/**
 * Sums kept to whole milliseconds (what rollups measure): each sum is then the double nearest its
 * exact value, whatever order the terms came in — summed per camera or per group in SQL, the same.
 */
const ms = (x: number) => Math.round(x * 1000) / 1000;
const add = (a: Seconds, b: Seconds): Seconds => ({ up: ms(a.up + b.up), dark: ms(a.dark + b.dark), known: ms(a.known + b.known) });
const ZERO: Seconds = { up: 0, dark: 0, known: 0 };

export function checkThresholds(t: StateThresholds): void {
  const ok = t.recentDays > 0 && t.deadAfterDays > 0 && t.dyingDarkShare > 0 && t.dyingDarkShare <= 1 && t.repeatedOutages > 0 && t.uptimeFallBy > 0 && t.uptimeFallBy <= 1;
  if (!ok) throw new RangeError(`invalid innovation state thresholds: ${JSON.stringify(t)}`);
}

/**
 * The state of a group, worst first: dead, dying, at risk, unknown (nothing known recently and
 * nothing dark), healthy. Every reason that applies is given, not only the deciding one.
 */
export function innovationState(
  g: { cameras: number; recent: Seconds; before: Seconds; recentOutages: number; darkSince: readonly (number | null)[] },
  now: number,
  t: StateThresholds = DEFAULT_STATE_THRESHOLDS,
): { state: InnovationState; reasons: StateReason[] } {
  checkThresholds(t);
  const reasons: StateReason[] = [];
  const allDarkLong = g.cameras > 0 && g.darkSince.length === g.cameras && g.darkSince.every((s) => s !== null && now - s > t.deadAfterDays * DAY_MS);
  if (allDarkLong) reasons.push('all_dark_long');
  if (g.recent.known > 0 && g.recent.dark / g.recent.known > t.dyingDarkShare) reasons.push('dark_most_of_recent');
  if (g.cameras > 0 && g.recentOutages / g.cameras >= t.repeatedOutages) reasons.push('repeated_outages');
  const recentUp = ratio(g.recent.up, g.recent.known);
  const beforeUp = ratio(g.before.up, g.before.known);
  if (recentUp !== null && beforeUp !== null && recentUp < beforeUp - t.uptimeFallBy + 1e-9) reasons.push('uptime_falling');
  if (allDarkLong) return { state: 'dead', reasons };
  if (reasons.includes('dark_most_of_recent')) return { state: 'dying', reasons };
  if (reasons.length) return { state: 'at_risk', reasons };
  if (g.recent.known === 0 && g.darkSince.every((s) => s === null)) return { state: 'unknown', reasons };
  return { state: 'healthy', reasons };
}

/**
 * One report per group from its cameras' figures: sums, the months from the group's launch on,
 * the longest outage, causes, the state. Sorted worst state first, then by name. `summedMonths`:
 * months already summed over a group's cameras (from month rollups), added to its members' own.
 */
export function groupReports(
  cameras: readonly CameraFigures[],
  now: number,
  t: StateThresholds = DEFAULT_STATE_THRESHOLDS,
  summedMonths: ReadonlyMap<string, readonly { month: number; seconds: Seconds }[]> = new Map(),
): GroupReport[] {
  const groups = new Map<string, CameraFigures[]>();
  for (const c of cameras) {
    const members = groups.get(c.group);
    if (members) members.push(c);
    else groups.set(c.group, [c]);
  }
  const out: GroupReport[] = [];
  for (const [group, members] of groups) {
    const launches = members.map((m) => m.launchedOn).filter((x): x is number => x !== null);
    const launchedOn = launches.length ? Math.min(...launches) : null;
    const months = new Map<number, Seconds>();
    for (const { month, seconds } of summedMonths.get(group) ?? []) months.set(month, add(months.get(month) ?? ZERO, seconds));
    for (const m of members) for (const { month, seconds } of m.months) months.set(month, add(months.get(month) ?? ZERO, seconds));
    const total = [...months.values()].reduce(add, ZERO);
    const recent = members.map((m) => m.recent).reduce(add, ZERO);
    const before = members.map((m) => m.before).reduce(add, ZERO);
    const outagesByCause = Object.fromEntries(OUTAGE_CAUSES.map((c) => [c, members.reduce((n, m) => n + (m.causes[c] ?? 0), 0)])) as Record<OutageCause, number>;
    const outages = members.reduce((n, m) => n + m.outages, 0);
    const recorded = Object.values(outagesByCause).reduce((a, b) => a + b, 0);
    const recentOutages = members.reduce((n, m) => n + m.recentOutages, 0);
    const darkSince = members.map((m) => m.darkSince);
    out.push({
      group,
      launchedOn,
      cameras: members.length,
      daysMonitored: Math.max(0, ...members.map((m) => m.daysMonitored)),
      uptimeSinceLaunch: ratio(total.up, total.known),
      months: [...months.entries()].sort((a, b) => a[0] - b[0]).map(([month, s]) => ({ month, uptime: ratio(s.up, s.known) })),
      daysDark: total.dark / 86_400,
      longestOutageSec: Math.max(0, ...members.map((m) => m.longestOutageMs)) / 1000,
      outages,
      outagesByCause,
      unrecorded: Math.max(0, outages - recorded),
      recentUptime: ratio(recent.up, recent.known),
      beforeUptime: ratio(before.up, before.known),
      darkNow: darkSince.filter((s) => s !== null).length,
      ...innovationState({ cameras: members.length, recent, before, recentOutages, darkSince }, now, t),
    });
  }
  const rank: Record<InnovationState, number> = { dead: 0, dying: 1, at_risk: 2, unknown: 3, healthy: 4 };
  return out.sort((a, b) => rank[a.state] - rank[b.state] || a.group.localeCompare(b.group));
}

/** Groups whose state differs from the one remembered (new groups included), in report order. */
export function stateChanges(previous: ReadonlyMap<string, InnovationState>, reports: readonly Pick<GroupReport, 'group' | 'state'>[]): { group: string; from: InnovationState | null; to: InnovationState }[] {
  return reports.filter((r) => previous.get(r.group) !== r.state).map((r) => ({ group: r.group, from: previous.get(r.group) ?? null, to: r.state }));
}
