/**
 * Where one liveness check's CPU goes: the TCP layer alone, the RTSP layer alone (DESCRIBE
 * only, and with the media check: SETUP, PLAY, first RTP packet, TEARDOWN, over TCP and UDP), a whole
 * liveness round (Prober), and recording its result (Monitor: status machine, raw result,
 * saved state, one transaction) — each run many times against a fleet in another process and
 * divided, so the capacity figure can be explained in microseconds per check.
 */
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { machinePolicy } from '../../src/domain/status-machine.js';
import type { ProbeResult } from '../../src/domain/status.js';
import { createLogger } from '../../src/log.js';
import { checkRtsp, checkTcp } from '../../src/probes/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Monitor } from '../../src/services/monitor.js';
import { Prober } from '../../src/services/prober.js';
import { openStore } from '../../src/store/index.js';
import { forkTs } from './child.js';
import { fleetCamera } from './fleet-sim.js';
import { insertFleet } from './fleet-register.js';

export type CheckCosts = Record<'tcp' | 'rtsp' | 'rtspMediaTcp' | 'rtspMediaUdp' | 'liveness' | 'record', number>;

/** Microseconds of CPU per operation, each the median of `rounds` passes of `n` operations. */
export async function checkCosts(n = 4000, rounds = 3): Promise<CheckCosts> {
  const cameras = 200;
  const net = `127.${200 + Math.floor(Math.random() * 50)}`;
  const fleet = forkTs('bench/fleet.ts', ['--serve', '--cameras', String(cameras), '--net', net, '--duration', '600'], { quiet: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'pantau-cost-'));
  const store = openStore(path.join(dir, 'pantau.db'));
  try {
    await fleet.next('ready', 60_000);
    const fleetCameras = Array.from({ length: cameras }, (_, i) => fleetCamera(i, { net }));
    const ids = insertFleet(store, fleetCameras);
    const all = store.cameras.all();
    const log = createLogger('error');
    const prober = new Prober({ box: SecretBox.fromSecret('fleet-benchmark-secret-0123456789abcdef'), log, livenessTimeoutMs: 5000, imageTimeoutMs: 15_000 });
    const signal = new AbortController().signal;
    setMaxListeners(0, signal); // every check in flight listens to it
    const ctx = { signal, deadlineMs: 5000 };
    const target = (i: number) => ({ cameraId: 'x', rtspUrl: fleetCameras[i % cameras]!.rtspUrl });

    const monitor = new Monitor(store, machinePolicy({ failuresToConfirm: 2, recoveriesToConfirm: 2, flapThreshold: 6 }), log);
    monitor.start();
    const sample = await prober.liveness(all[0]!, signal);
    const results: ProbeResult[] = ids.map((id) => ({ ...sample, cameraId: id }));
    let at = Date.now();

    const costs: CheckCosts = {
      tcp: await perOp(n, rounds, (i) => checkTcp(target(i), ctx)),
      rtsp: await perOp(n, rounds, (i) => checkRtsp(target(i), ctx)),
      rtspMediaTcp: await perOp(n, rounds, (i) => checkRtsp(target(i), { ...ctx, media: true })),
      rtspMediaUdp: await perOp(n, rounds, (i) => checkRtsp({ ...target(i), rtspTransport: 'udp' }, { ...ctx, media: true })),
      liveness: await perOp(n, rounds, (i) => prober.liveness(all[i % cameras]!, signal)),
      record: await perOp(n, rounds, async (i) => monitor.record({ ...results[i % cameras]!, at: at++ }, 'liveness')),
    };
    monitor.stop();
    return costs;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
    await fleet.stop();
  }
}

/** CPU µs per call of `op`, with 32 in flight as the scheduler would have them. */
async function perOp(n: number, rounds: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const pass = async () => {
    let next = 0;
    const worker = async () => {
      while (next < n) await op(next++);
    };
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: 32 }, worker));
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / n;
  };
  await pass(); // warm the JIT
  const values: number[] = [];
  for (let r = 0; r < rounds; r++) values.push(await pass());
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
