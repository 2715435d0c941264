/**
 * The grid at fleet size on a cheap phone: Chromium at 360×740 with the CPU slowed 4×, a viewer
 * of 1 000 cameras (some dark, some paused) opening the grid, then scrolling it to the end and
 * searching it. Reports the time to the first tile and to a grid that answers input, how many
 * tiles the page holds, the frames during scrolling (median and worst, and how many took longer
 * than 50 ms), and how long a search takes to redraw, as the median of several runs. Beside the
 * wall-clock figures it gives the main thread's busy time (Chromium's TaskDuration) and the
 * longest task of each phase: the work the page did, apart from waiting for the network.
 *
 *   npx tsx bench/grid-scale.ts [--runs 3] [--cameras 1000]
 *   npm run bench -- --only grid-scale [--runs 3] [--cameras 1000]
 *
 * Not a test: numbers depend on the machine. Builds web/dist first. Needs /usr/bin/chromium.
 * Cameras point at one loopback snapshot camera and are checked hourly: the server's probing
 * is not what is measured here.
 */
import { HttpSnapshotSimulator } from '../test/support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau } from '../test/support/pantau.js';
import { buildDashboard, launchPhone } from '../test/e2e/browser.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';

const MARKS_SCRIPT = `
  window.__marks = {};
  window.__long = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__long.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    if (!window.__marks.tile && document.querySelector('.grid .tile')) window.__marks.tile = performance.now();
  }).observe(document, { childList: true, subtree: true });
`;

/** Runs `body` once a frame (it may call `done(frames)`), and resolves with each frame's length (ms). */
const framesScript = (body: string) => `new Promise((done) => {
  const frames = [];
  let last = performance.now();
  const step = () => {
    const now = performance.now();
    frames.push(now - last);
    last = now;
    if (frames.length > 3000) return done(frames);
    ${body}
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})`;

/** Frames of doing nothing: what this machine gives a frame now, the floor under the scroll figures. */
const IDLE_SCRIPT = framesScript('if (frames.length > 90) return done(frames);');

/** Scrolls to the end in steps, one per frame, pressing "show paused" at the end. */
const SCROLL_SCRIPT = framesScript(`
    const root = document.scrollingElement;
    if (root.scrollTop + innerHeight >= root.scrollHeight - 2) {
      const more = document.querySelector('.grid-page .more button');
      if (!more) return done(frames);
      more.click();
    }
    root.scrollBy(0, 240);`);

interface Run {
  firstTileMs: number;
  readyMs: number;
  tilesAtFirst: number;
  idleMedianMs: number;
  idleWorstMs: number;
  frameMedianMs: number;
  frameWorstMs: number;
  longFrames: number;
  frames: number;
  tilesAtEnd: number;
  searchMs: number;
  /** Main-thread busy time from navigation to the grid answering input. */
  loadWorkMs: number;
  loadLongestMs: number;
  searchWorkMs: number;
  searchLongestMs: number;
}

export async function run(): Promise<void> {
  const args = new Args(isMain(import.meta.url) ? process.argv.slice(2) : undefined);
  const loads = args.number('runs', 3, { min: 1, max: 10, integer: true });
  const cameras = args.number('cameras', 1000, { min: 10, max: 5000, integer: true });
  await buildDashboard();
  const pantau = await startTestPantau({ log: { level: 'warn' } });
  const sim = new HttpSnapshotSimulator();
  await sim.start();
  try {
    const { admin } = await signedInClients(pantau);
    // One CSV import: a thousand POSTs take minutes on a busy machine and measure nothing here.
    const rows = Array.from({ length: cameras }, (_, i) =>
      [`CCTV ${String(i + 1).padStart(4, '0')}`, `Lokasi ${i % 50}`, `OPD ${i % 12}`, sim.url, 3600, 86_400, i % 20 !== 0].join(','));
    const csv = ['name,site,agency,snapshot_url,check_interval_sec,image_check_interval_sec,enabled', ...rows].join('\n');
    const res = await admin.post('/api/cameras/import', csv, { 'content-type': 'text/csv' });
    if (res.status !== 200 || res.body.imported !== cameras) throw new Error(`importing ${cameras} cameras: ${res.status} ${res.text.slice(0, 500)}`);
    const runs: Run[] = [];
    for (let i = 0; i < loads; i++) runs.push(await once(pantau.url, cameras));
    const row = (label: string, pick: (r: Run) => number, unit: string) => {
      const values = runs.map(pick).sort((a, b) => a - b);
      const median = values[Math.floor(values.length / 2)]!;
      console.log(`${label.padEnd(36)} median ${median.toFixed(1).padStart(8)} ${unit}   spread ${values[0]!.toFixed(1)}–${values.at(-1)!.toFixed(1)}`);
    };
    console.log(`\nCPU 4x, 360×740, ${cameras} cameras (1 in 20 paused), ${loads} cold loads of the grid:`);
    row('first tile rendered', (r) => r.firstTileMs, 'ms');
    row('grid answers input (search ready)', (r) => r.readyMs, 'ms');
    row('tiles in the page at first', (r) => r.tilesAtFirst, '');
    row('frames scrolling to the end', (r) => r.frames, '');
    row('idle frame (the machine\'s floor)', (r) => r.idleMedianMs, 'ms');
    row('worst idle frame', (r) => r.idleWorstMs, 'ms');
    row('frame length while scrolling', (r) => r.frameMedianMs, 'ms');
    row('worst frame while scrolling', (r) => r.frameWorstMs, 'ms');
    row('frames over 50 ms', (r) => r.longFrames, '');
    row('tiles in the page at the end', (r) => r.tilesAtEnd, '');
    row('search redrawn', (r) => r.searchMs, 'ms');
    row('main thread busy until ready', (r) => r.loadWorkMs, 'ms');
    row('longest task until ready', (r) => r.loadLongestMs, 'ms');
    row('main thread busy for the search', (r) => r.searchWorkMs, 'ms');
    row('longest task of the search', (r) => r.searchLongestMs, 'ms');
  } finally {
    await pantau.stop();
    await sim.stop();
  }
}

