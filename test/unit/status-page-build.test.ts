/**
 * Building the public status page never holds the event loop for the whole build: the data is
 * built in slices with the loop served between them, the previous data is served while a new
 * one is built, only one build runs at a time, and a failed rebuild leaves the old data served.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { machinePolicy } from '../../src/domain/status-machine.js';
import { StatusPageCache } from '../../src/http/status-page/index.js';
import { createLogger } from '../../src/log.js';
import { History } from '../../src/services/history.js';
import { Monitor } from '../../src/services/monitor.js';
import { Reports } from '../../src/services/reports.js';
import { StatusPageData, type PublicStatus } from '../../src/services/status-page.js';
import { openStore, type Store } from '../../src/store/index.js';

const DAY = 86_400_000;
let dir: string | undefined;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  store = dir = undefined;
});

const fakeStatus = (title: string): PublicStatus => ({ title, generatedAt: '', timeZone: 'Asia/Makassar', thresholds: { green: 0.99, yellow: 0.95 }, agencies: [], cameras: [] });

describe('StatusPageData.build', () => {
  it('lets the event loop run between slices of cameras', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pantau-status-build-'));
    const s = (store = openStore(path.join(dir, 'pantau.db')));
    const now = Date.now();
    for (let i = 0; i < 6; i++) {
      const id = s.cameras.insert(
        { name: `CCTV ${i}`, site: 'Pasar', agency: 'Dinas', location: null, innovation: null, owners: [], onvif: null, rtsp: { url: `rtsp://10.0.0.${i}/s`, username: null, passwordEnc: null }, snapshot: null, checkIntervalSec: 60, imageCheckIntervalSec: 3600, alertGraceSec: 120, enabled: true, private: false, public: true, tags: [], parentId: null, externalId: null },
        now - 10 * DAY,
      ).id;
      s.cameras.transaction(() => s.flips.insert({ cameraId: id, at: now - 9 * DAY, from: 'unknown', to: 'up', reason: 'ok' }));
    }
    const history = new History(s, 480);
    const monitor = new Monitor(s, machinePolicy({ failuresToConfirm: 2, recoveriesToConfirm: 2, flapThreshold: 6 }), createLogger('silent'), { now: () => now, tzOffsetMinutes: 480 });
    const reports = new Reports(s, monitor, history, { green: 0.99, yellow: 0.95, darkAfterDays: 7 }, () => now);
    const options = { title: 'Status', coordinatePrecision: null, thresholds: { green: 0.99, yellow: 0.95 }, timeZone: 'Asia/Makassar', tzOffsetMinutes: 480 };
    const turnsDuring = async (data: StatusPageData) => {
      let turns = 0;
      let done = false;
      const tick = () => {
        if (done) return;
        turns += 1;
        setImmediate(tick);
      };
      setImmediate(tick);
      const built = await data.build();
      done = true;
      return { turns, built };
    };
    // A slice of one camera: the loop turns at least once per camera.
    const sliced = await turnsDuring(new StatusPageData(s, history, reports, { ...options, sliceMs: 0 }, () => now));
    expect(sliced.built.cameras).toHaveLength(6);
    expect(sliced.turns).toBeGreaterThanOrEqual(6);
    // The same data whatever the slices.
    const whole = await new StatusPageData(s, history, reports, { ...options, sliceMs: 1e9 }, () => now).build();
    expect(whole).toEqual(sliced.built);
  });
});

describe('StatusPageCache', () => {
  it('waits for the first build, then serves the old data while one rebuild runs, and keeps it when a rebuild fails', async () => {
    let clock = 0;
    const pending: { resolve: (s: PublicStatus) => void; reject: (e: Error) => void }[] = [];
    const source = { build: () => new Promise<PublicStatus>((resolve, reject) => pending.push({ resolve, reject })) };
    const errors: unknown[] = [];
    const cache = new StatusPageCache(source, 60_000, () => clock, (err) => errors.push(err));

    const first = cache.status();
    expect(pending).toHaveLength(1);
    pending[0]!.resolve(fakeStatus('one'));
    expect((await first).title).toBe('one');
    expect((await cache.answer('json', (st) => ({ type: 'application/json', body: st.title }))).raw.toString()).toBe('one');

    clock = 61_000; // old: a rebuild starts, and the old data answers at once
    expect((await cache.status()).title).toBe('one');
    expect((await cache.status()).title).toBe('one');
    expect(pending).toHaveLength(2); // one rebuild, not one per request
    pending[1]!.resolve(fakeStatus('two'));
    await new Promise((r) => setImmediate(r));
    expect((await cache.status()).title).toBe('two');
    expect((await cache.answer('json', (st) => ({ type: 'application/json', body: st.title }))).raw.toString()).toBe('two');
    expect(cache.builds).toBe(2);

    clock = 130_000;
    expect((await cache.status()).title).toBe('two');
    pending[2]!.reject(new Error('database is locked'));
    await new Promise((r) => setImmediate(r));
    expect(errors).toHaveLength(1);
    expect((await cache.status()).title).toBe('two'); // and a new rebuild is tried
    expect(pending).toHaveLength(4);
  });
});
