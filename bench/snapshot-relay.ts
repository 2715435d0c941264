/**
 * Figure 3, snapshot relay: from a frame being available at the camera (the fleet camera
 * serving its snapshot to Pantau) to the frame arriving at a socket.io client, p50/p99, and
 * what viewers cost. Pantau runs in its own process (lib/pantau-child.ts); the fleet's snapshot
 * cameras and the clients run here, so the camera's serve time and the client's receive time
 * are read on one clock. Scenarios, each a measured window:
 *   - one viewer on a camera page (full size, 2 frames/s);
 *   - 200 viewers on the grid page watching the same 50 cameras (thumbnails, the grid's 0.1 fps);
 *   - 200 viewers on camera pages, 4 per camera over 50 cameras (full size, 2 frames/s).
 * Bytes per client are read off each client's TCP socket (WebSocket framing included).
 *
 *   npm run bench -- --only snapshot-relay [--runs 3] [--window 60] [--clients 200] [--cameras 50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { PACKAGE_ROOT } from '../src/config/load.js';
import type { ClientToServerEvents, FrameMeta, ServerToClientEvents } from '../src/realtime/contract.js';
import { openStore } from '../src/store/index.js';
import { Args } from './lib/args.js';
import { forkTs, isMain } from './lib/child.js';
import { compiled } from './lib/compiled.js';
import { Fleet } from './lib/fleet-sim.js';
import { insertFleet } from './lib/fleet-register.js';
import { BENCH_ADMIN_PASSWORD } from './lib/pantau-child.js';
import { figure, percentile, printFigure, printMachine, saveResults, sleep, type Figure } from './lib/stats.js';

type Viewer = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Scenario {
  name: string;
  clients: number;
  /** Cameras each client watches, by client number. */
  watch: (client: number, ids: string[]) => string[];
  size: 'thumb' | 'full';
  fps: number;
}

interface Outcome {
  latencies: number[];
  relayMs: number[];
  frames: number;
  bytesPerClientPerMin: number;
  cpuPct: number;
  rssMb: number;
}

export async function run(): Promise<void> {
  const args = new Args();
  const runs = args.number('runs', 3, { min: 1, max: 20, integer: true });
  const windowSec = args.number('window', 60, { min: 10, max: 600 });
  const clients = args.number('clients', 200, { min: 1, max: 1000, integer: true });
  const cameras = args.number('cameras', 50, { min: 1, max: 200, integer: true });
  const scenarios: Scenario[] = [
    { name: 'one viewer, camera page (full, 2 fps)', clients: 1, watch: (_, ids) => ids.slice(0, 1), size: 'full', fps: 2 },
    { name: `${clients} viewers, grid of ${cameras} (thumb, 0.1 fps)`, clients, watch: (_, ids) => ids, size: 'thumb', fps: 0.1 },
    { name: `${clients} viewers, camera pages over ${cameras} (full, 2 fps)`, clients, watch: (k, ids) => [ids[k % ids.length]!], size: 'full', fps: 2 },
  ];
  console.log(`\n# Snapshot relay — ${cameras} snapshot cameras (1280×720 JPEG), windows of ${windowSec} s, ${runs} runs`);
  printMachine();

  const results: Record<string, Outcome[]> = {};
  for (let r = 0; r < runs; r++) {
    for (const s of scenarios) {
      const outcome = await once(s, cameras, windowSec);
      (results[s.name] ??= []).push(outcome);
      console.log(`  run ${r + 1}/${runs}, ${s.name}: ${outcome.frames} frames, p50 ${percentile(outcome.latencies, 50).toFixed(0)} ms, p99 ${percentile(outcome.latencies, 99).toFixed(0)} ms, ${(outcome.bytesPerClientPerMin / 1024).toFixed(0)} KB/client/min, Pantau cpu ${outcome.cpuPct.toFixed(0)} %`);
    }
  }
  const all: Record<string, Figure[]> = {};
  for (const s of scenarios) {
    const o = results[s.name]!;
    const f = (label: string, unit: string, pick: (x: Outcome) => number) => figure(label, unit, o.map(pick));
    all[s.name] = [
      f('camera → client p50', 'ms', (x) => percentile(x.latencies, 50)),
      f('camera → client p99', 'ms', (x) => percentile(x.latencies, 99)),
      f('  of which Pantau → client p50 (after capture)', 'ms', (x) => percentile(x.relayMs, 50)),
      f('  of which Pantau → client p99', 'ms', (x) => percentile(x.relayMs, 99)),
      f('frames received per client per minute', 'frames', (x) => (x.frames / s.clients) * (60 / windowSec)),
      f('bytes per client per minute', 'KB', (x) => x.bytesPerClientPerMin / 1024),
      f('Pantau CPU, % of one core', '%', (x) => x.cpuPct),
      f('Pantau RSS, highest', 'MB', (x) => x.rssMb),
    ];
    console.log(`\n  ${s.name}:`);
    all[s.name]!.forEach(printFigure);
  }
  const file = saveResults('snapshot-relay', { windowSec, clients, cameras, figures: all });
  console.log(`  results: ${path.relative(PACKAGE_ROOT, file)}`);
}

