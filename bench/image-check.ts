/**
 * Figure 5, image check cost: CPU and wall time of one image check (Pantau's checkImage: fetch,
 * decode as far as the verdict needs, judge) from an HTTP snapshot, at the sizes cameras send,
 * and from an RTSP stream through ffmpeg; and, apart, what scaling the judged picture for phones
 * costs when someone will see it (`picture.render()`, not part of a check). Cameras run in other processes (lib/camera-child.ts, GStreamer's RTSP server), so the
 * CPU counted is Pantau's own plus ffmpeg's (a child it waits for: /proc/self/stat cutime; the
 * `timeout` watchdog around ffmpeg waits for it in turn, so ffmpeg's CPU is counted through it).
 * RTSP grabs are measured over interleaved TCP and over UDP.
 *
 *   npm run bench -- --only image-check [--runs 3] [--checks 20] [--no-rtsp]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config/load.js';
import { locateFfmpeg } from '../src/protocols/ffmpeg-locate.js';
import { checkImage } from '../src/probes/index.js';
import { gstRtspUnavailableReason, RtspCameraSimulator } from '../test/support/index.js';
import { Args } from './lib/args.js';
import { forkTs, isMain } from './lib/child.js';
import { figure, printFigure, printMachine, saveResults, type Figure } from './lib/stats.js';

const CLOCK_TICKS = 100; // Linux USER_HZ for /proc/<pid>/stat

interface Source {
  name: string;
  target: { cameraId: string; snapshotUrl?: string; rtspUrl?: string; rtspTransport?: 'tcp' | 'udp' };
}

interface PerCheck {
  cpuMs: number;
  /** Scaling the picture for phones afterwards, per check. */
  renderCpuMs: number;
  ffmpegCpuMs: number;
  wallMs: number;
  ok: number;
}

export async function run(): Promise<void> {
  const args = new Args();
  const runs = args.number('runs', 3, { min: 1, max: 20, integer: true });
  const checks = args.number('checks', 20, { min: 1, max: 500, integer: true });
  const rtsp = !args.flag('no-rtsp');
  console.log(`\n# Image check cost — ${checks} checks per run, ${runs} runs per source`);
  printMachine();
  const ffmpeg = await locateFfmpeg(undefined);
  const ffmpegPath = ffmpeg.found ? ffmpeg.ffmpeg.path : undefined;
  const cameras = forkTs('bench/lib/camera-child.ts', [], { quiet: true });
  const rtsp720 = new RtspCameraSimulator({ width: 1280, height: 720, fps: 10 });
  const rtsp240 = new RtspCameraSimulator({ width: 320, height: 240 });
  const gst = gstRtspUnavailableReason();
  try {
    const { simulatorUrl, fullHdUrl, textured } = await cameras.next<{
      simulatorUrl: string;
      fullHdUrl: string;
      textured: Record<string, { url: string; bytes: number }>;
    }>('ready', 60_000);
    const sources: Source[] = [
      { name: 'HTTP snapshot, HttpSnapshotSimulator (320×240)', target: { cameraId: 'a', snapshotUrl: simulatorUrl } },
      { name: 'HTTP snapshot, fleet camera (1920×1080)', target: { cameraId: 'b', snapshotUrl: fullHdUrl } },
      ...Object.entries(textured).map(([size, t]) => ({
        name: `HTTP snapshot, textured ${size.replace('x', '×')} (${Math.round(t.bytes / 1024)} KB)`,
        target: { cameraId: `t-${size}`, snapshotUrl: t.url },
      })),
    ];
    if (!rtsp) console.log('  RTSP + ffmpeg skipped: --no-rtsp');
    else if (gst || !ffmpegPath) console.log(`  RTSP + ffmpeg skipped: ${gst || 'ffmpeg not found'}`);
    else {
      await rtsp240.start();
      await rtsp720.start();
      // The same cameras over each RTP transport: interleaved TCP (the first try) and UDP (what
      // a camera that answers 461 to TCP is grabbed over, once remembered).
      for (const transport of ['tcp', 'udp'] as const) {
        const over = transport.toUpperCase();
        sources.push({ name: `RTSP + ffmpeg over ${over}, RtspCameraSimulator (320×240)`, target: { cameraId: `c-${transport}`, rtspUrl: rtsp240.url, rtspTransport: transport } });
        sources.push({ name: `RTSP + ffmpeg over ${over}, RtspCameraSimulator (1280×720)`, target: { cameraId: `d-${transport}`, rtspUrl: rtsp720.url, rtspTransport: transport } });
      }
    }
    const figures: Record<string, Figure[]> = {};
    for (const source of sources) {
      const perRun: PerCheck[] = [];
      await measure(source, 3, ffmpegPath); // warm-up: JIT, sharp's first decode, GStreamer's first client
      for (let r = 0; r < runs; r++) perRun.push(await measure(source, checks, ffmpegPath));
      const f = (label: string, unit: string, pick: (x: PerCheck) => number) => figure(label, unit, perRun.map(pick));
      figures[source.name] = [
        f('CPU per check, Pantau + ffmpeg', 'ms', (x) => x.cpuMs + x.ffmpegCpuMs),
        f('  of which ffmpeg', 'ms', (x) => x.ffmpegCpuMs),
        f('scaling for phones, when asked (apart)', 'ms', (x) => x.renderCpuMs),
        f('wall time per check', 'ms', (x) => x.wallMs),
        f('checks judged ok', '%', (x) => x.ok * 100),
      ];
      console.log(`\n  ${source.name}:`);
      figures[source.name]!.forEach(printFigure);
      const cpu = figures[source.name]![0]!.median;
      console.log(`  at the default 5 min cadence, 10 000 such cameras cost ${((10_000 / 300) * cpu / 10).toFixed(0)} % of a core; 1 000 cost ${((1000 / 300) * cpu / 10).toFixed(1)} %`);
    }
    const file = saveResults('image-check', { checks, runs, figures });
    console.log(`  results: ${path.relative(PACKAGE_ROOT, file)}`);
  } finally {
    await rtsp240.stop();
    await rtsp720.stop();
    await cameras.stop();
  }
}

/**
 * `n` checks one after another (as one camera's image rounds are); means per check. CPU is the
 * whole process's (sharp decodes on libuv's threads). After each check its picture is scaled for
 * phones, as for a watched camera, and that CPU is counted apart.
 */
async function measure(source: Source, n: number, ffmpegPath: string | undefined): Promise<PerCheck> {
  const signal = new AbortController().signal;
  let previous;
  let ok = 0;
  let renderMicros = 0;
  let renderWallMs = 0;
  const cpu0 = process.cpuUsage();
  const children0 = childrenCpuMs();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const result = await checkImage(source.target, { signal, deadlineMs: 15_000, ffmpegPath, previous });
    if (result.fingerprint) previous = result.fingerprint;
    if (result.ok) ok++;
    if (result.picture) {
      const r0 = process.cpuUsage();
      const w0 = performance.now();
      await result.picture.render();
      const r = process.cpuUsage(r0);
      renderMicros += r.user + r.system;
      renderWallMs += performance.now() - w0;
    }
  }
  const wallMs = (performance.now() - t0 - renderWallMs) / n;
  const cpu = process.cpuUsage(cpu0);
  const renderCpuMs = renderMicros / 1000 / n;
  return { cpuMs: (cpu.user + cpu.system) / 1000 / n - renderCpuMs, renderCpuMs, ffmpegCpuMs: (childrenCpuMs() - children0) / n, wallMs, ok: ok / n };
}

/** CPU of this process's children that have exited and been waited for (ffmpeg), in ms. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}

if (isMain(import.meta.url)) await run();
