/**
 * Rolls history up: every minute, complete minute and hour buckets from raw results and flips;
 * when a local day ends, its day rollup (seconds from flips, check counts from hour rollups).
 * A nightly node-cron job catches up and prunes what has outlived its retention. Markers record
 * how far each size has been rolled, so a restart resumes instead of redoing or skipping work.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { BUCKET_MS, bucketStartOf, buildRollups, mergeRollups, type BucketSize, type Rollup } from '../domain/rollup.js';
import { statusTimeline } from '../domain/timeline.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { DAY_ROLLED_MARKER } from './history.js';

export interface Retention {
  rawHours: number;
  minuteHours: number;
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
}

const MARKER: Record<BucketSize, string> = { minute: 'rollup.minute', hour: 'rollup.hour', day: DAY_ROLLED_MARKER };

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

  /** Rolls every complete bucket since the last run, limited to what retention would keep. */
  rollDue(): void {
    const now = this.now();
    const { retention } = this.options;
    this.rollSize('minute', now - retention.minuteHours * 3_600_000);
    this.rollSize('hour', now - retention.hourDays * 86_400_000);
    this.rollSize('day', -Infinity);
  }

  prune(): void {
    const now = this.now();
    const { retention } = this.options;
    const raw = this.store.probeResults.pruneBefore(now - retention.rawHours * 3_600_000);
    const minutes = this.store.rollups.pruneBefore('minute', now - retention.minuteHours * 3_600_000);
    const hours = this.store.rollups.pruneBefore('hour', now - retention.hourDays * 86_400_000);
    const days = retention.dayDays === null ? 0 : this.store.rollups.pruneBefore('day', now - retention.dayDays * 86_400_000);
    this.options.log.info({ raw, minutes, hours, days }, 'pruned old history');
  }

  private rollSize(size: BucketSize, oldestUseful: number): void {
    const tz = this.options.tzOffsetMinutes;
    const ms = BUCKET_MS[size];
    const end = bucketStartOf(this.now(), size, tz);
    // First run: start from the oldest flip, so history written before rollups existed is rolled too.
    const marker = this.store.rollups.getMarker(MARKER[size]) ?? this.store.flips.oldestAt() ?? end;
    // Aligned, so a marker written by hand or by an older version cannot break bucket boundaries.
    let start = bucketStartOf(Math.max(oldestUseful, marker), size, tz);
    // Whole days only, a day at a time for days: a long catch-up must not hold the database for long.
    const step = size === 'day' ? ms : Math.max(ms, Math.min(end - start, size === 'minute' ? 60 * ms : 24 * ms));
    while (start < end) {
      const to = Math.min(end, start + step);
      this.store.rollups.upsertMany(this.build(size, start, to));
      this.store.rollups.setMarker(MARKER[size], to);
      start = to;
    }
  }

  private build(size: BucketSize, from: number, to: number): Rollup[] {
    const tz = this.options.tzOffsetMinutes;
    const flips = this.store.flips.forWindowAll(from, to);
    const samples = groupBy(size === 'day' ? [] : this.store.probeResults.samples(from, to), (s) => s.cameraId);
    const counts = size === 'day' ? countsFromHours(this.store.rollups.range('hour', from, to), tz) : new Map<string, Rollup>();
    const out: Rollup[] = [];
    // Ids only: full camera objects would cost ~10 µs each, every minute, for nothing.
    for (const camera of this.store.cameras.summaries()) {
      const history = flips.get(camera.id) ?? { before: null, flips: [] };
      const segments = statusTimeline(history.flips, { from, to }, history.before?.to ?? 'unknown');
      const built = buildRollups({ cameraId: camera.id, size, from, to, tzOffsetMinutes: tz, samples: samples.get(camera.id) ?? [], segments });
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
