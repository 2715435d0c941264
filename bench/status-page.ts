/**
 * The public status page under a crowd: 1 000 concurrent anonymous clients (each one request
 * after another over a kept-alive connection, gzip accepted, no cache) against /status and
 * /status.json, next to signed-in API calls (/api/me, /api/cameras) under the same load.
 * Reports requests per second, p50 and p99 latency, Pantau's CPU share and CPU time per request
 * for each, the cost of one build of the page's data, and the first load's size (HTML + CSS +
 * JS, gzip) of the page of all agencies and of one agency's. Then, in a second Pantau on the same
 * data rebuilding every `--refresh` seconds, the event loop's delay (perf_hooks
 * monitorEventLoopDelay, in Pantau) while the data is rebuilt under a trickle of requests: what a
 * probe round or a socket waits at worst while the page is built.
 *
 * Pantau runs compiled in a process of its own (lib/pantau-child.ts), so its CPU figure is its
 * alone; the clients run in this process and share the machine with it.
 *
 *   npm run bench -- --only status-page [--clients 1000] [--seconds 8] [--cameras 200] [--public 100] [--refresh 10]
 *
 * Not a test: numbers depend on the machine.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { openStore } from '../src/store/index.js';
import { createLogger } from '../src/log.js';
import { Roller } from '../src/services/rollups.js';
import { Args } from './lib/args.js';
import { forkTs, isMain, type Forked } from './lib/child.js';
import { compiled } from './lib/compiled.js';
import { generateFlips } from './lib/history-gen.js';
import { BENCH_ADMIN_PASSWORD } from './lib/pantau-child.js';
import { percentile, sleep } from './lib/stats.js';

const DAY = 86_400_000;

export async function run(): Promise<void> {
  const args = new Args(isMain(import.meta.url) ? process.argv.slice(2) : undefined);
  const clients = args.number('clients', 1000, { min: 1, max: 5000, integer: true });
  const seconds = args.number('seconds', 8, { min: 1, max: 120 });
  const cameras = args.number('cameras', 200, { min: 1, max: 20_000, integer: true });
  const publicCount = args.number('public', 100, { min: 1, max: cameras, integer: true });
  const refreshSec = args.number('refresh', 10, { min: 10, max: 120, integer: true });

  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-status-bench-'));
  const store = openStore(path.join(dataDir, 'pantau.db'));
  const now = Date.now();
  const ids: string[] = [];
  store.cameras.transaction(() => {
    for (let i = 0; i < cameras; i++) {
      ids.push(
        store.cameras.insert(
          {
            name: `CCTV ${i + 1}`, site: `Lokasi ${i % 50}`, agency: `OPD ${i % 10}`, location: { lat: -3.4 - i / 1e4, lng: 120.8 + i / 1e4, address: `Jl. ${i}` },
            innovation: { name: `Inovasi ${i % 25}`, launchedOn: '2022-01-01' }, owners: [], onvif: null,
            rtsp: { url: `rtsp://10.0.${Math.floor(i / 250)}.${i % 250}/s`, username: null, passwordEnc: null }, snapshot: null,
            checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 120, enabled: false, private: false, public: i < publicCount, tags: [], parentId: null, externalId: null,
          },
          now - 100 * DAY,
        ).id,
      );
    }
  });
  const flips = generateFlips(store, ids, now - 100 * DAY, now);
  // Rolled up here, as a running Pantau would have done day by day (its start would catch up).
  const t = performance.now();
  new Roller(store, { tzOffsetMinutes: 480, timeZone: 'Asia/Makassar', nightly: '15 0 * * *', retention: { rawHours: 168, hourDays: 3, dayDays: null }, log: createLogger('warn') }).rollDue();
  console.log(`rolled up in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  store.close();
  console.log(`${cameras} cameras (${publicCount} public, 10 agencies), ${flips} flips over 100 days; ${clients} concurrent clients, ${seconds} s per target`);

  const pantau = forkTs(await compiled('bench/lib/pantau-child.ts'), [], { quiet: true, tsx: false });
  try {
    pantau.send({ type: 'start', dataDir, overrides: { statusPage: { enabled: true } } });
    const { url } = await pantau.next<{ url: string }>('ready', 120_000);
    // The day rollups are written at start; the first request then builds the page's data.
    await sleep(2000);
    const t0 = performance.now();
    const first = await fetch(`${url}/status`);
    const page = await first.text();
    console.log(`first build of the data and page (${publicCount} public cameras): ${(performance.now() - t0).toFixed(0)} ms`);
    await firstLoad(url, '/status', page);
    await firstLoad(url, '/status/opd-0', await (await fetch(`${url}/status/opd-0`)).text());
    const cookie = await login(url);
    const agent = new Agent({ keepAlive: true, maxSockets: clients });
    const targets: [string, Record<string, string>][] = [
      ['/status', { 'accept-encoding': 'gzip' }],
      ['/status.json', { 'accept-encoding': 'gzip' }],
      ['/api/me', { 'accept-encoding': 'gzip', cookie }],
      ['/api/cameras', { 'accept-encoding': 'gzip', cookie }],
    ];
    // Every connection opened first: 1 000 at once overflow the listen backlog (511), and the
    // retries would be charged to whichever target came first.
    await load(pantau, agent, `${url}/status.json`, { 'accept-encoding': 'gzip' }, clients, 2);
    console.log(`\n${'target'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)} ${'Pantau CPU'.padStart(11)} ${'CPU ms/req'.padStart(11)} ${'first ms'.padStart(9)}`);
    for (const [target, headers] of targets) {
      const r = await load(pantau, agent, url + target, headers, clients, seconds);
      console.log(`${target.padEnd(22)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(7)} ${`${r.cpuPct.toFixed(0)} %`.padStart(11)} ${((r.cpuPct * 10) / r.rps).toFixed(2).padStart(11)} ${r.first.toFixed(0).padStart(9)}${r.kinds ? `  (errors: ${r.kinds})` : ''}`);
    }
    agent.destroy();
  } finally {
    await pantau.stop();
  }
  try {
    await rebuildDelay(dataDir, refreshSec);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The event loop while the page's data is rebuilt: a Pantau rebuilding every `refreshSec`, asked
 * for /status.json every 100 ms (each request after the data is old starts a rebuild) for two
 * rebuilds and a little more. Reports Pantau's event-loop delay over that window and the
 * slowest request.
 */
