/**
 * First-load budget of the dashboard on a cheap phone over slow mobile data: Chromium at
 * 360×740 with the network throttled to ~400 kbit/s down, 400 ms round trips, and the CPU
 * slowed 4×, loading the camera grid of a signed-in user with an empty cache. Reports the
 * bytes on the wire (JS and CSS, and everything) and the time until the first tile and the
 * first thumbnail show, as the median of several runs with the spread.
 *
 *   npx tsx bench/web-load.ts [runs=5] [cameras=8]
 *   npm run bench -- --only web-load [--runs 5] [--cameras 8]
 *
 * Not a test: numbers depend on the machine. Builds web/dist first. Needs /usr/bin/chromium.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../src/config/load.js';
import { HttpSnapshotSimulator } from '../test/support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau } from '../test/support/pantau.js';
import { buildDashboard, launchPhone } from '../test/e2e/browser.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';

const KBIT = 1024 / 8;

/** Marks in the page's own clock, taken when the DOM changes, not when we poll for it. */
const MARKS_SCRIPT = `
  window.__marks = {};
  new MutationObserver(() => {
    if (!window.__marks.tile && document.querySelector('.grid .tile')) window.__marks.tile = performance.now();
    if (!window.__marks.thumb && document.querySelector('.grid .pic:not(.empty)')) window.__marks.thumb = performance.now();
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] });
`;

interface Run {
  jsCssBytes: number;
  allBytes: number;
  firstTileMs: number;
  firstThumbMs: number;
}

export async function run(): Promise<void> {
  const args = new Args(isMain(import.meta.url) ? named(process.argv.slice(2)) : undefined);
  const loads = args.number('runs', 5, { min: 1, max: 20, integer: true });
  const cameras = args.number('cameras', 8, { min: 1, max: 200, integer: true });
  await buildDashboard();
  const pantau = await startTestPantau({ log: { level: 'warn' } });
  const sims: HttpSnapshotSimulator[] = [];
  try {
    const { admin } = await signedInClients(pantau);
    for (let i = 0; i < cameras; i++) {
      const sim = new HttpSnapshotSimulator();
      await sim.start();
      sims.push(sim);
      await admin.post('/api/cameras', { name: `CCTV ${i + 1}`, site: `Lokasi ${i % 3}`, agency: `OPD ${i % 2}`, snapshotUrl: sim.url, checkIntervalSec: 30 });
    }
    const runs: Run[] = [];
    for (let i = 0; i < loads; i++) runs.push(await once(pantau.url));
    printAssetSizes();
    const row = (label: string, pick: (r: Run) => number, unit: string, scale = 1) => {
      const values = runs.map(pick).map((v) => v / scale).sort((a, b) => a - b);
      const median = values[Math.floor(values.length / 2)]!;
      console.log(`${label.padEnd(34)} median ${median.toFixed(1).padStart(8)} ${unit}   spread ${values[0]!.toFixed(1)}–${values.at(-1)!.toFixed(1)}`);
    };
    console.log(`\nslow 3G (400 kbit/s, 400 ms RTT, CPU 4x), ${cameras} cameras, ${loads} cold loads of the grid:`);
    row('JS + CSS on the wire', (r) => r.jsCssBytes, 'KB', 1024);
    row('everything on the wire', (r) => r.allBytes, 'KB', 1024);
    row('first tile rendered', (r) => r.firstTileMs, 'ms');
    row('first thumbnail shown', (r) => r.firstThumbMs, 'ms');
  } finally {
    await pantau.stop();
    await Promise.allSettled(sims.map((s) => s.stop()));
  }
}

async function once(baseUrl: string): Promise<Run> {
  const origin = new URL(baseUrl).origin;
  const phone = await launchPhone(origin);
  try {
    const cookie = await sessionCookie(baseUrl);
    await phone.context.addCookies([{ name: 'pantau_session', value: cookie, url: origin }]);
    await phone.context.addInitScript({ content: MARKS_SCRIPT });
    const page = await phone.context.newPage();
    const cdp = await phone.context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 400 * KBIT, uploadThroughput: 400 * KBIT });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const types = new Map<string, string>();
    let jsCss = 0;
    let all = 0;
    cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
    cdp.on('Network.loadingFinished', (e) => {
      all += e.encodedDataLength;
      const type = types.get(e.requestId);
      if (type === 'Script' || type === 'Stylesheet') jsCss += e.encodedDataLength;
    });
    await page.goto(baseUrl);
    await page.waitForFunction('window.__marks.thumb !== undefined', null, { timeout: 120_000 });
    const marks = (await page.evaluate('window.__marks')) as { tile?: number; thumb?: number };
    return { jsCssBytes: jsCss, allBytes: all, firstTileMs: marks.tile ?? NaN, firstThumbMs: marks.thumb ?? NaN };
  } finally {
    await phone.close();
  }
}

async function sessionCookie(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  const pair = res.headers.get('set-cookie')?.split(';')[0] ?? '';
  return pair.slice(pair.indexOf('=') + 1);
}

/** What the first page costs when served compressed, for comparison with what went over the wire. */
function printAssetSizes(): void {
  const dir = path.join(PACKAGE_ROOT, 'web', 'dist', 'assets');
  const html = readFileSync(path.join(PACKAGE_ROOT, 'web', 'dist', 'index.html'), 'utf8');
  let first = 0;
  console.log('\nbuilt assets (gzip -9):');
  for (const file of readdirSync(dir).sort()) {
    const gz = gzipSync(readFileSync(path.join(dir, file)), { level: 9 }).length;
    const initial = html.includes(file);
    if (initial) first += gz;
    console.log(`  ${file.padEnd(32)} ${(gz / 1024).toFixed(1).padStart(6)} KB${initial ? '  (first page)' : ''}`);
  }
  console.log(`  first page JS + CSS, gzip:       ${(first / 1024).toFixed(1).padStart(6)} KB`);
}

/** `3 8` as the script was first run, `--runs 3 --cameras 8` as `npm run bench` passes options. */
function named(argv: string[]): string[] {
  const [runs, cameras] = argv;
  if (runs === undefined || runs.startsWith('--')) return argv;
  return ['--runs', runs, ...(cameras === undefined || cameras.startsWith('--') ? argv.slice(1) : ['--cameras', cameras, ...argv.slice(2)])];
}

if (isMain(import.meta.url)) await run();
