/**
 * Figure 1, probe capacity: how many cameras one Pantau process watches at a 30 s liveness
 * interval, and what it costs. For each fleet size a fleet process stands up the cameras
 * (1 % down, 1 % slow), a Pantau process (lib/capacity-child.ts) watches them, and after a
 * warm-up a window of at least two intervals is measured: CPU share of one core, RSS, tick
 * lag p50/p99, missed ticks. Several runs per size; medians and spreads are printed.
 *
 *   npm run bench -- --only probe-capacity [--sizes 1000,5000,10000] [--runs 3]
 *     [--interval 30] [--window 60] [--warmup 70] [--image] [--onvif] [--profile]
 *     [--allocations | --promoted] [--uncapped | --node-flags=--max-old-space-size=256] [--no-breakdown]
 *     [--media-every N] [--dashboard] [--heap-snapshot] [--child-output] [--paced] [--floor]
 *
 * `--image` keeps image checks at the default 5 min (by default they are pushed out of the
 * window: figure 5 costs them); `--profile` adds one CPU-profiled run per size and prints where
 * the time went, `--allocations` one allocation-sampled run (`--promoted`: only
 * what outlived the young generation, which is what brings on full collections); `--runs 0` does only those.
 * Pantau runs as `npm start` runs it (heap cap 160 MB, 8 MB semi-spaces, MALLOC_ARENA_MAX=2);
 * `--uncapped` drops them, `--node-flags` passes other V8 flags (`--child-output` prints what the
 * measured process writes, e.g. `--node-flags="--max-old-space-size=160 --trace-opt"`);
 * `--no-breakdown` skips the in-process CPU and heap allocated per check operation, next to the
 * floor: a bare connect, DESCRIBE and close with none of Pantau's code (`--runs 0` without
 * `--profile` gives only that breakdown: DESCRIBE-only vs the media check per RTSP check; `--paced`
 * adds the floor and the round started at the first size's pace, in the phase grid's slots;
 * `--floor` measures that paced floor before every run, at the run's own pace, and gives the
 * run's CPU per check in floors too: the machine's speed moves by two or three times between
 * days, and a figure in floors corrects for that, coarsely, as the floor is noisy itself);
 * `--media-every N` sets probes.mediaCheckEvery (default: the config's, 10; 0 = DESCRIBE only);
 * `--dashboard` signs one dashboard in for the whole run (statuses, 8 thumbnails watched).
 * `--heap-snapshot` writes, after each measured run's window and a full GC, a heap snapshot of
 * the measured Pantau to test-artifacts/bench/ (summarise it with
 * `node --max-old-space-size=4096 --import tsx bench/lib/heap-summary.ts FILE --per CAMERAS`).
 * CPU is the whole process as the kernel counts it (/proc: user + system, children included),
 * also given per liveness check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../src/config/load.js';
import { PHASE_GRID_MS } from '../src/jobs/scheduler.js';
import { openStore } from '../src/store/index.js';
import { Args } from './lib/args.js';
import { BENCH_LOGIN, type CapacityJob, type CapacityResult } from './lib/capacity-child.js';
import { openDashboard, type Dashboard } from './lib/dashboard.js';
import { forkTs, isMain } from './lib/child.js';
import { checkCosts, pacedFloor, type CheckCosts, type Pacing } from './lib/check-cost.js';
import { compiled } from './lib/compiled.js';
import { fleetCamera } from './lib/fleet-sim.js';
import { insertFleet } from './lib/fleet-register.js';
import { printSummary } from './lib/profile.js';
import { figure, machine, printFigure, printMachine, saveResults, type Figure } from './lib/stats.js';

const TARGET = { cpuPct: 25, rssMb: 300, cameras: 10_000 };
/** Thumbnails the benchmark's dashboard watches: a phone's first screen of the grid. */
const DASHBOARD_THUMBS = 8;
/** V8 flags for the measured Pantau, e.g. `--node-flags=--max-old-space-size=192` (an experiment, not a default). */
const NODE_FLAGS = (new Args().string('node-flags') ?? '').split(/\s+/).filter(Boolean);
/** Lets the measured Pantau's stdout through (V8's traces go there). */
const CHILD_OUTPUT = new Args().flag('child-output');
/**
 * The measured Pantau runs as `npm start` runs it: heap capped at 160 MB, 8 MB semi-spaces, two
 * malloc arenas.
 * `--uncapped` measures Node's defaults instead; `--node-flags` replaces the V8 flags.
 */
const UNCAPPED = new Args().flag('uncapped');
const START_FLAGS = NODE_FLAGS.length ? NODE_FLAGS : UNCAPPED ? [] : ['--max-old-space-size=160', '--max-semi-space-size=8'];
const START_ENV: Record<string, string> = UNCAPPED ? {} : { MALLOC_ARENA_MAX: '2' };

