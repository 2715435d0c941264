/**
 * A made-up but plausible year of history for the history benchmark: per camera, up spells of
 * about three days broken by outages of about three hours (down or degraded), a few cameras
 * dark for weeks; and what a running Pantau holds of its recent checks: hour check counts and
 * the rounds whose verdict changed. Written straight into the store in big transactions.
 */
import { tallySample, type CheckCount } from '../../src/domain/rollup.js';
import type { CameraStatus, FlipReason } from '../../src/domain/status.js';
import type { Store } from '../../src/store/index.js';
import { mulberry32 } from '../../test/support/random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Flips of every camera over [from, to); seeded, so every run builds the same year. */
export function generateFlips(store: Store, cameraIds: readonly string[], from: number, to: number, seed = 7): number {
  const random = mulberry32(seed);
  const exp = (mean: number) => -Math.log(1 - random()) * mean;
  let count = 0;
  store.cameras.transaction(() => {
    for (const cameraId of cameraIds) {
      let status: CameraStatus = 'unknown';
      const flip = (at: number, to: CameraStatus, reason: FlipReason) => {
        store.flips.insert({ cameraId, at: Math.round(at), from: status, to, reason });
        status = to;
        count++;
      };
      let t = from + random() * HOUR;
      flip(t, 'up', 'ok');
      // One camera in twenty dies quietly for weeks once in the year.
      const longAt = random() < 0.05 ? from + random() * (to - from) : Infinity;
      for (let guard = 0; guard < 10_000; guard++) {
        t += exp(3 * DAY);
        if (t >= to) break;
        const long = t >= longAt;
        const bad: CameraStatus = random() < 0.7 ? 'down' : 'degraded';
        flip(t, bad, bad === 'down' ? 'unreachable' : random() < 0.5 ? 'black' : 'frozen');
        t += long ? 10 * DAY + random() * 30 * DAY : Math.min(exp(3 * HOUR), 5 * DAY);
        if (long) t = Math.max(t, longAt);
        if (t >= to) break;
        flip(t, 'up', 'ok');
      }
    }
  });
  return count;
}

const LAYERS = JSON.stringify({
  tcp: { ok: false, latencyMs: 3001, reached: false, reason: 'timeout', message: 'no TCP answer from 10.20.30.40:554 within 3000 ms', detail: { host: '10.20.30.40', port: 554 } },
  rtsp: { ok: false, latencyMs: 3001, reached: false, reason: 'timeout', message: 'no RTSP answer within 3000 ms' },
});

/**
 * The monitor's hour check counts of each camera over [from, to) (a round every `everySec`),
 * counted with the domain's own tally and written as its minute flushes add them.
 */
export function generateChecks(store: Store, cameraIds: readonly string[], from: number, to: number, tzOffsetMinutes: number, everySec = 30): number {
  const step = everySec * 1000;
  let rows = 0;
  for (let hour = from; hour < to; hour += HOUR) {
    const tally = new Map<string, CheckCount>();
    for (let t = hour; t < Math.min(to, hour + HOUR); t += step) {
      for (let i = 0; i < cameraIds.length; i++) {
        tallySample(tally, { cameraId: cameraIds[i]!, at: t + ((i * 997) % step), ok: (i + t / step) % 97 !== 0, latencyMs: 2 + (i % 5) }, tzOffsetMinutes);
      }
    }
    store.checkCounts.addMany(tally.values());
    rows += tally.size;
  }
  return rows;
}

/**
 * The probe rounds a running Pantau stores over [from, to): those whose verdict changed, about
 * one at each flip (the first failing round, the first good one after).
 */
export function generateRounds(store: Store, from: number, to: number): number {
  const flips = store.db.prepare('SELECT camera_id, at, to_status FROM flips WHERE at >= ? AND at < ?').all(from, to) as { camera_id: string; at: number; to_status: string }[];
  const insert = store.db.prepare('INSERT INTO probe_results (camera_id, at, kind, status, reason, ok, latency_ms, layers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  store.db.transaction(() => {
    for (const f of flips) {
      const up = f.to_status === 'up';
      insert.run(f.camera_id, f.at - 30_000, 'liveness', up ? 'up' : 'down', up ? 'ok' : 'unreachable', up ? 1 : 0, up ? 14 : 3001, up ? '{"tcp":{"ok":true,"latencyMs":2}}' : LAYERS);
    }
  })();
  return flips.length;
}
