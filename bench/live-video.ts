/**
 * Live video and the frames that stand in for it, on loopback with a simulated H.264 camera
 * (GStreamer's RTSP server, one shared pipeline so every pull joins mid-GOP as with a real
 * camera; 320×240, 10 fps, a key frame every 2 s; each frame carries its capture time in ms
 * drawn as 32 cells, test/support/gst-rtsp-server.py `--mode stamp`). Pantau runs compiled in a
 * process of its own (lib/pantau-child.ts); its CPU and memory are read from /proc for it and
 * every process under it (the ffmpegs), exited children included.
 *   1. First video frame on screen after tapping "Video langsung" (Chromium, 360×740; a cold
 *      camera each time: nobody else watching, no linger).
 *   2. End-to-end delay behind the camera: each frame shown is drawn to a canvas and its capture
 *      stamp read back; delay = now − stamp, on one clock.
 *   3. Server CPU and memory per live camera (remux only): `--cameras` cameras live with one
 *      socket.io viewer each, then ten viewers each: CPU per extra viewer.
 *   4. Frames for `--frame-cameras` RTSP-only cameras watched at 2 fps on camera pages: one ffmpeg
 *      per frame (live.frameStreams off, as before) against one persistent ffmpeg per camera.
 *
 *   npm run bench -- --only live-video [--taps 8] [--window 20] [--cameras 5] [--frame-cameras 50]
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { io, type Socket } from 'socket.io-client';
import { PACKAGE_ROOT } from '../src/config/load.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../src/realtime/contract.js';
import { RtspCameraSimulator } from '../test/support/rtsp-camera.js';
import { buildDashboard, launchPhone } from '../test/e2e/browser.js';
import { Args } from './lib/args.js';
import { forkTs, isMain, type Forked } from './lib/child.js';
import { compiled } from './lib/compiled.js';
import { BENCH_ADMIN_PASSWORD } from './lib/pantau-child.js';
import { percentile, printMachine, saveResults, sleep } from './lib/stats.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const TICKS = 100; // USER_HZ

/** CPU ms used so far by `pid` and everything under it (live descendants, and exited ones it reaped). */
function treeCpuMs(pid: number): number {
  const stats = new Map<number, { ppid: number; cpu: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state ppid … utime(12) stime(13) cutime(14) cstime(15), 0-based from state.
      stats.set(Number(entry), { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const walk = (p: number) => {
    total += stats.get(p)?.cpu ?? 0;
    for (const [child, s] of stats) if (s.ppid === p) walk(child);
  };
  walk(pid);
  return (total * 1000) / TICKS;
}

/** Resident memory of `pid` and its descendants, and of its ffmpegs alone, MB. */
function treeRssMb(pid: number): { total: number; ffmpeg: number; ffmpegs: number } {
  const rows = new Map<number, { ppid: number; rss: number; ffmpeg: boolean }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      rows.set(Number(entry), { ppid, rss, ffmpeg: /Name:\s+ffmpeg/.test(status) });
    } catch {
      // gone
    }
  }
  const out = { total: 0, ffmpeg: 0, ffmpegs: 0 };
  const walk = (p: number) => {
    const r = rows.get(p);
    if (r) {
      out.total += r.rss;
      if (r.ffmpeg) {
        out.ffmpeg += r.rss;
        out.ffmpegs++;
      }
    }
    for (const [child, s] of rows) if (s.ppid === p) walk(child);
  };
  walk(pid);
  return out;
}

async function startPantau(overrides: Record<string, unknown>): Promise<{ pantau: Forked; url: string; cookie: string; dataDir: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-live-'));
  const child = await compiled('bench/lib/pantau-child.ts');
  // The compiled Pantau serves the dashboard from its own root: give it the one just built.
  const webDist = path.join(child.slice(0, child.lastIndexOf(`${path.sep}bench${path.sep}`)), 'web', 'dist');
  if (!existsSync(webDist)) {
    mkdirSync(path.dirname(webDist), { recursive: true });
    symlinkSync(path.join(PACKAGE_ROOT, 'web', 'dist'), webDist);
  }
  const pantau = forkTs(child, [], { quiet: true, tsx: false });
  pantau.send({ type: 'start', dataDir, overrides: { outbound: { allow: ['127.0.0.1/32'] }, ...overrides } });
  const { url } = await pantau.next<{ url: string }>('ready', 60_000);
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: BENCH_ADMIN_PASSWORD }) });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error(`login failed: ${res.status}`);
  return { pantau, url, cookie, dataDir };
}

