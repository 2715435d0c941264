/**
 * History in a real SQLite store: rollups plus edge flips give the same uptime as the flips
 * alone, over a generated year; a restart keeps an open outage open and records the gap as
 * unknown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { History, DAY_ROLLED_MARKER } from '../../src/services/history.js';
import { Roller, SETTLE_MS } from '../../src/services/rollups.js';
import { Monitor } from '../../src/services/monitor.js';
import { computeUptime } from '../../src/domain/uptime.js';
import { machinePolicy } from '../../src/domain/status-machine.js';
import type { CameraStatus, Flip, ProbeResult } from '../../src/domain/status.js';
import { createLogger } from '../../src/log.js';

const WITA = 480;
const DAY = 86_400_000;
const log = createLogger('silent');
const dirs: string[] = [];
const stores: Store[] = [];

function freshStore(): Store {
  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-history-'));
  dirs.push(dir);
  const store = openStore(path.join(dir, 'pantau.db'));
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function addCamera(store: Store, name: string, createdAt: number): string {
  return store.cameras.insert(
    { name, site: 'S', agency: 'A', location: null, innovation: null, owners: [], onvif: null, rtsp: { url: 'rtsp://127.0.0.1/x', username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 30, imageCheckIntervalSec: 300, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null },
    createdAt,
  ).id;
}

/** A deterministic pseudo-random year of flips: outages of minutes to days. */
function generateFlips(cameraId: string, from: number, to: number, seed: number): Flip[] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const flips: Flip[] = [];
  let status: CameraStatus = 'unknown';
  for (let t = from + 3_600_000; t < to; t += Math.floor(rand() * 5 * DAY) + 60_000) {
    const next: CameraStatus = status === 'up' ? (rand() < 0.7 ? 'down' : 'degraded') : 'up';
    flips.push({ cameraId, at: t, from: status, to: next, reason: next === 'up' ? 'ok' : next === 'down' ? 'unreachable' : 'black' });
    status = next;
  }
  return flips;
}

describe('uptime from rollups and edge flips', () => {
  it('matches the flip-based answer over a year, for every window and with unrolled days', () => {
    const store = freshStore();
    const start = Date.UTC(2025, 10, 1, 16, 0, 0); // 2025-11-02 00:00 WITA
    const end = start + 395 * DAY + 5 * 3_600_000 + 17_000;
    const id = addCamera(store, 'Masjid', start);
    const flips = generateFlips(id, start, end, 42);
    expect(flips.length).toBeGreaterThan(100);
    for (const f of flips) store.flips.insert(f);

    // Roll days up to three days before the end; those three days must come from flips.
    store.rollups.setMarker(DAY_ROLLED_MARKER, start);
    const rollNow = end - 3 * DAY;
    store.rollups.setMarker('rollup.hour', rollNow - 3_600_000);
    new Roller(store, { tzOffsetMinutes: WITA, retention: { rawHours: 24, hourDays: 90, dayDays: null }, nightly: '15 0 * * *', timeZone: 'Asia/Makassar', log, now: () => rollNow }).rollDue();
    expect(store.rollups.range('day', start, end, id).length).toBe(392);

    const history = new History(store, WITA);
    for (const days of [1, 7, 30, 90, 365]) {
      const from = end - days * DAY;
      const got = history.camera(id, from, end);
      const before = flips.filter((f) => f.at < from).pop();
      const want = computeUptime({ flips: flips.filter((f) => f.at >= from), from, to: end, initialStatus: before?.to ?? 'unknown' });
      for (const status of ['up', 'degraded', 'down', 'unknown'] as const) {
        expect(got.seconds[status], `${days}d ${status}`).toBeCloseTo(want.seconds[status], 3);
      }
      expect(got.uptime).toBeCloseTo(want.uptime!, 9);
      const bulk = history.all([id], from, end).get(id)!;
      expect(bulk.uptime).toBeCloseTo(want.uptime!, 9);
    }
  });

  it('counts days without rollups as unknown, never as up', () => {
    const store = freshStore();
    const start = Date.UTC(2026, 0, 1, 16, 0, 0);
    const id = addCamera(store, 'Kantor', start);
    store.flips.insert({ cameraId: id, at: start, from: 'unknown', to: 'up', reason: 'ok' });
    // Days claimed rolled, but no rollup rows (e.g. lost): they must not count as up.
    store.rollups.setMarker(DAY_ROLLED_MARKER, start + 10 * DAY);
    const r = new History(store, WITA).camera(id, start, start + 10 * DAY);
    expect(r.seconds.up).toBe(0);
    expect(r.seconds.unknown).toBe(10 * 86_400);
    expect(r.uptime).toBeNull();
  });
});