async function rebuildDelay(dataDir: string, refreshSec: number): Promise<void> {
  const pantau = forkTs(await compiled('bench/lib/pantau-child.ts'), [], { quiet: true, tsx: false });
  try {
    pantau.send({ type: 'start', dataDir, overrides: { statusPage: { enabled: true, refreshSec } } });
    const { url } = await pantau.next<{ url: string }>('ready', 120_000);
    await sleep(2000);
    await (await fetch(`${url}/status.json`)).arrayBuffer(); // the first build, waited for
    pantau.send({ type: 'measure' });
    const etags = new Set<string>();
    let slowest = 0;
    const until = performance.now() + (2 * refreshSec + 4) * 1000;
    while (performance.now() < until) {
      const t = performance.now();
      const res = await fetch(`${url}/status.json`, { headers: { 'accept-encoding': 'gzip' } });
      await res.arrayBuffer();
      slowest = Math.max(slowest, performance.now() - t);
      etags.add(res.headers.get('etag') ?? '');
      await sleep(100);
    }
    pantau.send({ type: 'report' });
    const m = await pantau.next<{ cpuPct: number; loopMaxMs: number; loopP99Ms: number }>('measured', 30_000);
    console.log(
      `\nrebuilding every ${refreshSec} s under a request every 100 ms, ${(2 * refreshSec + 4).toFixed(0)} s (${etags.size - 1} new builds seen): ` +
        `event-loop delay in Pantau max ${m.loopMaxMs.toFixed(0)} ms, p99 ${m.loopP99Ms.toFixed(1)} ms; slowest request ${slowest.toFixed(0)} ms; Pantau CPU ${m.cpuPct.toFixed(0)} %`,
    );
  } finally {
    await pantau.stop();
  }
}

/** The page's first load on a phone: its HTML, stylesheet and script, as gzip on the wire. */
async function firstLoad(url: string, path: string, html: string): Promise<void> {
  const assets = [...html.matchAll(/(?:src|href)="(\/status\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  let total = gzipSync(html, { level: 9 }).length;
  for (const a of assets) total += gzipSync(await (await fetch(url + a)).text(), { level: 9 }).length;
  const cameras = html.split('<article class="cam">').length - 1;
  console.log(`first load of ${path} (${cameras} cameras shown): HTML ${(Buffer.byteLength(html) / 1024).toFixed(1)} KB raw; HTML + CSS + JS ${(total / 1024).toFixed(1)} KB gzip`);
}

async function load(pantau: Forked, agent: Agent, url: string, headers: Record<string, string>, clients: number, seconds: number) {
  const latencies: number[] = [];
  let errors = 0;
  const kinds = new Map<string, number>(); // what the errors were: a status code or a socket error
  const failed = (kind: string) => {
    errors++;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  };
  let measuring = false;
  let stop = false;
  const begun = performance.now();
  let first = Number.NaN; // the first answer after the crowd arrived at once
  const one = () =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const req = request(url, { agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode !== 200) failed(String(res.statusCode));
          if (Number.isNaN(first)) first = performance.now() - begun;
          if (measuring) latencies.push(performance.now() - t);
          resolve();
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        failed(err.code ?? err.message);
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: clients }, async () => {
    while (!stop) await one();
  });
  await sleep(1000); // every connection open
  measuring = true;
  pantau.send({ type: 'measure' });
  const started = performance.now();
  await sleep(seconds * 1000);
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  pantau.send({ type: 'report' });
  const { cpuPct } = await pantau.next<{ cpuPct: number }>('measured', 30_000);
  stop = true;
  await Promise.all(loops);
  return { rps: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, kinds: [...kinds].map(([k, n]) => `${n} ${k}`).join(', '), cpuPct, first };
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (res.status !== 200 || !cookie) throw new Error(`login failed: ${res.status}`);
  return cookie;
}

if (isMain(import.meta.url)) await run();