async function addCameras(url: string, cookie: string, rtspUrl: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}/api/cameras`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: `Bench ${i}`, site: `Site ${i}`, agency: 'Bench', rtspUrl, checkIntervalSec: 3600, imageCheckIntervalSec: 86_400 }),
    });
    if (res.status !== 201) throw new Error(`camera: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

async function connect(url: string, cookie: string): Promise<Client> {
  const c: Client = io(url, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('connect_error', reject);
  });
  return c;
}

async function cpuOver(pid: number, windowMs: number): Promise<number> {
  const c0 = treeCpuMs(pid);
  const t0 = performance.now();
  await sleep(windowMs);
  return ((treeCpuMs(pid) - c0) / (performance.now() - t0)) * 100;
}

export async function run(): Promise<void> {
  const args = new Args();
  const taps = args.number('taps', 8, { min: 1, max: 50, integer: true });
  const windowSec = args.number('window', 20, { min: 5, max: 300 });
  const liveCameras = args.number('cameras', 5, { min: 1, max: 50, integer: true });
  const frameCameras = args.number('frame-cameras', 50, { min: 1, max: 200, integer: true });
  console.log(`\n# Live video — simulated H.264 camera 320×240 10 fps, key frame every 2 s; windows of ${windowSec} s`);
  printMachine();
  await buildDashboard();

  const camera = new RtspCameraSimulator({ mode: 'stamp', fps: 10, gop: 20, shared: true });
  await camera.start();
  // One client always on the shared pipeline, so every pull joins it mid-GOP as with a real camera.
  const keeper = spawn('ffmpeg', ['-nostdin', '-loglevel', 'quiet', '-rtsp_transport', 'tcp', '-i', camera.url, '-c', 'copy', '-f', 'null', '-'], { stdio: 'ignore' });
  const results: Record<string, unknown> = {};
  try {
    await sleep(2000);
    Object.assign(results, await videoFigures(camera.url, taps, windowSec, liveCameras));
    Object.assign(results, await frameFigures(camera.url, windowSec, frameCameras));
  } finally {
    keeper.kill('SIGKILL');
    await camera.stop();
  }
  console.log('\n', results);
  const file = saveResults('live-video', results);
  console.log(`  results: ${path.relative(PACKAGE_ROOT, file)}`);
}