async function once(baseUrl: string, cameras: number): Promise<Run> {
  const origin = new URL(baseUrl).origin;
  const phone = await launchPhone(origin);
  try {
    const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    const pair = res.headers.get('set-cookie')?.split(';')[0] ?? '';
    await phone.context.addCookies([{ name: 'pantau_session', value: pair.slice(pair.indexOf('=') + 1), url: origin }]);
    await phone.context.addInitScript({ content: MARKS_SCRIPT });
    const page = await phone.context.newPage();
    const cdp = await phone.context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await cdp.send('Performance.enable');
    const busy = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value * 1000;
    const longest = async (from: number, to: number) =>
      Math.max(0, ...((await page.evaluate('window.__long')) as [number, number][]).filter(([at]) => at >= from && at <= to).map(([, ms]) => ms));
    const busyAtStart = await busy();
    await page.goto(baseUrl);
    await page.locator('.grid .tile').first().waitFor({ timeout: 120_000 });
    const search = page.getByLabel('Cari');
    await search.waitFor();
    const readyMs = Number(await page.evaluate('performance.now()'));
    const firstTileMs = Number(await page.evaluate('window.__marks.tile'));
    const loadWorkMs = (await busy()) - busyAtStart;
    const loadLongestMs = await longest(0, readyMs);
    const tilesAtFirst = await page.locator('.grid .tile').count();
    const idle = ((await page.evaluate(IDLE_SCRIPT)) as number[]).slice(1).sort((a, b) => a - b);
    const frames = ((await page.evaluate(SCROLL_SCRIPT)) as number[]).slice(1).sort((a, b) => a - b);
    const tilesAtEnd = await page.locator('.grid .tile').count();
    await page.evaluate('scrollTo(0, 0)');
    const before = Number(await page.evaluate('performance.now()'));
    const busyBefore = await busy();
    await search.fill(`CCTV ${String(Math.ceil(cameras / 2)).padStart(4, '0')}`);
    // Polled from here: the page's policy refuses waitForFunction's string evaluation.
    while ((await page.locator('.grid .tile').count()) !== 1) {
      if (Number(await page.evaluate('performance.now()')) - before > 30_000) throw new Error('the search never narrowed the grid to one camera');
      await page.waitForTimeout(10);
    }
    const searchMs = Number(await page.evaluate('performance.now()')) - before;
    const searchWorkMs = (await busy()) - busyBefore;
    const searchLongestMs = await longest(before, before + searchMs);
    return {
      firstTileMs,
      readyMs,
      tilesAtFirst,
      frames: frames.length,
      idleMedianMs: idle[Math.floor(idle.length / 2)] ?? NaN,
      idleWorstMs: idle.at(-1) ?? NaN,
      frameMedianMs: frames[Math.floor(frames.length / 2)] ?? NaN,
      frameWorstMs: frames.at(-1) ?? NaN,
      longFrames: frames.filter((f) => f > 50).length,
      tilesAtEnd,
      searchMs,
      loadWorkMs,
      loadLongestMs,
      searchWorkMs,
      searchLongestMs,
    };
  } finally {
    await phone.close();
  }
}

if (isMain(import.meta.url)) await run();
