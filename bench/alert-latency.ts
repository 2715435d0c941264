/**
 * Figure 2, detection and alert latency: from a simulated camera dying (its port closed) to
 * the stored flip, and to the webhook alert arriving at a local HTTP server; then from its
 * return to the recovery message. Real Pantau, real fleet, real webhook contact, with the
 * intervals scaled down so a sample takes seconds rather than minutes; the floor each figure
 * cannot beat is computed from the settings and the overhead above it is reported.
 *
 *   floor(death → flip)  = (confirmations − 1) × interval … confirmations × interval
 *                          (the first failing check comes 0…1 interval after the death)
 *   floor(flip → alert)  = grace (a site's cameras dark within it share the message; nothing is
 *   added on top), then the alert tick (every 5 s) picks it up
 *   with defaults (30 s, 2 confirmations, 120 s grace): 150…180 s + ≤ 5 s. `--window` is the
 *   recovery grouping (alerts.groupWindowSec), which no longer delays alerts
 *
 *   npm run bench -- --only alert-latency [--runs 3] [--victims 20] [--interval 5]
 *     [--grace 5] [--window 5] [--cameras 200]
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config/load.js';
import type { Flip } from '../src/domain/status.js';
import { openStore } from '../src/store/index.js';
import { ADMIN_PASSWORD, Client, startTestPantau, waitFor } from '../test/support/pantau.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';
import { Fleet } from './lib/fleet-sim.js';
import { insertFleet } from './lib/fleet-register.js';
import { figure, percentile, printFigure, printMachine, saveResults, sleep, type Figure } from './lib/stats.js';

const ALERT_TICK_SEC = 5; // AlertService's default tick, not configurable

interface Sample {
  detectMs: number;
  flipToAlertMs: number;
  deathToAlertMs: number;
  recoveryMs: number;
}

interface Settings {
  cameras: number;
  victims: number;
  intervalSec: number;
  confirmations: number;
  graceSec: number;
  windowSec: number;
}

export async function run(): Promise<void> {
  const args = new Args();
  const s: Settings = {
    cameras: args.number('cameras', 200, { min: 8, max: 10_000, integer: true }),
    victims: args.number('victims', 20, { min: 1, max: 200, integer: true }),
    intervalSec: args.number('interval', 5, { min: 5, max: 300, integer: true }),
    confirmations: 2, // probes.failuresToConfirm and recoveriesToConfirm, default
    graceSec: args.number('grace', 5, { min: 0, max: 600, integer: true }),
    windowSec: args.number('window', 60, { min: 0, max: 600, integer: true }),
  };
  if (s.victims * 4 > s.cameras) throw new Error('--victims: at most a quarter of --cameras (one victim per site of four)');
  const runs = args.number('runs', 3, { min: 1, max: 20, integer: true });
  console.log(`\n# Detection and alert latency — interval ${s.intervalSec} s, ${s.confirmations} confirmations, grace ${s.graceSec} s, recovery window ${s.windowSec} s; ${s.victims} cameras die per run (one per site) among ${s.cameras}`);
  const detectFloor = [(s.confirmations - 1) * s.intervalSec, s.confirmations * s.intervalSec];
  console.log(`  floors: death → flip ${detectFloor[0]}…${detectFloor[1]} s; flip → alert ${s.graceSec} s + alert tick 0…${ALERT_TICK_SEC} s; back → recovery ${detectFloor[0]}…${detectFloor[1]} s`);
  printMachine();

  const perRun: Sample[][] = [];
  for (let r = 0; r < runs; r++) {
    const samples = await once(s);
    perRun.push(samples);
    const p = (pick: (x: Sample) => number) => (percentile(samples.map(pick), 50) / 1000).toFixed(1);
    console.log(`  run ${r + 1}/${runs}: ${samples.length} samples; p50 death→flip ${p((x) => x.detectMs)} s, flip→alert ${p((x) => x.flipToAlertMs)} s, death→alert ${p((x) => x.deathToAlertMs)} s, back→recovery ${p((x) => x.recoveryMs)} s`);
  }
  const stat = (label: string, pick: (x: Sample) => number, q: number, unit = 's') =>
    figure(`${label} p${q}`, unit, perRun.map((samples) => percentile(samples.map(pick), q) / 1000));
  const overFloor = (x: Sample) => x.flipToAlertMs - s.graceSec * 1000;
  const figures: Figure[] = [
    stat('death → flip stored', (x) => x.detectMs, 50),
    stat('death → flip stored', (x) => x.detectMs, 99),
    stat('flip → webhook alert received', (x) => x.flipToAlertMs, 50),
    stat('flip → webhook alert received', (x) => x.flipToAlertMs, 99),
    stat('death → webhook alert received', (x) => x.deathToAlertMs, 50),
    stat('death → webhook alert received', (x) => x.deathToAlertMs, 99),
    stat('alert over its floor (grace)', overFloor, 50),
    stat('alert over its floor (grace)', overFloor, 99),
    stat('back → recovery received', (x) => x.recoveryMs, 50),
    stat('back → recovery received', (x) => x.recoveryMs, 99),
  ];
  console.log(`\n  ${runs} runs × ${s.victims} cameras (median of the runs' percentiles, spread across runs):`);
  figures.forEach(printFigure);
  const defaults = { intervalSec: 30, graceSec: 120 };
  const over = figures[6]!.median;
  console.log(
    `  with defaults (interval ${defaults.intervalSec} s, grace ${defaults.graceSec} s): death → alert ≈ ${(defaults.intervalSec * (s.confirmations - 0.5) + defaults.graceSec + over).toFixed(0)} s typical, at most ${defaults.intervalSec * s.confirmations + defaults.graceSec + ALERT_TICK_SEC} s + delivery`,
  );
  const file = saveResults('alert-latency', { settings: s, figures, samples: perRun });
  console.log(`  results: ${path.relative(PACKAGE_ROOT, file)}`);
}

async function once(s: Settings): Promise<Sample[]> {
  const net = `127.${100 + Math.floor(Math.random() * 100)}`;
  const fleet = new Fleet({ cameras: s.cameras, net, frameWidth: 320, frameHeight: 240 });
  await fleet.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-alert-'));
  const store = openStore(path.join(dataDir, 'pantau.db'));
  const ids = insertFleet(store, fleet.cameras, { checkIntervalSec: s.intervalSec, imageCheckIntervalSec: 86_400, alertGraceSec: s.graceSec });
  store.close();
  const hook = await webhookReceiver();
  // Image checks are out of the way (a day): new cameras do not wait for a first picture.
  const pantau = await startTestPantau(
    { log: { level: 'warn' }, alerts: { graceSec: s.graceSec, groupWindowSec: s.windowSec }, probes: { failuresToConfirm: s.confirmations, recoveriesToConfirm: s.confirmations, awaitPictureBeforeUp: false } },
    dataDir,
  );
  try {
    const admin = await new Client(pantau.url).login('admin', ADMIN_PASSWORD);
    const contact = await admin.post('/api/contacts', { channel: 'webhook', address: hook.url });
    if (contact.status !== 201) throw new Error(`creating the webhook contact: ${contact.status} ${contact.text}`);
    await waitFor('every camera up', async () => ((pantau.monitor.counts().up ?? 0) === s.cameras ? true : undefined), (s.intervalSec * 4 + 30) * 1000);

    const flips = new Map<string, Flip & { storedAt: number }>();
    pantau.monitor.on('flip', (flip) => {
      if (!flips.has(`${flip.cameraId}:${flip.to}`)) flips.set(`${flip.cameraId}:${flip.to}`, { ...flip, storedAt: Date.now() });
    });
    // One victim per site (cameras 0, 4, 8 … share no site), each dying at its own moment.
    const victims = Array.from({ length: s.victims }, (_, k) => k * 4);
    const diedAt = new Map<string, number>();
    const backAt = new Map<string, number>();
    const spreadMs = s.intervalSec * 2000;
    await Promise.all(
      victims.map(async (i) => {
        await sleep(Math.random() * spreadMs);
        diedAt.set(ids[i]!, Date.now());
        await fleet.setMode(i, 'down');
      }),
    );
    const budget = (s.intervalSec * (s.confirmations + 2) + s.graceSec + s.windowSec + ALERT_TICK_SEC * 3 + 30) * 1000;
    await waitFor('every alert', async () => (victims.every((i) => hook.first(ids[i]!, 'camera.down')) ? true : undefined), budget + spreadMs, 100);
    await Promise.all(
      victims.map(async (i) => {
        await sleep(Math.random() * spreadMs);
        backAt.set(ids[i]!, Date.now());
        await fleet.setMode(i, 'ok');
      }),
    );
    await waitFor('every recovery', async () => (victims.every((i) => hook.first(ids[i]!, 'camera.recovered')) ? true : undefined), budget + spreadMs, 100);

    return victims.map((i) => {
      const id = ids[i]!;
      const died = diedAt.get(id)!;
      const flip = flips.get(`${id}:down`);
      const alert = hook.first(id, 'camera.down')!;
      const recovery = hook.first(id, 'camera.recovered')!;
      if (!flip) throw new Error(`no down flip seen for camera ${i}`);
      return { detectMs: flip.storedAt - died, flipToAlertMs: alert - flip.at, deathToAlertMs: alert - died, recoveryMs: recovery - backAt.get(id)! };
    });
  } finally {
    await pantau.stop();
    await fleet.stop();
    await new Promise<void>((resolve) => hook.server.close(() => resolve()));
  }
}

/** A webhook endpoint on loopback that notes when each camera's first message of each event arrived. */
async function webhookReceiver(): Promise<{ server: Server; url: string; first: (cameraId: string, event: string) => number | undefined }> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event: string; cameras: { id: string }[] };
        for (const c of body.cameras) if (!seen.has(`${c.id}:${body.event}`)) seen.set(`${c.id}:${body.event}`, at);
      } catch {
        /* not ours */
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook`, first: (id, event) => seen.get(`${id}:${event}`) };
}

if (isMain(import.meta.url)) await run();