async function once(s: Scenario, cameras: number, windowSec: number): Promise<Outcome> {
  const net = `127.${100 + Math.floor(Math.random() * 100)}`;
  const fleet = new Fleet({ cameras, net, frameWidth: 1280, frameHeight: 720 });
  await fleet.start();
  const served = new Map<number, number[]>();
  fleet.onSnapshot = (index, at) => {
    const list = served.get(index) ?? [];
    list.push(at);
    served.set(index, list);
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-relay-'));
  const store = openStore(path.join(dataDir, 'pantau.db'));
  // Image-health rounds pushed far out: every frame in the window is fetched for viewers.
  const ids = insertFleet(store, fleet.cameras, { checkIntervalSec: 30, imageCheckIntervalSec: 86_400 });
  store.close();
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const pantau = forkTs(await compiled('bench/lib/pantau-child.ts'), [], { quiet: true, tsx: false });
  const viewers: Viewer[] = [];
  try {
    pantau.send({ type: 'start', dataDir });
    const { url } = await pantau.next<{ url: string }>('ready', 60_000);
    const cookie = await login(url);
    const latencies: number[] = [];
    const relayMs: number[] = [];
    let frames = 0;
    let measuring = false;
    for (let k = 0; k < s.clients; k++) {
      const viewer: Viewer = io(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
      viewer.on('frame', (meta: FrameMeta, _jpeg, ack) => {
        const now = Date.now();
        ack();
        if (!measuring) return;
        frames++;
        relayMs.push(now - meta.at);
        // The snapshot this frame came from: the camera's last serve before Pantau captured it.
        const times = served.get(indexOf.get(meta.cameraId) ?? -1) ?? [];
        const from = times.findLast((t) => t <= meta.at);
        if (from !== undefined) latencies.push(now - from);
      });
      await new Promise<void>((resolve, reject) => {
        viewer.once('connect', () => resolve());
        viewer.once('connect_error', reject);
      });
      await new Promise((resolve) => viewer.emit('watch', { cameraIds: s.watch(k, ids), size: s.size, fps: s.fps }, resolve));
      viewers.push(viewer);
    }
    await sleep(Math.max(3000, 1000 / s.fps + 1000)); // past the first frames, sent at once from the cache
    const bytes0 = viewers.map(bytesRead);
    measuring = true;
    pantau.send({ type: 'measure' });
    await sleep(windowSec * 1000);
    measuring = false;
    pantau.send({ type: 'report' });
    const { cpuPct, rssMb } = await pantau.next<{ cpuPct: number; rssMb: number }>('measured', 10_000);
    const bytes = viewers.map((v, k) => bytesRead(v) - bytes0[k]!);
    const bytesPerClientPerMin = (bytes.reduce((a, b) => a + b, 0) / viewers.length) * (60 / windowSec);
    return { latencies, relayMs, frames, bytesPerClientPerMin, cpuPct, rssMb };
  } finally {
    for (const v of viewers) v.disconnect();
    await pantau.stop();
    await fleet.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Bytes the client's TCP socket has read (socket.io over WebSocket, framing included). */
function bytesRead(viewer: Viewer): number {
  const transport = viewer.io.engine.transport as unknown as { ws?: { _socket?: { bytesRead: number } } };
  return transport.ws?._socket?.bytesRead ?? NaN;
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 200 || !cookie) throw new Error(`login failed: ${res.status}`);
  return cookie;
}

if (isMain(import.meta.url)) await run();
