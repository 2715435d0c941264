/**
 * A made-up but plausible year of history for the history benchmark: per camera, up spells of
 * about three days broken by outages of about three hours (down or degraded), a few cameras
 * dark for weeks; and the raw probe results of the last hours (a liveness round every 30 s),
 * as a running Pantau would hold them. Written straight into the store in big transactions.
 */
import type { CameraStatus, FlipReason } from '../../src/domain/status.js';
import type { Store } from '../../src/store/index.js';
import { mulberry32 } from './fleet-sim.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface GeneratedHistory {
  flips: number;
  rawRows: number;
}

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
  tcp: { ok: true, latencyMs: 2, reached: true, detail: { host: '10.20.30.40', port: 554 } },
  rtsp: { ok: true, latencyMs: 14, reached: true, message: 'video H264', detail: { hasVideo: true, statusCode: 200, videoCodec: 'H264' } },
});

/** Raw liveness results every `everySec` for each camera over [from, to): what 24 h of retention holds. */
export function generateRaw(store: Store, cameraIds: readonly string[], from: number, to: number, everySec = 30): number {
  const insert = store.db.prepare('INSERT INTO probe_results (camera_id, at, kind, status, reason, ok, latency_ms, layers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  let count = 0;
  const step = everySec * 1000;
  // Time-major, as a running Pantau writes them; one transaction per hour of results.
  for (let hour = from; hour < to; hour += HOUR) {
    store.db.transaction(() => {
      for (let t = hour; t < Math.min(to, hour + HOUR); t += step) {
        for (let i = 0; i < cameraIds.length; i++) {
          insert.run(cameraIds[i], t + ((i * 997) % step), 'liveness', 'up', 'ok', 1, 14, LAYERS);
          count++;
        }
      }
    })();
  }
  return count;
}
