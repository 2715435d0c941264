import { describe, expect, it } from 'vitest';
import {
  BUCKET_MS,
  WITA_OFFSET_MINUTES,
  bucketStartOf,
  buildRollups,
  latencyAvg,
  mergeRollups,
  sampleOf,
  splitWindow,
  tallySample,
  uptimeFromRollups,
  type CheckCount,
  type ProbeSample,
  type Rollup,
} from '../../src/domain/rollup.js';
import { classify, type CameraStatus, type Flip } from '../../src/domain/status.js';
import { emptySeconds, statusAt, statusTimeline, type StatusSeconds, type TimeWindow } from '../../src/domain/timeline.js';
import { computeUptime } from '../../src/domain/uptime.js';

const S = 1000;
const H = 3_600_000;
const D = BUCKET_MS.day;
const CAM = 'cam-1';
const WITA = WITA_OFFSET_MINUTES;

describe('bucket boundaries', () => {
  it('aligns days to WITA midnight (16:00 UTC the day before)', () => {
    expect(bucketStartOf(Date.UTC(2024, 0, 1, 15, 59, 59), 'day', WITA)).toBe(Date.UTC(2023, 11, 31, 16));
    expect(bucketStartOf(Date.UTC(2024, 0, 1, 16), 'day', WITA)).toBe(Date.UTC(2024, 0, 1, 16));
    expect(bucketStartOf(Date.UTC(2024, 0, 1, 15, 59, 59), 'day')).toBe(Date.UTC(2024, 0, 1));
  });
  it('aligns hours to half-hour offsets too', () => {
    expect(bucketStartOf(Date.UTC(2024, 0, 1, 10, 10), 'hour', 330)).toBe(Date.UTC(2024, 0, 1, 9, 30));
    expect(bucketStartOf(Date.UTC(2024, 0, 1, 10, 10, 59), 'minute', WITA)).toBe(Date.UTC(2024, 0, 1, 10, 10));
  });
});

describe('sampleOf', () => {
  it('takes the TCP latency first and marks non-up rounds as failures', () => {
    const layers = { tcp: { ok: true, latencyMs: 8 }, rtsp: { ok: false, reached: true, latencyMs: 120 } };
    const probe = { cameraId: CAM, at: 5, layers };
    expect(sampleOf(probe, classify(layers))).toEqual({ cameraId: CAM, at: 5, ok: false, latencyMs: 8 });
    expect(sampleOf({ cameraId: CAM, at: 5, layers: {} }, classify({}))).toBeNull();
  });
});

describe('buildRollups: three minutes by hand', () => {
  // up 0–90 s, down 90–150 s, up 150–180 s
  const segments = [
    { from: 0, to: 90 * S, status: 'up' as const },
    { from: 90 * S, to: 150 * S, status: 'down' as const },
    { from: 150 * S, to: 180 * S, status: 'up' as const },
  ];
  const samples: ProbeSample[] = [
    { cameraId: CAM, at: 10 * S, ok: true, latencyMs: 20 },
    { cameraId: CAM, at: 40 * S, ok: true, latencyMs: 30 },
    { cameraId: 'other', at: 20 * S, ok: false }, // another camera: skipped
    { cameraId: CAM, at: 70 * S, ok: true, latencyMs: 10 },
    { cameraId: CAM, at: 100 * S, ok: false },
    { cameraId: CAM, at: 130 * S, ok: false, latencyMs: 900 },
    { cameraId: CAM, at: 170 * S, ok: true, latencyMs: 40 },
    { cameraId: CAM, at: 180 * S, ok: true, latencyMs: 1 }, // at `to`: skipped
  ];
  const minutes = buildRollups({ cameraId: CAM, size: 'minute', from: 0, to: 180 * S, samples, segments });
  const secs = (p: Partial<StatusSeconds>): StatusSeconds => ({ ...emptySeconds(), ...p });

  it('counts checks, failures, seconds and latency per minute', () => {
    expect(minutes).toEqual([
      // minute 0: samples 10 s, 40 s; up 60 s; latency 20, 30
      { cameraId: CAM, bucketStart: 0, bucketSize: 'minute', checks: 2, failures: 0, secondsByStatus: secs({ up: 60 }), latencyMin: 20, latencyMax: 30, latencySum: 50, latencyCount: 2 },
      // minute 1: samples 70 s, 100 s (failed, no latency); up 60–90 = 30, down 90–120 = 30
      { cameraId: CAM, bucketStart: 60 * S, bucketSize: 'minute', checks: 2, failures: 1, secondsByStatus: secs({ up: 30, down: 30 }), latencyMin: 10, latencyMax: 10, latencySum: 10, latencyCount: 1 },
      // minute 2: samples 130 s (failed, 900 ms), 170 s; down 120–150 = 30, up 150–180 = 30
      { cameraId: CAM, bucketStart: 120 * S, bucketSize: 'minute', checks: 2, failures: 1, secondsByStatus: secs({ up: 30, down: 30 }), latencyMin: 40, latencyMax: 900, latencySum: 940, latencyCount: 2 },
    ]);
    expect(minutes.map(latencyAvg)).toEqual([25, 10, 470]);
  });

  it('merges minutes into their hour', () => {
    const [hour] = mergeRollups(minutes, 'hour');
    // 6 checks, 2 failures; latencies 20, 30, 10, 900, 40 → sum 1000 over 5
    expect(hour).toEqual({ cameraId: CAM, bucketStart: 0, bucketSize: 'hour', checks: 6, failures: 2, secondsByStatus: secs({ up: 120, down: 60 }), latencyMin: 10, latencyMax: 900, latencySum: 1000, latencyCount: 5 });
    expect(hour && latencyAvg(hour)).toBe(200);
  });

  it('refuses misaligned windows and merging the wrong way', () => {
    expect(() => buildRollups({ cameraId: CAM, size: 'minute', from: 1, to: 60 * S, samples, segments })).toThrow(RangeError);
    expect(() => mergeRollups(minutes, 'minute')).toThrow(RangeError);
  });
});

