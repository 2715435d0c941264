/**
 * Where one liveness check's CPU goes: the floor (a bare connect, DESCRIBE, reply and close with
 * nothing of Pantau's: what any monitor pays the kernel and Node for the exchange), the TCP layer
 * alone, the RTSP layer alone (DESCRIBE only, and with the media check: SETUP, PLAY, first RTP
 * packet, TEARDOWN, over TCP and UDP), a whole liveness round (Prober), and recording its result
 * (Monitor: status machine, raw result, saved state, one transaction) — each run many times
 * against a fleet in another process and divided, so the capacity figure can be explained in
 * microseconds per check.
 */
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GCProfiler } from 'node:v8';
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

type Operation = 'floor' | 'tcp' | 'rtsp' | 'rtspMediaTcp' | 'rtspMediaUdp' | 'liveness' | 'record';
export type CheckCosts = Record<Operation, number>;

/**
 * Microseconds of CPU per operation, each the median of `rounds` passes of `n` operations; and
 * in `allocated`, the bytes of heap each allocated, from the same passes: what the young
 * generation must collect, so how many scavenges a check brings on. Unlike CPU it hardly
 * varies from run to run, so it shows a change in garbage that CPU's noise hides.
 */
export interface Pacing {
  /** Operations started a second. */
  perSecond: number;
  /** Started together in each slot, as the scheduler's phase grid starts a slot's cameras. */
  perSlot: number;
  /** Length of each measured pass. */
  seconds: number;
}

export type PacedCosts = Record<'floor' | 'liveness', number>;

/**
 * With `paced`, the floor and the liveness round are also run at the scheduler's pace (so many a
 * second, in slots), where the process sleeps between slots and each slot wakes it: what a
 * check costs in a fleet of this size, not in a loop that never lets the process idle.
 */
export async function checkCosts(n = 4000, rounds = 3, paced?: Pacing): Promise<CheckCosts & { allocated: CheckCosts; paced?: PacedCosts }> {
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

    const ops: Record<Operation, (i: number) => Promise<unknown>> = {
      floor: (i) => bareDescribe(fleetCameras[i % cameras]!),
      tcp: (i) => checkTcp(target(i), ctx),
      rtsp: (i) => checkRtsp(target(i), ctx),
      rtspMediaTcp: (i) => checkRtsp(target(i), { ...ctx, media: true }),
      rtspMediaUdp: (i) => checkRtsp({ ...target(i), rtspTransport: 'udp' }, { ...ctx, media: true }),
      liveness: (i) => prober.liveness(all[i % cameras]!, signal),
      record: async (i) => monitor.record({ ...results[i % cameras]!, at: at++ }, 'liveness'),
    };
    const costs = {} as CheckCosts & { allocated: CheckCosts };
    costs.allocated = {} as CheckCosts;
    for (const [name, op] of Object.entries(ops) as [Operation, (i: number) => Promise<unknown>][]) {
      const cost = await perOp(n, rounds, op);
      costs[name] = cost.cpuUs;
      costs.allocated[name] = cost.bytes;
    }
    monitor.stop();
    if (paced) {
      const pacedCosts = {} as PacedCosts;
      for (const name of ['floor', 'liveness'] as const) pacedCosts[name] = await pacedOp(paced, ops[name]);
      return { ...costs, paced: pacedCosts };
    }
    return costs;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
    await fleet.stop();
  }
}

/**
 * The floor alone, paced (`pacing`), against a fleet of its own: CPU µs per bare exchange. Run
 * next to a capacity run, it is the yardstick for the machine's speed at that hour, which moves
 * by two or three times between days (BENCHMARKS.md, issue 16).
 */