export async function run(): Promise<void> {
  const args = new Args();
  const sizes = args.numbers('sizes', [1000, 5000, 10_000]);
  // 0 runs: only the profiled or allocation-sampled run (--profile, --allocations, --promoted).
  const runs = args.number('runs', 3, { min: 0, max: 20, integer: true });
  const intervalSec = args.number('interval', 30, { min: 5, max: 300 });
  const windowSec = args.number('window', Math.max(60, 2 * intervalSec), { min: 2 * intervalSec, max: 3600 });
  // Past the start-up storm: every camera's first rounds and their flips (about 35 s for 10 000).
  const warmupSec = args.number('warmup', 2 * intervalSec + 10, { min: intervalSec, max: 600 });
  const image = args.flag('image');
  const onvif = args.flag('onvif');
  const dashboard = args.flag('dashboard');
  const mediaArg = args.string('media-every');
  const heapSnapshot = args.flag('heap-snapshot');
  const mediaCheckEvery = mediaArg === undefined ? undefined : args.number('media-every', 10, { min: 0, max: 1000, integer: true });
  console.log(`\n# Probe capacity — liveness every ${intervalSec} s, window ${windowSec} s after ${warmupSec} s warm-up, ${runs} runs per size`);
  console.log(`  media check every ${mediaCheckEvery ?? 'default (10)'} liveness rounds per camera`);
  console.log(`  cameras: RTSP (tcp + OPTIONS/DESCRIBE)${onvif ? ' + ONVIF GetSystemDateAndTime' : ''}; image checks ${image ? 'every 300 s over HTTP snapshot' : 'out of the window'}; fleet: 1 % down, 1 % slow (1.5 s)`);
  if (dashboard) console.log(`  one dashboard signed in (admin): every status, and ${DASHBOARD_THUMBS} thumbnails watched at the grid's cadence`);
  console.log(`  Pantau runs with: ${[...Object.entries(START_ENV).map(([k, v]) => `${k}=${v}`), 'node', ...START_FLAGS].join(' ')}`);
  printMachine();

  if (!args.flag('no-breakdown')) {
    // At the pace of `sizes[0]` cameras every `interval` s, in the slots of the scheduler's phase grid.
    const pacing = args.flag('paced') ? pacingOf(sizes[0]! / intervalSec, 20) : undefined;
    const c = await checkCosts(4000, 3, pacing);
    console.log(`  CPU per operation (µs, in-process, 32 in flight): floor (bare connect, DESCRIBE, close) ${c.floor.toFixed(0)}, tcp layer ${c.tcp.toFixed(0)}, rtsp layer ${c.rtsp.toFixed(0)} (with the media check: ${c.rtspMediaTcp.toFixed(0)} over TCP, ${c.rtspMediaUdp.toFixed(0)} over UDP), whole liveness round ${c.liveness.toFixed(0)}, recording its result ${c.record.toFixed(0)}`);
    const kb = (bytes: number) => (bytes / 1024).toFixed(1);
    const a = c.allocated;
    console.log(`  heap allocated per operation (KB): floor ${kb(a.floor)}, tcp layer ${kb(a.tcp)}, rtsp layer ${kb(a.rtsp)} (with the media check: ${kb(a.rtspMediaTcp)} over TCP, ${kb(a.rtspMediaUdp)} over UDP), whole liveness round ${kb(a.liveness)}, recording its result ${kb(a.record)}`);
    if (c.paced && pacing) {
      console.log(`  CPU per operation (µs) paced as ${sizes[0]} cameras every ${intervalSec} s (${pacing.perSecond.toFixed(0)} a second, ${pacing.perSlot} a slot): floor ${c.paced.floor.toFixed(0)}, whole liveness round ${c.paced.liveness.toFixed(0)}`);
    }
    breakdown = c;
  }
  const base = { intervalSec, windowSec, warmupSec, imageIntervalSec: image ? 300 : 86_400, onvif, mediaCheckEvery, dashboard };
  const table: Record<number, Figure[]> = {};
  const raw: Record<number, CapacityResult[]> = {};
  for (const cameras of sizes) {
    const results: CapacityResult[] = [];
    for (let r = 0; r < runs; r++) {
      const floorUs = args.flag('floor') ? await pacedFloor(pacingOf(cameras / intervalSec, 10)) : undefined;
      const heapSnapshotFile = heapSnapshot ? path.join(PACKAGE_ROOT, 'test-artifacts', 'bench', `probe-capacity-${cameras}-run${r + 1}.heapsnapshot`) : undefined;
      const result = await once({ ...base, cameras, net: freshNet(), ...(heapSnapshotFile ? { heapSnapshotFile } : {}) });
      if (heapSnapshotFile) console.log(`    heap snapshot (after a full GC): ${path.relative(PACKAGE_ROOT, heapSnapshotFile)}`);
      if (floorUs !== undefined) result.floorUs = floorUs;
      results.push(result);
      const floors = floorUs === undefined ? '' : `, ${((1000 * result.cpuMsPerCheck) / floorUs).toFixed(2)} floors of ${floorUs.toFixed(0)} µs`;
      console.log(`  run ${r + 1}/${runs}, ${cameras} cameras: cpu ${result.cpuPct.toFixed(1)} % (${result.cpuMsPerCheck.toFixed(3)} ms per check${floors}), rss ${result.rssMb.toFixed(0)} MB, lag p99 ${result.lagP99Ms.toFixed(0)} ms, ticks ${result.ticks}/${result.expectedTicks}, missed ${result.missed}, load ${machine().load[0]}`);
      console.log(`    memory (MB): ${JSON.stringify(result.memory)}`);
      console.log(`    CPU by thread (% of a core): ${JSON.stringify(result.threads)}; kernel ${result.cpuSystemPct.toFixed(1)} %, children ${result.cpuChildrenPct.toFixed(1)} %`);
      if (result.gc) console.log(`    GC in window (count, main-thread ms): ${JSON.stringify(result.gc)}`);
    }
    raw[cameras] = results;
    if (results.length) table[cameras] = report(cameras, results);
    if (args.flag('profile')) {
      const profileFile = path.join(PACKAGE_ROOT, 'test-artifacts', 'bench', `probe-capacity-${cameras}.cpuprofile`);
      const profiled = await once({ ...base, cameras, net: freshNet(), profileFile });
      console.log(`  profiled run (not in the figures; profiling slows the process): cpu ${profiled.cpuPct.toFixed(1)} %, written to ${path.relative(PACKAGE_ROOT, profileFile)}`);
      console.log(`    CPU by thread (% of a core): ${JSON.stringify(profiled.threads)}`);
      if (profiled.profile) printSummary(profiled.profile);
      raw[cameras].push({ ...profiled, profiled: true } as CapacityResult);
    }
    const allocations = args.flag('promoted') ? 'promoted' : args.flag('allocations') ? 'all' : undefined;
    if (allocations) {
      const sampled = await once({ ...base, cameras, net: freshNet(), allocations });
      const what = allocations === 'promoted' ? 'what outlived the young generation' : 'garbage included';
      console.log(`  allocations over the window (sampled, ${what}): ${sampled.allocations?.totalMb} MB`);
      for (const a of sampled.allocations?.top ?? []) console.log(`      ${a.mb.toFixed(1).padStart(7)} MB  ${a.name}  ${a.where}`);
    }
  }
  const name = `probe-capacity${image ? '-image' : ''}${onvif ? '-onvif' : ''}${dashboard ? '-dashboard' : ''}${mediaCheckEvery !== undefined ? `-media${mediaCheckEvery}` : ''}${NODE_FLAGS.length ? '-flags' : UNCAPPED ? '-uncapped' : ''}`;
  const file = saveResults(name, { intervalSec, windowSec, warmupSec, runs, nodeFlags: START_FLAGS, env: START_ENV, breakdown, table, raw });
  console.log(`  results: ${path.relative(PACKAGE_ROOT, file)}`);
}

