/**
 * The embedded mode hands one shutdown signal to every round in flight. Fifty rounds at once
 * against a camera that never answers (so they all stay in flight) must not make Node warn
 * about a listener leak on it, and shutting down must still cancel every one of them.
 */
import { afterEach, expect, it } from 'vitest';
import { startEmbeddedProbing } from '../../src/jobs/probing.js';
import { createLogger } from '../../src/log.js';
import { SecretBox } from '../../src/security/secret-box.js';
import type { Monitor } from '../../src/services/monitor.js';
import { Prober } from '../../src/services/prober.js';
import type { Camera } from '../../src/store/cameras.js';
import { RtspResponderSimulator } from '../support/index.js';

const CAMERAS = 50;

const camera = (id: string, url: string): Camera => ({
  id, name: id, site: 'S', location: null, innovation: null, agency: 'A', owners: [], onvif: null, rtsp: { url, username: null, passwordEnc: null }, snapshot: null,
  checkIntervalSec: 1, imageCheckIntervalSec: 3600, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null, createdAt: 0, updatedAt: 0,
});

const warnings: Error[] = [];
const onWarning = (w: Error): void => {
  warnings.push(w);
};
afterEach(() => {
  process.off('warning', onWarning);
});

it(`runs ${CAMERAS} rounds at once on the shared shutdown signal without a MaxListenersExceededWarning`, async () => {
  process.on('warning', onWarning);
  const sim = new RtspResponderSimulator({ mode: 'silent' });
  await sim.start();
  const recorded: string[] = [];
  // awaitsPicture(): probing asks whether a camera's first round should take its picture too (no).
  const monitor = { record: (r: { cameraId: string }) => void recorded.push(r.cameraId), awaitsPicture: () => false } as unknown as Monitor;
  const prober = new Prober({ box: SecretBox.fromSecret('probing-listeners-test-secret-0123456789'), log: createLogger('silent'), livenessTimeoutMs: 20_000, imageTimeoutMs: 20_000 });
  const cameras = Array.from({ length: CAMERAS }, (_, i) => camera(`cam-${i}`, sim.url));
  // A cap of exactly the rounds in flight: each round may hold one listener on the shared signal, not more.
  const probing = startEmbeddedProbing({ cameras, monitor, prober, concurrency: CAMERAS });
  try {
    // First ticks fall within the 1 s interval; each round then waits on the silent camera for 10 s.
    const deadline = Date.now() + 15_000;
    while (sim.connections < CAMERAS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(sim.connections).toBe(CAMERAS);
    await new Promise((r) => setTimeout(r, 100)); // process warnings are emitted on a later tick
  } finally {
    await probing.close();
    await sim.stop();
  }
  expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  expect(recorded).toEqual([]); // every round was cut short by the shutdown, and none was stored
});
