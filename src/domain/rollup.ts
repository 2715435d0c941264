/**
 * Minute, hour and day rollups per camera, and uptime over long windows from day rollups plus
 * the flips at the two partial edges — so a year of history never means scanning raw checks.
 *
 * Pure bucket arithmetic: observations, segments and the timezone offset are parameters.
 * Must not read the store or decide retention. Days follow the users' local day through a
 * fixed offset (Pantau runs in WITA, UTC+8, which has no daylight saving); zones with DST
 * would need per-day lengths, which this module deliberately does not handle.
 */
import {
  CAMERA_STATUSES,
  LAYERS,
  type CameraStatus,
  type Classification,
  type Flip,
  type ProbeResult,
} from './status.js';
import {
  addSeconds,
  checkWindow,
  emptySeconds,
  secondsByStatus,
  statusTimeline,
  uptimeRatio,
  type Segment,
  type StatusSeconds,
  type TimeWindow,
} from './timeline.js';

export type BucketSize = 'minute' | 'hour' | 'day';
export const BUCKET_MS: Readonly<Record<BucketSize, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const DAY = BUCKET_MS.day;
/** Asia/Makassar. */
export const WITA_OFFSET_MINUTES = 480;

/** Start of the bucket holding `t`, with buckets aligned to local time at `tzOffsetMinutes` east of UTC. */
export function bucketStartOf(t: number, size: BucketSize, tzOffsetMinutes = 0): number {
  const offset = tzOffsetMinutes * 60_000;
  const ms = BUCKET_MS[size];
  return Math.floor((t + offset) / ms) * ms - offset;
}

/** One probe round as rollups count it. */
export interface ProbeSample {
  cameraId: string;
  at: number;
  /** The round's own classification was `up`. */
  ok: boolean;
  latencyMs?: number;
}

/**
 * Reduce a classified round to a sample; null for a round that attempted nothing (it is not a
 * check). Latency is the first layer that measured one, TCP first because a connect time
 * measures the network rather than the camera's software.
 */
export function sampleOf(probe: ProbeResult, classification: Classification): ProbeSample | null {
  if (classification.status === 'unknown') return null;
  let latencyMs: number | undefined;
  for (const layer of LAYERS) {
    latencyMs = probe.layers[layer]?.latencyMs;
    if (latencyMs !== undefined) break;
  }
  const sample: ProbeSample = { cameraId: probe.cameraId, at: probe.at, ok: classification.status === 'up' };
  return latencyMs === undefined ? sample : { ...sample, latencyMs };
}

export interface Rollup {
  cameraId: string;
  bucketStart: number;
  bucketSize: BucketSize;
  checks: number;
  failures: number;
  secondsByStatus: StatusSeconds;
  latencyMin: number | null;
  latencyMax: number | null;
  /** Sum and count rather than an average, so rollups merge exactly. */
  latencySum: number;
  latencyCount: number;
}

export function latencyAvg(rollup: Rollup): number | null {
  return rollup.latencyCount > 0 ? rollup.latencySum / rollup.latencyCount : null;
}

function emptyRollup(cameraId: string, bucketStart: number, bucketSize: BucketSize): Rollup {
  const r = { cameraId, bucketStart, bucketSize, checks: 0, failures: 0, secondsByStatus: emptySeconds() };
  return { ...r, latencyMin: null, latencyMax: null, latencySum: 0, latencyCount: 0 };
}

const minOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.min(a, b));
const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

function checkAligned(t: number, size: BucketSize, tzOffsetMinutes: number, name: string): void {
  if (bucketStartOf(t, size, tzOffsetMinutes) !== t) {
    throw new RangeError(`${name} (${t}) is not on a ${size} boundary at offset ${tzOffsetMinutes} min`);
  }
}

/**
 * Checks of one camera in one hour, counted as results arrive: what hour rollups take their
 * check counts and latency from, so a raw row per check never has to be stored.
 */
export type CheckCount = Omit<Rollup, 'bucketSize' | 'secondsByStatus'>;

/** Counts a sample into its camera's hour, in place (the monitor's running tally). */
export function tallySample(counts: Map<string, CheckCount>, sample: ProbeSample, tzOffsetMinutes = 0): void {
  const bucketStart = bucketStartOf(sample.at, 'hour', tzOffsetMinutes);
  const key = `${sample.cameraId}\u0000${bucketStart}`;
  let c = counts.get(key);
  if (!c) {
    c = { cameraId: sample.cameraId, bucketStart, checks: 0, failures: 0, latencyMin: null, latencyMax: null, latencySum: 0, latencyCount: 0 };
    counts.set(key, c);
  }
  addSample(c, sample);
}