let breakdown: CheckCosts | undefined;

/** Prints one fleet size's figures and the targets; returns the figures. */
function report(cameras: number, results: CapacityResult[]): Figure[] {
  const f = (label: string, unit: string, pick: (r: CapacityResult) => number) => figure(label, unit, results.map(pick));
  const cpu = f('CPU, % of one core', '%', (r) => r.cpuPct);
  const rss = f('RSS at end of window', 'MB', (r) => r.rssMb);
  // The target holds for the whole window, so the verdict is on the highest RSS seen.
  const rssMax = f('RSS, highest in window', 'MB', (r) => r.rssMaxMb);
  const missed = f('missed ticks in window', 'ticks', (r) => r.missed);
  const figures = [
    cpu,
    f('  of which in the kernel (system time)', '%', (r) => r.cpuSystemPct),
    f('  of which in child processes (ffmpeg)', '%', (r) => r.cpuChildrenPct ?? 0),
    f('CPU per liveness check (whole process ÷ checks)', 'ms', (r) => r.cpuMsPerCheck),
    ...(results.some((r) => r.floorUs) ? [f('  in floors (the bare exchange paced alike, before the run)', '×', (r) => (r.floorUs ? (1000 * r.cpuMsPerCheck) / r.floorUs : NaN))] : []),
    rss,
    rssMax,
    f('V8 heap used after a full GC (live set)', 'MB', (r) => r.memory.heapUsedAfterGc ?? NaN),
    f('tick lag p50', 'ms', (r) => r.lagP50Ms),
    f('tick lag p99', 'ms', (r) => r.lagP99Ms),
    f('tick lag max', 'ms', (r) => r.lagMaxMs),
    missed,
    f('ticks started / expected', '%', (r) => (100 * r.ticks) / r.expectedTicks),
    f('event-loop delay p99 (beyond the sampling period)', 'ms', (r) => r.loopDelayP99Ms),
    f('probe rounds stored in window (verdict changed)', 'rows', (r) => r.storedRounds),
    f('status changes (flips) in window', 'flips', (r) => r.flips ?? NaN),
    f('database grew in window', 'KB', (r) => r.dbGrowthBytes / 1024),
    f('start-up (store open → listening)', 'ms', (r) => r.startMs),
    f('settled: every camera has a status', 's', (r) => r.settledMs / 1000),
    f('CPU during warm-up (start-up storm)', '%', (r) => r.warmupCpuPct),
  ];
  console.log(`\n  ${cameras} cameras (${results.length} runs; statuses in last run: ${JSON.stringify(results.at(-1)?.statuses)}):`);
  figures.forEach(printFigure);
  if (cameras === TARGET.cameras) {
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(
      `  target (10 000 cameras: < ${TARGET.cpuPct} % of a core, < ${TARGET.rssMb} MB, no missed ticks): cpu ${verdict(cpu.median < TARGET.cpuPct)}, rss ${verdict(rssMax.median < TARGET.rssMb)} (highest in window), missed ticks ${verdict(missed.max === 0)}`,
    );
  }
  return figures;
}