describe('monitor across a restart', () => {
  const probe = (cameraId: string, at: number, ok: boolean): ProbeResult => ({
    cameraId,
    at,
    layers: { tcp: ok ? { ok: true, reached: true, latencyMs: 3 } : { ok: false, reason: 'refused', reached: false } },
  });

  it('keeps one open outage, records the gap as unknown, and never invents a recovery', () => {
    const store = freshStore();
    let now = Date.UTC(2026, 10, 20, 0, 0, 0);
    const clock = () => now;
    const id = addCamera(store, 'Pasar', now);
    const policy = machinePolicy({});
    const m1 = new Monitor(store, policy, log, { now: clock, heartbeatMs: 60_000 });
    m1.start();
    for (const ok of [true, false, false, false]) {
      now += 30_000;
      m1.record(probe(id, now, ok), 'liveness');
    }
    expect(m1.status(id)!.state.status).toBe('down');
    const downSince = m1.status(id)!.state.since;
    m1.stop();

    now += 2 * 3_600_000; // Pantau was not running for two hours.
    const m2 = new Monitor(store, policy, log, { now: clock, heartbeatMs: 60_000 });
    m2.start();
    expect(m2.status(id)!.state.status).toBe('down');
    expect(m2.status(id)!.state.since).toBe(downSince);
    now += 30_000;
    m2.record(probe(id, now, false), 'liveness');

    const history = new History(store, WITA);
    const r = history.camera(id, downSince, now);
    expect(r.outages).toHaveLength(1);
    expect(r.outages[0]!.start).toBe(downSince);
    expect(r.outages[0]!.end).toBeNull();
    expect(r.seconds.unknown).toBeCloseTo(2 * 3600, 0);
    const flips = store.flips.forWindow(id, 0, now + 1).flips;
    expect(flips.filter((f) => f.to === 'up')).toHaveLength(1); // only the first adoption, before the outage
    expect(flips.map((f) => f.reason)).toEqual(['ok', 'unreachable', 'monitor_offline', 'monitor_resumed']);
    m2.stop();
  });
});