export async function pacedFloor(pacing: Pacing): Promise<number> {
  const cameras = 200;
  const net = `127.${200 + Math.floor(Math.random() * 50)}`;
  const fleet = forkTs('bench/fleet.ts', ['--serve', '--cameras', String(cameras), '--net', net, '--duration', String(8 * pacing.seconds + 120)], { quiet: true });
  try {
    await fleet.next('ready', 60_000);
    const fleetCameras = Array.from({ length: cameras }, (_, i) => fleetCamera(i, { net }));
    const op = (i: number) => bareDescribe(fleetCameras[i % cameras]!);
    // Paced from cold, the floor read about twice what it reads once a loop of exchanges has
    // warmed the new fleet and this process (passes in the first minute 808, 540, 418 µs, then
    // 300–350), as the breakdown's loops warm them before its paced passes.
    await perOp(8000, 1, op);
    return await pacedOp(pacing, op);
  } finally {
    await fleet.stop();
  }
}

/**
 * One DESCRIBE with nothing around it: connect, write the request on connect, read until the
 * reply's head and Content-Length body are in, close. Always resolves (a failure ends it too).
 */
function bareDescribe(camera: { host: string; port: number; rtspUrl: string }): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: camera.host, port: camera.port });
    let reply = '';
    const end = () => {
      socket.destroy();
      resolve();
    };
    socket.on('connect', () => socket.write(`DESCRIBE ${camera.rtspUrl} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      const head = reply.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = /content-length:\s*(\d+)/i.exec(reply.slice(0, head));
      if (reply.length >= head + 4 + (length ? Number(length[1]) : 0)) end();
    });
    socket.on('error', end);
    socket.setTimeout(5000, end);
  });
}

/** CPU µs per call of `op` started at the pace given (the median of three passes, after one to warm the JIT). */
async function pacedOp(pacing: Pacing, op: (i: number) => Promise<unknown>): Promise<number> {
  let i = 0;
  const pass = async () => {
    const total = Math.round(pacing.perSecond * pacing.seconds);
    const cpu0 = process.cpuUsage();
    const running: Promise<unknown>[] = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        for (let k = 0; k < pacing.perSlot && running.length < total; k++) running.push(op(i++));
        if (running.length >= total) {
          clearInterval(timer);
          resolve();
        }
      }, (1000 * pacing.perSlot) / pacing.perSecond);
    });
    await Promise.all(running);
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / total;
  };
  await pass();
  const passes = [await pass(), await pass(), await pass()].sort((a, b) => a - b);
  return passes[1]!;
}

/** CPU µs and heap bytes allocated per call of `op` (medians of the passes), with 32 in flight as the scheduler would have them. */
async function perOp(n: number, rounds: number, op: (i: number) => Promise<unknown>): Promise<{ cpuUs: number; bytes: number }> {
  const pass = async () => {
    let next = 0;
    const worker = async () => {
      while (next < n) await op(next++);
    };
    const gc = new GCProfiler();
    gc.start();
    const used0 = process.memoryUsage().heapUsed;
    const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: 32 }, worker));
    const cpu = process.cpuUsage(cpu0);
    const used1 = process.memoryUsage().heapUsed;
    return { cpuUs: (cpu.user + cpu.system) / n, bytes: allocatedBetween(used0, used1, gc.stop()) / n };
  };
  await pass(); // warm the JIT
  const passes: { cpuUs: number; bytes: number }[] = [];
  for (let r = 0; r < rounds; r++) passes.push(await pass());
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return { cpuUs: median(passes.map((p) => p.cpuUs)), bytes: median(passes.map((p) => p.bytes)) };
}

/** Bytes allocated while the heap went from `used0` to `used1` through the collections profiled: each collection's before less the previous after. */
function allocatedBetween(used0: number, used1: number, profile: ReturnType<GCProfiler['stop']>): number {
  let allocated = 0;
  let from = used0;
  for (const gc of profile?.statistics ?? []) {
    allocated += gc.beforeGC.heapStatistics.usedHeapSize - from;
    from = gc.afterGC.heapStatistics.usedHeapSize;
  }
  return allocated + used1 - from;
}