/** `perSecond` checks a second started in the slots of the scheduler's phase grid, as a fleet of that size is paced. */
function pacingOf(perSecond: number, seconds: number): Pacing {
  return { perSecond, perSlot: Math.max(1, Math.round((perSecond * PHASE_GRID_MS) / 1000)), seconds };
}

/** A loopback block of its own per run, so a fleet never collides with one still closing (or someone else's). */
function freshNet(): string {
  return `127.${100 + Math.floor(Math.random() * 100)}`;
}

type Run = Omit<CapacityJob, 'dataDir'> & { net: string };

async function once(run: Run): Promise<CapacityResult> {
  const { net, ...rest } = run;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-bench-'));
  const job: CapacityJob = { ...rest, dataDir };
  const store = openStore(path.join(dataDir, 'pantau.db'));
  insertFleet(store, Array.from({ length: job.cameras }, (_, i) => fleetCamera(i, { net })), { checkIntervalSec: job.intervalSec, imageCheckIntervalSec: job.imageIntervalSec, onvif: job.onvif });
  store.close();
  const child = await compiled('bench/lib/capacity-child.ts');
  const fleet = forkTs('bench/fleet.ts', ['--serve', '--cameras', String(job.cameras), '--net', net, '--down', '0.01', '--slow', '0.01', '--duration', String(job.warmupSec + job.windowSec + 600)], { quiet: true });
  try {
    await fleet.next('ready', 120_000);
    const pantau = forkTs(child, [], { quiet: !CHILD_OUTPUT, tsx: false, execArgv: ['--expose-gc', ...START_FLAGS], env: START_ENV });
    let dashboard: Dashboard | undefined;
    try {
      pantau.send(job);
      if (job.dashboard) {
        const { url } = await pantau.next<{ url: string }>('listening', 120_000);
        dashboard = await openDashboard(url, BENCH_LOGIN, DASHBOARD_THUMBS);
      }
      const deadlineMs = (job.warmupSec + job.windowSec + 300) * 1000;
      let answer = await pantau.next<{ type: string; result: CapacityResult; message: string }>(['window', 'result', 'error'], deadlineMs);
      const atWindow = dashboard?.counts();
      if (answer.type === 'window') answer = await pantau.next(['result', 'error'], deadlineMs);
      if (answer.type === 'error') throw new Error(`capacity run failed: ${answer.message}`);
      if (dashboard && atWindow) {
        const now = dashboard.counts();
        const inWindow = { statuses: now.statuses - atWindow.statuses, frames: now.frames - atWindow.frames, frameBytes: now.frameBytes - atWindow.frameBytes };
        console.log(`    dashboard received in the window: ${JSON.stringify(inWindow)}; since it signed in: ${JSON.stringify(now)}`);
      }
      return answer.result;
    } finally {
      dashboard?.close();
      await pantau.stop();
    }
  } finally {
    await fleet.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) await run();