describe('check counts without a row per check', () => {
  const HOUR = 3_600_000;
  const round = (cameraId: string, at: number, ok: boolean, latencyMs: number): ProbeResult => ({
    cameraId,
    at,
    layers: { tcp: ok ? { ok: true, reached: true, latencyMs } : { ok: false, reason: 'refused', reached: false, latencyMs } },
  });
  const setup = () => {
    const store = freshStore();
    // 09:00 WITA: hours follow local time.
    let now = Date.UTC(2026, 10, 20, 1, 0, 0);
    const clock = () => now;
    const id = addCamera(store, 'Alun-alun', now - DAY);
    const monitor = new Monitor(store, machinePolicy({}), log, { now: clock, heartbeatMs: 60_000, tzOffsetMinutes: WITA });
    monitor.start();
    const roller = new Roller(store, {
      tzOffsetMinutes: WITA,
      retention: { rawHours: 24, hourDays: 90, dayDays: null },
      nightly: '15 0 * * *',
      timeZone: 'Asia/Makassar',
      log,
      now: clock,
      flushChecks: () => monitor.flushChecks(),
    });
    const hourStart = now;
    return { store, id, monitor, roller, hourStart, clock, advance: (ms: number) => (now += ms), at: () => now };
  };
  const stateRow = (store: Store, id: string) =>
    store.db.prepare('SELECT state, updated_at FROM camera_state WHERE camera_id = ?').get(id) as { state: string; updated_at: number };

  it('counts every round of an hour into its rollup, stores only rounds whose verdict changed, and settles before rolling', () => {
    const { store, id, monitor, roller, hourStart, advance, at } = setup();
    // 120 rounds, one every 30 s: up, then 10 failing rounds in the middle, then up again.
    const oks = Array.from({ length: 120 }, (_, i) => i < 50 || i >= 60);
    oks.forEach((ok, i) => {
      advance(i === 0 ? 0 : 30_000);
      monitor.record(round(id, at(), ok, 1 + (i % 10)), 'liveness');
      if (i === 60) roller.rollDue(); // a flush in the middle of the hour: the two halves must add up
    });
    advance(HOUR - 119 * 30_000); // the hour has ended…
    roller.rollDue();
    expect(store.rollups.range('hour', hourStart, hourStart + HOUR, id)).toEqual([]); // …but is not settled yet
    advance(SETTLE_MS);
    roller.rollDue();
    const [hour] = store.rollups.range('hour', hourStart, hourStart + HOUR, id);
    expect(hour).toMatchObject({ checks: 120, failures: 10, latencyMin: 1, latencyMax: 10, latencyCount: 120 });
    expect(hour!.latencySum).toBe(oks.reduce((sum, _, i) => sum + 1 + (i % 10), 0));
    // Stored rounds: the first one, the first failure, the first success after: not 120 rows.
    const stored = store.db.prepare('SELECT at, status FROM probe_results WHERE camera_id = ? ORDER BY at').all(id) as { at: number; status: string }[];
    expect(stored.map((r) => r.status)).toEqual(['up', 'down', 'up']);
    expect(stored.map((r) => (r.at - hourStart) / 30_000)).toEqual([0, 50, 60]);
    // The day rollup takes its checks from the hours.
    advance(DAY);
    roller.rollDue();
    const dayStart = hourStart - 9 * HOUR;
    expect(store.rollups.range('day', dayStart, dayStart + DAY, id)[0]).toMatchObject({ checks: 120, failures: 10 });
    monitor.stop();
  });

  it('writes the machine state when it changes, not for every quiet round, and the newest probe time at stop', () => {
    const { store, id, monitor, advance, at } = setup();
    monitor.record(round(id, at(), true, 2), 'liveness');
    const adopted = stateRow(store, id);
    expect(JSON.parse(adopted.state)).toMatchObject({ status: 'up', lastProbeAt: at() });
    for (let i = 0; i < 5; i++) {
      advance(30_000);
      monitor.record(round(id, at(), true, 2), 'liveness');
    }
    expect(stateRow(store, id)).toEqual(adopted);
    advance(30_000);
    monitor.record(round(id, at(), false, 2), 'liveness'); // pending down: the state changed
    expect(JSON.parse(stateRow(store, id).state)).toMatchObject({ status: 'up', pending: { status: 'down', count: 1 }, lastProbeAt: at() });
    advance(30_000);
    monitor.record(round(id, at(), true, 2), 'liveness');
    advance(30_000);
    monitor.record(round(id, at(), true, 2), 'liveness');
    expect(JSON.parse(stateRow(store, id).state).lastProbeAt).toBeLessThan(at());
    monitor.stop();
    expect(JSON.parse(stateRow(store, id).state)).toMatchObject({ status: 'up', pending: null, lastProbeAt: at() });
  });

  it('drops the rounds of a camera deleted behind its back (another process) without writing for it', () => {
    const { store, id, monitor, roller, hourStart, advance, at } = setup();
    monitor.record(round(id, at(), true, 2), 'liveness');
    advance(30_000);
    monitor.record(round(id, at(), true, 2), 'liveness');
    store.db.prepare('DELETE FROM cameras WHERE id = ?').run(id);
    advance(30_000);
    expect(() => monitor.record(round(id, at(), false, 2), 'liveness')).not.toThrow(); // a change: would be written
    expect(monitor.status(id)).toBeUndefined();
    advance(HOUR + SETTLE_MS);
    expect(() => roller.rollDue()).not.toThrow(); // its tallied checks are skipped, not a foreign-key error
    expect(store.db.prepare('SELECT count(*) FROM check_counts').pluck().get()).toBe(0);
    expect(store.rollups.range('hour', hourStart, hourStart + HOUR, id)).toEqual([]);
    monitor.stop();
  });

  it('keeps the tally when the store refuses it, and writes it at the next flush', () => {
    const { store, id, monitor, roller, hourStart, advance, at } = setup();
    for (let i = 0; i < 4; i++) {
      monitor.record(round(id, at(), true, 3), 'liveness');
      advance(30_000);
    }
    const addMany = store.checkCounts.addMany.bind(store.checkCounts);
    store.checkCounts.addMany = () => {
      throw new Error('disk I/O error');
    };
    monitor.flushChecks();
    store.checkCounts.addMany = addMany;
    monitor.record(round(id, at(), true, 3), 'liveness');
    advance(HOUR + SETTLE_MS);
    roller.rollDue();
    expect(store.rollups.range('hour', hourStart, hourStart + HOUR, id)[0]).toMatchObject({ checks: 5, failures: 0 });
    monitor.stop();
  });
});