async function videoFigures(rtspUrl: string, taps: number, windowSec: number, liveCameras: number): Promise<Record<string, unknown>> {
  const { pantau, url, cookie, dataDir } = await startPantau({ live: { lingerSec: 0 } });
  const pid = pantau.child.pid!;
  const phone = await launchPhone(new URL(url).origin);
  try {
    const ids = await addCameras(url, cookie, rtspUrl, liveCameras);
    const page = await phone.context.newPage();
    await page.goto(url);
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill(BENCH_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.locator('.grid .tile').first().waitFor({ timeout: 30_000 });

    // 1. First frame after the tap, a cold camera each time.
    const firstFrame: number[] = [];
    for (let i = 0; i < taps; i++) {
      await page.goto(`${url}/#/kamera/${ids[0]}`);
      const button = page.getByRole('button', { name: 'Video langsung' });
      await button.waitFor();
      await waitNoRemux(pid, 15_000);
      await sleep(Math.random() * 2000); // a random moment in the camera's GOP
      const tapped = await page.evaluate(() => Date.now());
      await button.click();
      const shown = await page.locator('video.live-video[data-first-frame-at]').getAttribute('data-first-frame-at', { timeout: 30_000 });
      firstFrame.push(Number(shown) - tapped);
      console.log(`  tap ${i + 1}/${taps}: first frame after ${Number(shown) - tapped} ms`);
      if (i < taps - 1) await page.getByRole('button', { name: 'Hentikan video' }).click();
    }

    // 2. Delay behind the camera, read off the stamps of the frames shown.
    const delays = (await page.evaluate(readStamps(windowSec * 1000))) as number[];
    console.log(`  delay: ${delays.length} frames read, p50 ${percentile(delays, 50)} ms`);
    await page.getByRole('button', { name: 'Hentikan video' }).click();
    await page.goto(`${url}/#/`);
    await waitNoRemux(pid, 15_000);

    // 3. CPU and memory per live camera, and per extra viewer (socket.io clients that ack like the page).
    const idleCpu = await cpuOver(pid, windowSec * 1000);
    const idleRss = treeRssMb(pid);
    const viewers: Client[] = [];
    const watchAll = async (perCamera: number) => {
      for (const id of ids) {
        for (let k = 0; k < perCamera; k++) {
          const c = await connect(url, cookie);
          c.on('live:fragment', (_m, _d, ack) => ack());
          await new Promise((resolve) => c.emit('live:start', { cameraId: id, stream: 'sub' }, resolve));
          viewers.push(c);
        }
      }
    };
    await watchAll(1);
    await sleep(4000);
    const oneCpu = await cpuOver(pid, windowSec * 1000);
    const oneRss = treeRssMb(pid);
    await watchAll(9);
    await sleep(4000);
    const tenCpu = await cpuOver(pid, windowSec * 1000);
    for (const v of viewers) v.disconnect();
    const figures = {
      firstFrameMs: { p50: percentile(firstFrame, 50), min: Math.min(...firstFrame), max: Math.max(...firstFrame), samples: firstFrame },
      delayMs: { p50: percentile(delays, 50), p90: percentile(delays, 90), frames: delays.length },
      cpuIdlePct: idleCpu,
      cpuPerLiveCameraPct: (oneCpu - idleCpu) / liveCameras,
      cpuPerExtraViewerPct: (tenCpu - oneCpu) / (liveCameras * 9),
      rssPerLiveCameraMb: (oneRss.total - idleRss.total) / liveCameras,
      ffmpegRssMb: oneRss.ffmpeg / Math.max(1, oneRss.ffmpegs),
      liveCameras,
    };
    console.log('  live video:', figures);
    return { video: figures };
  } finally {
    await phone.close();
    await pantau.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Page code (a string: the bundler's helpers would not exist in the page) that, for `ms`, reads
 * the capture stamp off every frame the <video> shows and returns now − stamp per frame.
 */
function readStamps(ms: number): string {
  return `new Promise((resolve) => {
    const v = document.querySelector('video.live-video');
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 16;
    const g = c.getContext('2d', { willReadFrequently: true });
    const out = [];
    const end = Date.now() + ${ms};
    const onFrame = () => {
      g.drawImage(v, 0, 0, 320, 240, 0, 0, 320, 240);
      const row = g.getImageData(0, 8, 320, 1).data;
      let stamp = 0;
      for (let bit = 0; bit < 32; bit++) stamp = stamp * 2 + (row[(bit * 10 + 5) * 4] > 128 ? 1 : 0);
      const delay = ((Date.now() % 2 ** 32) - stamp + 2 ** 32) % 2 ** 32;
      if (delay < 60000) out.push(delay);
      if (Date.now() < end) v.requestVideoFrameCallback(onFrame);
      else resolve(out);
    };
    v.requestVideoFrameCallback(onFrame);
  })`;
}

/** Waits until no remuxing ffmpeg runs under Pantau (the last pull ended). */
async function waitNoRemux(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (treeRssMb(pid).ffmpegs > 0 && Date.now() < deadline) await sleep(100);
}

async function frameFigures(rtspUrl: string, windowSec: number, cameras: number): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const frameStreams of [false, true]) {
    const { pantau, url, cookie, dataDir } = await startPantau({ live: { frameStreams } });
    const pid = pantau.child.pid!;
    const viewers: Client[] = [];
    try {
      const ids = await addCameras(url, cookie, rtspUrl, cameras);
      const got = new Map<string, number>();
      let measuring = false;
      for (const id of ids) {
        const c = await connect(url, cookie);
        c.on('frame', (meta, _jpeg, ack) => {
          ack();
          if (measuring) got.set(meta.cameraId, (got.get(meta.cameraId) ?? 0) + 1);
        });
        await new Promise((resolve) => c.emit('watch', { cameraIds: [id], size: 'full', fps: 2 }, resolve));
        viewers.push(c);
      }
      await sleep(8000);
      measuring = true;
      const cpu = await cpuOver(pid, windowSec * 1000);
      measuring = false;
      const rss = treeRssMb(pid);
      const frames = [...got.values()].reduce((a, b) => a + b, 0);
      const label = frameStreams ? 'after: one persistent ffmpeg per camera' : 'before: one ffmpeg per frame';
      out[label] = { cameras, cpuPct: cpu, framesPerCameraPerMin: (frames / cameras) * (60 / windowSec), wantedPerCameraPerMin: 120, rssMb: rss.total, ffmpegs: rss.ffmpegs };
      console.log(`  ${cameras} RTSP-only cameras at 2 fps, ${label}:`, out[label]);
    } finally {
      for (const v of viewers) v.disconnect();
      await pantau.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return { frames: out };
}

if (isMain(import.meta.url)) await run();