// A deterministic pseudo-random source, so the generated history is the same on every run.
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** A year of flips on whole seconds: long up spells, short outages, restarts and pauses. */
function generateYear(from: number, to: number, seed: number): Flip[] {
  const rand = lcg(seed);
  const flips: Flip[] = [];
  let status: CameraStatus = 'unknown';
  let t = from + 3 * H + 17 * S;
  const nextOf: Record<CameraStatus, CameraStatus[]> = {
    up: ['down', 'degraded', 'degraded', 'unknown', 'paused'],
    down: ['up', 'up', 'degraded', 'unknown'],
    degraded: ['up', 'up', 'down', 'unknown'],
    unknown: ['up', 'down'],
    paused: ['unknown'],
  };
  while (t < to) {
    const choices: CameraStatus[] = nextOf[status];
    const next: CameraStatus = choices[Math.floor(rand() * choices.length)] ?? 'up';
    flips.push({ cameraId: CAM, at: t, from: status, to: next, reason: 'ok' });
    status = next;
    const spell = next === 'up' ? 2 * 86_400 : next === 'paused' ? 3 * 86_400 : 4 * 3_600;
    t += Math.max(1, Math.floor(rand() * spell)) * S;
  }
  return flips;
}

describe('a year of day rollups answers like the flips', () => {
  const yearStart = Date.UTC(2023, 11, 31, 16); // 2024-01-01 00:00 WITA
  const yearEnd = Date.UTC(2024, 11, 31, 16); // 2025-01-01 00:00 WITA (2024 has 366 days)
  const flips = generateYear(yearStart, yearEnd, 42);
  const segments = statusTimeline(flips, { from: yearStart, to: yearEnd });
  const dayRollups = buildRollups({ cameraId: CAM, size: 'day', from: yearStart, to: yearEnd, tzOffsetMinutes: WITA, samples: [], segments });
  const edge = (w: TimeWindow | null) =>
    w ? { initialStatus: statusAt(flips, w.from - 1), flips: flips.filter((f) => f.at >= w.from && f.at < w.to) } : undefined;

  it('has 366 local days adding up to the whole year', () => {
    expect(flips.length).toBeGreaterThan(200);
    expect(dayRollups).toHaveLength(366);
    const total = dayRollups.reduce((sum, r) => sum + Object.values(r.secondsByStatus).reduce((a, b) => a + b, 0), 0);
    expect(total).toBe(366 * 86_400);
  });

  const local = (y: number, m: number, d: number, h = 0, min = 0, s = 0): number => Date.UTC(y, m, d, h - 8, min, s);
  const windows: [string, number, number][] = [
    ['partial days at both ends', local(2024, 2, 3, 13, 27, 5), local(2024, 10, 20, 5, 11)],
    ['starting on a local midnight', local(2024, 1, 1), local(2024, 6, 4, 18, 30)],
    ['ending on a local midnight', local(2024, 4, 5, 9), local(2024, 8, 1)],
    ['inside one day', local(2024, 5, 6, 1), local(2024, 5, 6, 23)],
    ['across one midnight only', local(2024, 5, 6, 20), local(2024, 5, 7, 4)],
    ['the whole year', yearStart, yearEnd],
  ];
  it.each(windows)('%s', (_name, from, to) => {
    const split = splitWindow(from, to, WITA);
    const fromRollups = uptimeFromRollups({ from, to, tzOffsetMinutes: WITA, dayRollups, head: edge(split.head), tail: edge(split.tail) });
    const fromFlips = computeUptime({ flips, from, to });
    expect(fromRollups.seconds).toEqual(fromFlips.seconds);
    expect(fromRollups.uptime).toBe(fromFlips.uptime);
    expect(fromRollups.missingDays).toBe(0);
  });

  it('counts a missing day as unknown, never as up', () => {
    const from = local(2024, 2, 3, 12);
    const to = local(2024, 2, 10, 12);
    const split = splitWindow(from, to, WITA);
    const full = uptimeFromRollups({ from, to, tzOffsetMinutes: WITA, dayRollups, head: edge(split.head), tail: edge(split.tail) });
    const gappy = dayRollups.filter((r) => r.bucketStart !== local(2024, 2, 5));
    const missing = uptimeFromRollups({ from, to, tzOffsetMinutes: WITA, dayRollups: gappy, head: edge(split.head), tail: edge(split.tail) });
    const lost = dayRollups.find((r) => r.bucketStart === local(2024, 2, 5))?.secondsByStatus;
    expect(missing.missingDays).toBe(1);
    expect(missing.seconds.unknown).toBe(full.seconds.unknown - (lost?.unknown ?? 0) + 86_400);
    expect(missing.seconds.up).toBe(full.seconds.up - (lost?.up ?? 0));
  });

  it('minute → hour → day merges equal rollups built directly', () => {
    const day: TimeWindow = { from: local(2024, 2, 10), to: local(2024, 2, 11) };
    const rand = lcg(7);
    const samples: ProbeSample[] = Array.from({ length: 1440 }, (_, i) => ({
      cameraId: CAM,
      at: day.from + i * 60 * S + 13 * S,
      ok: statusAt(flips, day.from + i * 60 * S + 13 * S) === 'up',
      latencyMs: Math.floor(rand() * 500),
    }));
    const segs = statusTimeline(flips, day);
    const build = (size: 'minute' | 'hour' | 'day') =>
      buildRollups({ cameraId: CAM, size, from: day.from, to: day.to, tzOffsetMinutes: WITA, samples, segments: segs });
    const minutes = build('minute');
    const hours = mergeRollups(minutes, 'hour', WITA);
    expect(hours).toEqual(build('hour'));
    expect(mergeRollups(hours, 'day', WITA)).toEqual(build('day'));
    expect(mergeRollups(minutes, 'day', WITA)).toEqual(build('day'));
    expect(build('day')[0]?.checks).toBe(1440);
  });
});

