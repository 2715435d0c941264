/** The embedded scheduler, on a fake clock: jitter, fixed rate, concurrency cap, one check per camera. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PHASE_GRID_MS, phaseOnGrid, Scheduler } from '../../src/jobs/scheduler.js';
import type { Camera } from '../../src/store/cameras.js';
import type { ProbeKind } from '../../src/store/probe-results.js';

const camera = (id: string, over: Partial<Camera> = {}): Camera => ({
  id, name: id, site: 'S', location: null, innovation: null, agency: 'A', owners: [], onvif: null, rtsp: { url: 'rtsp://h/x', username: null, passwordEnc: null }, snapshot: null,
  checkIntervalSec: 30, imageCheckIntervalSec: 300, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null, createdAt: 0, updatedAt: 0, ...over,
});

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

/** A run() whose checks take `durationMs` of fake time, recording concurrency. */
function recorder(durationMs: number) {
  const runs: { id: string; kind: ProbeKind; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const perCamera = new Map<string, number>();
  let maxPerCamera = 0;
  const run = async (c: Pick<Camera, 'id'>, kind: ProbeKind) => {
    runs.push({ id: c.id, kind, at: Date.now() });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    perCamera.set(c.id, (perCamera.get(c.id) ?? 0) + 1);
    maxPerCamera = Math.max(maxPerCamera, perCamera.get(c.id)!);
    await new Promise((r) => setTimeout(r, durationMs));
    inFlight--;
    perCamera.set(c.id, perCamera.get(c.id)! - 1);
  };
  return { run, runs, max: () => ({ maxInFlight, maxPerCamera }) };
}

/** Stops while letting fake time pass, so checks in flight can finish. */
async function stopAll(s: Scheduler): Promise<void> {
  const stopping = s.stop();
  await vi.advanceTimersByTimeAsync(60_000);
  await stopping;
}

describe('scheduler', () => {
  it('spreads first checks over the interval, then keeps a fixed rate', async () => {
    const rec = recorder(10);
    let r = 0;
    const s = new Scheduler({ concurrency: 100, run: rec.run, random: () => [0.1, 0.9, 0.5, 0.5][r++ % 4]! });
    s.upsert(camera('a'));
    s.upsert(camera('b'));
    await vi.advanceTimersByTimeAsync(95_000);
    const a = rec.runs.filter((x) => x.id === 'a' && x.kind === 'liveness').map((x) => x.at);
    const b = rec.runs.filter((x) => x.id === 'b' && x.kind === 'liveness').map((x) => x.at);
    expect(a).toEqual([3000, 33_000, 63_000, 93_000]);
    expect(b).toEqual([15_000, 45_000, 75_000]);
    await s.stop();
  });

  it('puts phases on the grid, so cameras due in one slot start together', async () => {
    const rec = recorder(10);
    // Each camera draws its liveness phase, then its image phase.
    const draws = [0.1234, 0.5, 0.1201, 0.5];
    let r = 0;
    const s = new Scheduler({ concurrency: 100, run: rec.run, random: () => draws[r++ % draws.length]! });
    s.upsert(camera('a'));
    s.upsert(camera('b'));
    await vi.advanceTimersByTimeAsync(65_000);
    const at = (id: string) => rec.runs.filter((x) => x.id === id && x.kind === 'liveness').map((x) => x.at);
    // 0.1234 and 0.1201 of 30 s are 3 702 and 3 603 ms: both in the slot at 3 500.
    expect(at('a')).toEqual([3500, 33_500, 63_500]);
    expect(at('b')).toEqual([3500, 33_500, 63_500]);
    await s.stop();
    for (const draw of [0, 0.3, 0.999_999]) {
      const phase = phaseOnGrid(draw, 30_000);
      expect(phase % PHASE_GRID_MS).toBe(0);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(30_000);
    }
    // An interval shorter than a slot keeps the draw as it is.
    expect(phaseOnGrid(0.5, 200)).toBe(100);
  });

  it('never exceeds the concurrency cap, and never runs two checks of one camera at once', async () => {
    const rec = recorder(4000);
    const lags: number[] = [];
    const s = new Scheduler({ concurrency: 3, run: rec.run, random: () => 0, onLag: (_k, ms) => lags.push(ms) });
    for (let i = 0; i < 10; i++) s.upsert(camera(`c${i}`, { checkIntervalSec: 5, imageCheckIntervalSec: 5 }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rec.max()).toEqual({ maxInFlight: 3, maxPerCamera: 1 });
    expect(lags.some((l) => l > 0)).toBe(true);
    await stopAll(s);
  });

  it('counts a liveness tick as missed when the camera’s last check still runs', async () => {
    const rec = recorder(12_000);
    const missed: ProbeKind[] = [];
    const s = new Scheduler({ concurrency: 10, run: rec.run, random: () => 0, onMissed: (k) => missed.push(k) });
    s.upsert(camera('slow', { checkIntervalSec: 5, imageCheckIntervalSec: 3600 }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(missed.length).toBeGreaterThan(0);
    expect(rec.max().maxPerCamera).toBe(1);
    await stopAll(s);
  });

  it('a liveness tick waits for the camera’s image check to end; it is not missed', async () => {
    const runs: { kind: ProbeKind; at: number }[] = [];
    const missed: ProbeKind[] = [];
    const run = async (_c: Pick<Camera, 'id'>, kind: ProbeKind) => {
      runs.push({ kind, at: Date.now() });
      await new Promise((r) => setTimeout(r, kind === 'image' ? 4000 : 10));
    };
    const s = new Scheduler({ concurrency: 10, run, random: () => 0, onMissed: (k) => missed.push(k) });
    s.upsert(camera('busy', { checkIntervalSec: 5, imageCheckIntervalSec: 5 }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(missed).toEqual([]);
    expect(runs.filter((r) => r.kind === 'liveness').length).toBeGreaterThanOrEqual(11);
    await stopAll(s);
  });

  it('does not probe paused cameras, and takes edits at once', async () => {
    const rec = recorder(10);
    const s = new Scheduler({ concurrency: 10, run: rec.run, random: () => 0 });
    s.upsert(camera('p', { enabled: false }));
    s.upsert(camera('e', { checkIntervalSec: 60, imageCheckIntervalSec: 3600 }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(rec.runs.map((x) => x.id)).not.toContain('p');
    const before = rec.runs.filter((x) => x.id === 'e').length;
    s.upsert(camera('e', { checkIntervalSec: 5, imageCheckIntervalSec: 3600 }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(rec.runs.filter((x) => x.id === 'e' && x.kind === 'liveness').length - before).toBeGreaterThanOrEqual(6);
    s.upsert(camera('e', { enabled: false }));
    const paused = rec.runs.length;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(rec.runs.length).toBe(paused);
    s.remove('e');
    await s.stop();
  });

  it('stop() waits for running checks and starts no new ones', async () => {
    const rec = recorder(5000);
    const s = new Scheduler({ concurrency: 10, run: rec.run, random: () => 0 });
    s.upsert(camera('x', { checkIntervalSec: 5 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(s.inFlight).toBe(1);
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(5000);
    await stopping;
    expect(stopped).toBe(true);
    const count = rec.runs.length;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(rec.runs.length).toBe(count);
  });
});