function addSample(c: CheckCount, s: ProbeSample): void {
  c.checks += 1;
  if (!s.ok) c.failures += 1;
  if (s.latencyMs !== undefined) {
    c.latencyMin = minOf(c.latencyMin, s.latencyMs);
    c.latencyMax = maxOf(c.latencyMax, s.latencyMs);
    c.latencySum += s.latencyMs;
    c.latencyCount += 1;
  }
}

function addCount(r: CheckCount, c: CheckCount): void {
  r.checks += c.checks;
  r.failures += c.failures;
  r.latencyMin = minOf(r.latencyMin, c.latencyMin);
  r.latencyMax = maxOf(r.latencyMax, c.latencyMax);
  r.latencySum += c.latencySum;
  r.latencyCount += c.latencyCount;
}

export interface RollupInput {
  cameraId: string;
  size: BucketSize;
  /** Both on bucket boundaries: a rollup always covers a whole bucket. */
  from: number;
  to: number;
  /** @defaultValue 0 (UTC) */
  tzOffsetMinutes?: number;
  /** Samples of other cameras or outside [from, to) are skipped. */
  samples?: readonly ProbeSample[];
  /** Hour check counts (the monitor's tally), added like samples; those of other cameras or outside [from, to) are skipped. */
  counts?: readonly CheckCount[];
  /** The camera's status over [from, to), from `statusTimeline`. */
  segments: readonly Segment[];
}

/** One rollup per bucket in [from, to), empty buckets included, so seconds always add up to the window. */
export function buildRollups(input: RollupInput): Rollup[] {
  const { cameraId, size, from, to, tzOffsetMinutes = 0 } = input;
  checkWindow(input);
  checkAligned(from, size, tzOffsetMinutes, 'from');
  checkAligned(to, size, tzOffsetMinutes, 'to');
  const ms = BUCKET_MS[size];
  const rollups: Rollup[] = [];
  for (let start = from; start < to; start += ms) rollups.push(emptyRollup(cameraId, start, size));
  const bucketOf = (t: number): Rollup | undefined => rollups[Math.floor((t - from) / ms)];

  for (const s of input.samples ?? []) {
    if (s.cameraId !== cameraId || s.at < from || s.at >= to) continue;
    const r = bucketOf(s.at);
    if (r) addSample(r, s);
  }
  if (input.counts?.length && size === 'minute') throw new RangeError('hour check counts cannot fill minute rollups');
  for (const c of input.counts ?? []) {
    if (c.cameraId !== cameraId || c.bucketStart < from || c.bucketStart >= to) continue;
    const r = bucketOf(c.bucketStart);
    if (r) addCount(r, c);
  }
  // Whole milliseconds are summed and divided once, so rollups add up exactly to flip-based sums.
  const spent = rollups.map(() => emptySeconds());
  for (const seg of input.segments) {
    let t = Math.max(seg.from, from);
    const end = Math.min(seg.to, to);
    while (t < end) {
      const i = Math.floor((t - from) / ms);
      const acc = spent[i];
      if (!acc) break;
      const until = Math.min(end, from + (i + 1) * ms);
      acc[seg.status] += until - t;
      t = until;
    }
  }
  rollups.forEach((r, i) => {
    for (const status of CAMERA_STATUSES) r.secondsByStatus[status] = (spent[i]?.[status] ?? 0) / 1000;
  });
  return rollups;
}

const ORDER: readonly BucketSize[] = ['minute', 'hour', 'day'];

/**
 * Fold finer rollups into coarser buckets (minute → hour, hour → day, minute → day), per
 * camera. A coarse bucket is only as complete as the finer rollups given for it.
 */
export function mergeRollups(rollups: readonly Rollup[], into: BucketSize, tzOffsetMinutes = 0): Rollup[] {
  const merged = new Map<string, Rollup>();
  for (const r of rollups) {
    if (ORDER.indexOf(r.bucketSize) >= ORDER.indexOf(into)) {
      throw new RangeError(`cannot merge ${r.bucketSize} rollups into ${into} buckets`);
    }
    const start = bucketStartOf(r.bucketStart, into, tzOffsetMinutes);
    const key = `${r.cameraId}\u0000${start}`;
    const acc = merged.get(key) ?? emptyRollup(r.cameraId, start, into);
    merged.set(key, {
      ...acc,
      checks: acc.checks + r.checks,
      failures: acc.failures + r.failures,
      secondsByStatus: addSeconds(acc.secondsByStatus, r.secondsByStatus),
      latencyMin: minOf(acc.latencyMin, r.latencyMin),
      latencyMax: maxOf(acc.latencyMax, r.latencyMax),
      latencySum: acc.latencySum + r.latencySum,
      latencyCount: acc.latencyCount + r.latencyCount,
    });
  }
  return [...merged.values()].sort((a, b) =>
    a.cameraId === b.cameraId ? a.bucketStart - b.bucketStart : a.cameraId < b.cameraId ? -1 : 1,
  );
}