describe('the check tally', () => {
  const random = (seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

  it('gives hour rollups the same counts as the samples it counted, at any offset', () => {
    for (const tz of [0, WITA, 330]) {
      const r = random(tz + 1);
      const from = bucketStartOf(Date.UTC(2026, 5, 1, 3), 'hour', tz);
      const samples: ProbeSample[] = Array.from({ length: 500 }, () => {
        const s: ProbeSample = { cameraId: r() < 0.5 ? CAM : 'cam-2', at: from + Math.floor(r() * 6 * H), ok: r() < 0.8 };
        return r() < 0.9 ? { ...s, latencyMs: Math.round(r() * 100) } : s;
      });
      const tally = new Map<string, CheckCount>();
      for (const s of samples) tallySample(tally, s, tz);
      const counts = [...tally.values()];
      expect(counts.every((c) => bucketStartOf(c.bucketStart, 'hour', tz) === c.bucketStart)).toBe(true);
      for (const cameraId of [CAM, 'cam-2']) {
        const segments = [{ from, to: from + 6 * H, status: 'up' as const }];
        const fromCounts = buildRollups({ cameraId, size: 'hour', from, to: from + 6 * H, tzOffsetMinutes: tz, counts, segments });
        const fromSamples = buildRollups({ cameraId, size: 'hour', from, to: from + 6 * H, tzOffsetMinutes: tz, samples, segments });
        expect(fromCounts).toEqual(fromSamples);
        expect(fromCounts.reduce((n, h) => n + h.checks, 0)).toBe(samples.filter((s) => s.cameraId === cameraId).length);
      }
      const day = buildRollups({ cameraId: CAM, size: 'day', from: bucketStartOf(from, 'day', tz), to: bucketStartOf(from, 'day', tz) + D, tzOffsetMinutes: tz, counts, segments: [] });
      expect(day[0]!.checks).toBe(samples.filter((s) => s.cameraId === CAM).length);
    }
  });

  it('cannot fill minute rollups from hour counts', () => {
    const tally = new Map<string, CheckCount>();
    tallySample(tally, { cameraId: CAM, at: 0, ok: true }, 0);
    expect(() => buildRollups({ cameraId: CAM, size: 'minute', from: 0, to: 60 * S, counts: [...tally.values()], segments: [] })).toThrow(/minute/);
  });
});

describe('uptimeFromRollups by hand (UTC, 2¾ days)', () => {
  const dayRollup = (bucketStart: number, seconds: Partial<StatusSeconds>): Rollup => ({
    cameraId: CAM,
    bucketStart,
    bucketSize: 'day',
    checks: 0,
    failures: 0,
    secondsByStatus: { ...emptySeconds(), ...seconds },
    latencyMin: null,
    latencyMax: null,
    latencySum: 0,
    latencyCount: 0,
  });
  const from = 0.5 * D; // day 0, 12:00
  const to = 3.25 * D; // day 3, 06:00
  const dayRollups = [
    dayRollup(0, { up: 86_400 }), // before the window: ignored
    dayRollup(D, { up: 86_000, down: 400 }),
    dayRollup(2 * D, { up: 80_000, degraded: 6_400 }),
  ];
  const head = { initialStatus: 'up' as const, flips: [{ cameraId: CAM, at: 0.75 * D, from: 'up' as const, to: 'down' as const, reason: 'unreachable' as const }] };
  const tail = { initialStatus: 'down' as const, flips: [{ cameraId: CAM, at: 3 * D + H, from: 'down' as const, to: 'up' as const, reason: 'ok' as const }] };

  it('adds the edges from flips to the whole days from rollups', () => {
    expect(splitWindow(from, to)).toEqual({ head: { from, to: D }, days: { from: D, to: 3 * D }, tail: { from: 3 * D, to } });
    const result = uptimeFromRollups({ from, to, dayRollups, head, tail });
    // head 12:00–24:00: up 12:00–18:00 = 21 600, down 18:00–24:00 = 21 600
    // tail 00:00–06:00: down 00:00–01:00 = 3 600, up 01:00–06:00 = 18 000
    // up = 21 600 + 86 000 + 80 000 + 18 000 = 205 600; down = 21 600 + 400 + 3 600 = 25 600; degraded 6 400
    expect(result.seconds).toEqual({ up: 205_600, degraded: 6_400, down: 25_600, unknown: 0, paused: 0 });
    expect(result.uptime).toBe(205_600 / 237_600);
  });

  it('needs the edges it cannot answer from rollups, and one camera of day rollups', () => {
    expect(() => uptimeFromRollups({ from, to, dayRollups, tail })).toThrow(/head/);
    const mixed = [dayRollup(D, {}), { ...dayRollup(2 * D, {}), cameraId: 'cam-2' }];
    expect(() => uptimeFromRollups({ from, to, dayRollups: mixed, head, tail })).toThrow(/more than one camera/);
    expect(() => uptimeFromRollups({ from, to, dayRollups: [dayRollup(D, {}), dayRollup(D, {})], head, tail })).toThrow(/two day rollups/);
    expect(() => uptimeFromRollups({ from, to, dayRollups: [{ ...dayRollup(D, {}), bucketSize: 'hour' }], head, tail })).toThrow(RangeError);
  });

  it('splits windows that hold no whole day into a single edge', () => {
    expect(splitWindow(0.5 * D, 1.5 * D)).toEqual({ head: { from: 0.5 * D, to: 1.5 * D }, days: null, tail: null });
    expect(splitWindow(D, 3 * D)).toEqual({ head: null, days: { from: D, to: 3 * D }, tail: null });
  });
});
