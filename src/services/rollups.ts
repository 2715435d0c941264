/**
 * Rolls history up: every minute it writes the monitor's check tally, then rolls complete hour
 * buckets (seconds per status from flips, checks from the tallied counts); when a local day
 * ends, its day rollup (seconds from flips, check counts from hour rollups). A nightly
 * node-cron job catches up and prunes what has outlived its retention. Once a local month's last
 * day is rolled, its month rollups (sums of its days, its outages) are written; the first run
 * writes every complete month already in the day rollups. Markers record how far each size has
 * been rolled, so a restart resumes instead of redoing or skipping work. Month rollups are never
 * pruned: a row per camera and month is small, and the leadership report reads them since launch.
 * Minute rollups are not kept: nothing reads them, and at 10 000 cameras writing them blocked
 * the event loop for ~0.6 s every minute.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { BUCKET_MS, bucketStartOf, buildRollups, mergeRollups, type BucketSize, type Rollup } from '../domain/rollup.js';
import { statusTimeline } from '../domain/timeline.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { monthStartOf, nextMonthStart } from '../domain/months.js';
import { DAY_ROLLED_MARKER, MONTH_ROLLED_MARKER } from './history.js';

export interface Retention {
  /** Stored rounds (those whose verdict changed). */
  rawHours: number;
  hourDays: number;
  /** Null keeps day rollups forever. */
  dayDays: number | null;
}

export interface RollerOptions {
  tzOffsetMinutes: number;
  retention: Retention;
  /** node-cron expression of the nightly catch-up and prune, in `timeZone`. */
  nightly: string;
  timeZone: string;
  log: Logger;
  now?: () => number;
  /** Writes the checks counted since the last call (the monitor's tally); called before each roll. */
  flushChecks?: () => void;
}

type RolledSize = Exclude<BucketSize, 'minute'>;
const MARKER: Record<RolledSize, string> = { hour: 'rollup.hour', day: DAY_ROLLED_MARKER };
/**
 * A bucket is rolled this long after it ends: a round that began before the hour is counted in
 * that hour but may be recorded a few seconds after it (timeouts, queue mode), and a rolled
 * hour is not rolled again.
 */
export const SETTLE_MS = 60_000;
/** Check counts outlive their hour's roll by this much (an hour re-rolled by hand still finds them). */
const COUNT_RETENTION_MS = 2 * 86_400_000;

export class Roller {
  private timer: NodeJS.Timeout | undefined;
  private task: ScheduledTask | undefined;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: RollerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.rollDue();
    this.timer = setInterval(() => this.safely(() => this.rollDue()), 60_000);
    this.timer.unref();
    this.task = cron.schedule(this.options.nightly, () => this.safely(() => this.nightly()), { timezone: this.options.timeZone, noOverlap: true });
  }

  stop(): void {
    clearInterval(this.timer);
    void this.task?.destroy();
  }

  nightly(): void {
    this.rollDue();
    this.prune();
  }

  /** Rolls every complete, settled bucket since the last run, limited to what retention would keep. */
  rollDue(): void {
    this.options.flushChecks?.();
    const now = this.now();
    const { retention } = this.options;
    this.rollSize('hour', now - retention.hourDays * 86_400_000);
    this.rollSize('day', -Infinity);
    this.rollMonths();
  }

  /** Writes each month whose days are all rolled, from the marker on (first run: the oldest day rollup's month). */
  private rollMonths(): void {
    const tz = this.options.tzOffsetMinutes;
    const daysUntil = this.store.rollups.getMarker(MARKER.day);
    if (daysUntil === undefined) return;
    const oldest = this.store.rollups.getMarker(MONTH_ROLLED_MARKER) ?? this.store.rollups.oldestStart('day');
    if (oldest === undefined) return;
    for (let month = monthStartOf(oldest, tz); nextMonthStart(month, tz) <= daysUntil; month = nextMonthStart(month, tz)) {
      this.store.monthRollups.roll(month, nextMonthStart(month, tz));
      this.store.rollups.setMarker(MONTH_ROLLED_MARKER, nextMonthStart(month, tz));
    }
  }

  prune(): void {
    const now = this.now();
    const { retention } = this.options;
    const raw = this.store.probeResults.pruneBefore(now - retention.rawHours * 3_600_000);
    const counts = this.store.checkCounts.pruneBefore(Math.min(now, this.store.rollups.getMarker(MARKER.hour) ?? now) - COUNT_RETENTION_MS);
    const hours = this.store.rollups.pruneBefore('hour', now - retention.hourDays * 86_400_000);
    const days = retention.dayDays === null ? 0 : this.store.rollups.pruneBefore('day', now - retention.dayDays * 86_400_000);
    this.options.log.info({ raw, counts, hours, days }, 'pruned old history');
  }

  private rollSize(size: RolledSize, oldestUseful: number): void {
    const tz = this.options.tzOffsetMinutes;
    const ms = BUCKET_MS[size];
    const end = bucketStartOf(this.now() - SETTLE_MS, size, tz);
    // First run: start from the oldest flip, so history written before rollups existed is rolled too.
    const marker = this.store.rollups.getMarker(MARKER[size]) ?? this.store.flips.oldestAt() ?? end;
    // Aligned, so a marker written by hand or by an older version cannot break bucket boundaries.
    let start = bucketStartOf(Math.max(oldestUseful, marker), size, tz);
    // Whole days only, a day at a time for days: a long catch-up must not hold the database for long.
    const step = size === 'day' ? ms : Math.max(ms, Math.min(end - start, 24 * ms));
    while (start < end) {
      const to = Math.min(end, start + step);
      this.store.rollups.upsertMany(this.build(size, start, to));
      this.store.rollups.setMarker(MARKER[size], to);
      start = to;
    }
  }

  private build(size: RolledSize, from: number, to: number): Rollup[] {
    const tz = this.options.tzOffsetMinutes;
    const flips = this.store.flips.forWindowAll(from, to);
    const checks = groupBy(size === 'hour' ? this.store.checkCounts.range(from, to) : [], (c) => c.cameraId);
    const counts = size === 'day' ? countsFromHours(this.store.rollups.range('hour', from, to), tz) : new Map<string, Rollup>();
    const out: Rollup[] = [];
    // Ids only: full camera objects would cost ~10 µs each, every minute, for nothing.
    for (const camera of this.store.cameras.summaries()) {
      const history = flips.get(camera.id) ?? { before: null, flips: [] };
      const segments = statusTimeline(history.flips, { from, to }, history.before?.to ?? 'unknown');
      const built = buildRollups({ cameraId: camera.id, size, from, to, tzOffsetMinutes: tz, counts: checks.get(camera.id) ?? [], segments });
      for (const r of built) {
        const c = counts.get(`${r.cameraId}\u0000${r.bucketStart}`);
        out.push(c ? { ...c, secondsByStatus: r.secondsByStatus } : r);
      }
    }
    return out;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log.error({ err }, 'rolling up history failed; will retry');
    }
  }
}

/** Day check counts and latency from hour rollups; seconds per status are taken from flips instead. */
function countsFromHours(hours: readonly Rollup[], tz: number): Map<string, Rollup> {
  return new Map(mergeRollups(hours, 'day', tz).map((r) => [`${r.cameraId}\u0000${r.bucketStart}`, r]));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