export interface WindowSplit {
  /** Partial day before the first whole day; answered from flips. */
  head: TimeWindow | null;
  /** Whole local days; answered from day rollups. */
  days: TimeWindow | null;
  /** Partial day after the last whole day; answered from flips. */
  tail: TimeWindow | null;
}

/** Where a long window's whole days begin and end, so the caller fetches flips only for the edges. */
export function splitWindow(from: number, to: number, tzOffsetMinutes = 0): WindowSplit {
  checkWindow({ from, to });
  const dayOfFrom = bucketStartOf(from, 'day', tzOffsetMinutes);
  const firstDay = dayOfFrom === from ? from : dayOfFrom + DAY;
  const lastDay = bucketStartOf(to, 'day', tzOffsetMinutes);
  if (firstDay >= lastDay) return { head: from < to ? { from, to } : null, days: null, tail: null };
  return {
    head: from < firstDay ? { from, to: firstDay } : null,
    days: { from: firstDay, to: lastDay },
    tail: lastDay < to ? { from: lastDay, to } : null,
  };
}

/** Flips for one edge of a long window: the status at the edge's start and the flips inside it. */
export interface EdgeHistory {
  initialStatus: CameraStatus;
  flips: readonly Flip[];
}

export interface LongWindowInput {
  from: number;
  to: number;
  /** @defaultValue 0 (UTC) */
  tzOffsetMinutes?: number;
  /** One camera's day rollups; those outside the whole days of the window are ignored. */
  dayRollups: readonly Rollup[];
  /** Required when `splitWindow` returns a head. */
  head?: EdgeHistory;
  /** Required when `splitWindow` returns a tail. */
  tail?: EdgeHistory;
}

export interface LongWindowUptime {
  seconds: StatusSeconds;
  uptime: number | null;
  /** Whole days with no rollup; their time is counted as unknown, never as up. */
  missingDays: number;
}

function edgeSeconds(window: TimeWindow | null, edge: EdgeHistory | undefined, name: string): StatusSeconds {
  if (!window) return emptySeconds();
  if (!edge) throw new RangeError(`the window has a partial ${name} day: pass its flips as \`${name}\``);
  return secondsByStatus(statusTimeline(edge.flips, window, edge.initialStatus));
}

/** Uptime over any window from day rollups in the middle and flips only at the two partial edges. */
export function uptimeFromRollups(input: LongWindowInput): LongWindowUptime {
  const tz = input.tzOffsetMinutes ?? 0;
  const split = splitWindow(input.from, input.to, tz);
  let seconds = addSeconds(edgeSeconds(split.head, input.head, 'head'), edgeSeconds(split.tail, input.tail, 'tail'));
  let missingDays = 0;
  if (split.days) {
    const { from, to } = split.days;
    const byDay = new Map<number, Rollup>();
    const cameras = new Set<string>();
    for (const r of input.dayRollups) {
      if (r.bucketSize !== 'day') throw new RangeError(`expected day rollups, got a ${r.bucketSize} rollup`);
      checkAligned(r.bucketStart, 'day', tz, 'a day rollup');
      if (r.bucketStart < from || r.bucketStart >= to) continue;
      if (byDay.has(r.bucketStart)) throw new RangeError(`two day rollups for ${r.bucketStart}`);
      cameras.add(r.cameraId);
      byDay.set(r.bucketStart, r);
    }
    if (cameras.size > 1) throw new RangeError('day rollups of more than one camera were given');
    for (const r of byDay.values()) seconds = addSeconds(seconds, r.secondsByStatus);
    missingDays = (to - from) / DAY - byDay.size;
    const unknown = emptySeconds();
    unknown.unknown = (missingDays * DAY) / 1000;
    seconds = addSeconds(seconds, unknown);
  }
  return { seconds, uptime: uptimeRatio(seconds), missingDays };
}
