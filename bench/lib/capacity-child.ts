/**
 * One Pantau for the probe-capacity benchmark, in a process of its own so that CPU and memory
 * are Pantau's alone, compiled (lib/compiled.ts) rather than under tsx: starts the real server
 * (embedded mode) on a data dir the parent filled with fleet cameras, lets the first ticks
 * spread out, then measures a window: CPU time,
 * RSS, event-loop delay, every liveness tick's lag (start minus due time, the figure behind
 * `pantau_probe_lag_seconds`), missed ticks, and what the window added to the database.
 * Driven over IPC by probe-capacity.ts; sends one `result` message and exits.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import Database from 'better-sqlite3';
import { Counter, Histogram, type Registry } from 'prom-client';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { EVENT_LOOP_SAMPLE_MS } from '../../src/http/metrics.js';
import { startPantau } from '../../src/server.js';
import { percentile, sleep } from './stats.js';
import { saveProfile, startAllocationSampling, startProfile, summarise, type ProfileSummary } from './profile.js';

export interface CapacityJob {
  cameras: number;
  /** Holds pantau.db with the cameras registered; the parent deletes it. */
  dataDir: string;
  intervalSec: number;
  imageIntervalSec: number;
  warmupSec: number;
  windowSec: number;
  onvif: boolean;
  /** probes.mediaCheckEvery of the measured Pantau. @defaultValue the config's default */
  mediaCheckEvery?: number | undefined;
  /** Write a CPU profile of the window here (and summarise it). */
  profileFile?: string;
  /** Sample allocations over the window instead: all of them, or only what outlived the young generation. */
  allocations?: 'all' | 'promoted';
  /** Sign a dashboard in (the parent opens it once told where Pantau listens). */
  dashboard?: boolean;
  /** After the window and a full GC, write a heap snapshot of the live set here (before Pantau closes). */
  heapSnapshotFile?: string;
}

/** The admin the benchmark's dashboard signs in as. */
export const BENCH_LOGIN = { user: 'admin', password: 'fleet-benchmark-admin-password' };

export interface CapacityResult {
  cameras: number;
  /** The whole process as the kernel counts it: user + system time, children (ffmpeg) included. */
  cpuPct: number;
  /** Of which in the kernel (sockets, file writes). */
  cpuSystemPct: number;
  /** Of which in child processes (ffmpeg frame grabs), waited for. */
  cpuChildrenPct: number;
  /**
   * The process's CPU by thread, % of a core (user + system): `main` is the main thread
   * (JavaScript, the syscalls it makes, GC pauses); the others by name (`node`: V8's helpers,
   * concurrent GC and compilation, and libuv's pool; `libvips worker`: sharp).
   */
  threads?: Record<string, number>;
  /** CPU time over the window ÷ liveness checks started in it, ms (image checks' cost included). */
  cpuMsPerCheck: number;
  /** With `--floor`: the bare exchange's CPU µs, paced as this run's checks, measured just before it. */
  floorUs?: number;
  rssMb: number;
  rssMaxMb: number;
  heapMb: number;
  /** process.memoryUsage() at the end of the window, then after a full GC, in MB. */
  memory: Record<string, number>;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  ticks: number;
  expectedTicks: number;
  missed: number;
  imageChecks: number;
  loopDelayP99Ms: number;
  /** Garbage collections in the window by kind: how many, and the main thread's pause in ms (V8's helper threads' share is in `threads`). */
  gc?: Record<string, { count: number; ms: number }>;
  statuses: Record<string, number>;
  /** Probe rounds stored in the window (those whose verdict changed). */
  storedRounds: number;
  /** Status changes stored in the window. */
  flips: number;
  /** Bytes the database's tables and indexes grew by over the window (SQLite's page accounting). */
  dbGrowthBytes: number;
  startMs: number;
  /** From listening until no camera is `unknown` any more (every first verdict stored); NaN if not within the warm-up. */
  settledMs: number;
  /** CPU share of one core over the warm-up, start-up storm included. */
  warmupCpuPct: number;
  profile?: ProfileSummary;
  allocations?: { totalMb: number; top: { name: string; where: string; mb: number }[] };
}

// Every lag the scheduler reports passes through the histogram; keep the raw values too.
// prom-client binds `observe`/`inc` per instance to these prototype methods (no exemplars).
const lags: number[] = [];
let imageChecks = 0;
let missed = 0;
let measuring = false;
type Method = (this: { name: string }, ...a: unknown[]) => void;
const histogram = Histogram.prototype as unknown as Record<'observeWithoutExemplar', Method>;
const observe = histogram.observeWithoutExemplar;
histogram.observeWithoutExemplar = function (labels, value) {
  if (measuring && this.name === 'pantau_probe_lag_seconds' && typeof labels === 'object' && labels) {
    if ((labels as { kind?: string }).kind === 'liveness') lags.push((value as number) * 1000);
    else imageChecks++;
  }
  observe.call(this, labels, value);
};
const counter = Counter.prototype as unknown as Record<'incWithoutExemplar', Method>;
const inc = counter.incWithoutExemplar;
counter.incWithoutExemplar = function (...a) {
  if (measuring && this.name === 'pantau_probe_missed_total') missed++;
  inc.apply(this, a);
};

async function measure(job: CapacityJob): Promise<CapacityResult> {
  const dataDir = job.dataDir;
  {
    // With image checks pushed out of the window, new cameras do not wait for a first picture
    // (it would put an image check of every camera into the first liveness round).
    const probes = {
      ...(job.imageIntervalSec > 300 ? { awaitPictureBeforeUp: false } : {}),
      ...(job.mediaCheckEvery === undefined ? {} : { mediaCheckEvery: job.mediaCheckEvery }),
    };
    const config = configSchema.parse({
      server: { port: 0, host: '127.0.0.1' },
      dataDir,
      log: { level: 'warn' },
      secret: 'fleet-benchmark-secret-0123456789abcdef',
      probes,
      ...(job.dashboard ? { admin: { password: BENCH_LOGIN.password } } : {}),
    });
    const started = performance.now();
    const pantau = await startPantau(config, createLogger('warn', process.stderr as never));
    const startMs = performance.now() - started;
    process.send?.({ type: 'listening', url: pantau.url });
    const warm0 = process.cpuUsage();
    const listening = performance.now();
    let settledMs = NaN;
    const settle = setInterval(() => {
      if (Number.isNaN(settledMs) && (pantau.monitor.counts().unknown ?? 0) === 0) settledMs = performance.now() - listening;
    }, 250);
    await sleep(job.warmupSec * 1000);
    clearInterval(settle);
    const warm = process.cpuUsage(warm0);
    const warmupCpuPct = ((warm.user + warm.system) / ((performance.now() - listening) * 1000)) * 100;

    // Pantau's own event-loop monitor (its /metrics), not one of ours: a monitor of the bench's
    // would wake the measured process 100 times a second and charge it for that. Reading the
    // lag gauges starts a fresh window.
    await pantau.metrics.metrics();
    const gcs = gcCounter();
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage.rss()), 1000);
    const stopProfile = job.profileFile ? await startProfile() : undefined;
    const stopAllocations = job.allocations ? await startAllocationSampling(job.allocations === 'promoted') : undefined;
    const db0 = dbUsage(path.join(dataDir, 'pantau.db'));
    measuring = true;
    process.send?.({ type: 'window' }); // the benchmark's dashboard counts from here
    const cpu0 = processCpu();
    const threads0 = threadCpu();
    const t0 = performance.now();
    await sleep(job.windowSec * 1000);
    const cpu1 = processCpu();
    const threads1 = threadCpu();
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = { user: cpu1.user - cpu0.user, system: cpu1.system - cpu0.system, children: cpu1.children - cpu0.children };
    measuring = false;
    const profile = stopProfile ? await stopProfile() : undefined;
    const allocations = stopAllocations ? await stopAllocations() : undefined;
    clearInterval(sampler);
    const gc = gcs.stop();
    // Node counts the sampling period into each sample: what is beyond it is the delay.
    const loopDelayP99Ms = (await gaugeValue(pantau.metrics, 'pantau_nodejs_eventloop_lag_p99_seconds')) * 1000 - EVENT_LOOP_SAMPLE_MS;
    if (profile && job.profileFile) saveProfile(job.profileFile, profile);

    const statuses = pantau.monitor.counts();
    const db1 = dbUsage(path.join(dataDir, 'pantau.db'));
    const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
    const mb = (m: NodeJS.MemoryUsage, suffix: string) => Object.fromEntries(Object.entries(m).map(([k, v]) => [`${k}${suffix}`, Math.round(v / 2 ** 20)]));
    const memory = { ...mb(process.memoryUsage(), ''), ...rssByMapping() };
    (globalThis as { gc?: () => void }).gc?.();
    Object.assign(memory, mb(process.memoryUsage(), 'AfterGc'));
    // Taken after the figures: writing it costs CPU and memory of its own.
    if (job.heapSnapshotFile) {
      mkdirSync(path.dirname(job.heapSnapshotFile), { recursive: true });
      writeHeapSnapshot(job.heapSnapshotFile);
    }
    await pantau.close();
    return {
      cameras: job.cameras,
      cpuPct: ((cpu.user + cpu.system + cpu.children) / wallUs) * 100,
      cpuSystemPct: (cpu.system / wallUs) * 100,
      cpuChildrenPct: (cpu.children / wallUs) * 100,
      threads: threadShares(threads0, threads1, wallUs),
      cpuMsPerCheck: (cpu.user + cpu.system + cpu.children) / 1000 / Math.max(1, lags.length),
      rssMb: (rss.at(-1) ?? 0) / 2 ** 20,
      rssMaxMb: Math.max(...rss) / 2 ** 20,
      heapMb,
      memory,
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      lagMaxMs: Math.max(...lags),
      ticks: lags.length,
      expectedTicks: Math.round((job.cameras * job.windowSec) / job.intervalSec),
      missed,
      imageChecks,
      loopDelayP99Ms,
      gc,
      statuses,
      storedRounds: db1.rounds - db0.rounds,
      flips: db1.flips - db0.flips,
      dbGrowthBytes: db1.bytes - db0.bytes,
      startMs,
      settledMs,
      warmupCpuPct,
      ...(profile ? { profile: summarise(profile) } : {}),
      ...(allocations ? { allocations } : {}),
    };
  }
}

/**
 * CPU time of this process from /proc/self/stat, µs: user and system time of every thread, and
 * of the children waited for (ffmpeg grabs) — what `time` would report, unlike
 * process.cpuUsage(), which leaves children out. Clock ticks are 10 ms: fine over a window.
 */
/**
 * Resident memory by what is mapped (MB, from /proc/self/smaps): `rssAnon` is the V8 heap,
 * malloc's arenas and thread stacks together; `rssFiles` the mapped code and data of node,
 * its add-ons and libvips; `rssLargestAnon` the largest anonymous mapping (a malloc arena or
 * V8 space), which says whether one region dominates.
 */
function rssByMapping(): Record<string, number> {
  let anon = 0, files = 0, largest = 0, current = 0, isAnon = true;
  const flush = () => { if (isAnon) { anon += current; largest = Math.max(largest, current); } else files += current; current = 0; };
  try {
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (head) { flush(); isAnon = !head[1] || head[1].startsWith('['); continue; }
      if (line.startsWith('Rss:')) current = Number(line.split(/\s+/)[1]) * 1024;
    }
    flush();
  } catch {
    return {};
  }
  const r = (v: number) => Math.round(v / 2 ** 20);
  return { rssAnon: r(anon), rssFiles: r(files), rssLargestAnon: r(largest) };
}

function processCpu(): { user: number; system: number; children: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name, which may hold spaces: state is the 3rd field.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 1e6 / CLOCK_TICKS_PER_SECOND;
  const at = (n: number) => Number(fields[n - 3]) * tick;
  return { user: at(14), system: at(15), children: at(16) + at(17) };
}

/** CPU time (µs, user + system) of each live thread of this process, by thread id. */
function threadCpu(): Map<string, { name: string; us: number }> {
  const out = new Map<string, { name: string; us: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = tid === String(process.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name, us: (Number(fields[11]) + Number(fields[12])) * (1e6 / CLOCK_TICKS_PER_SECOND) });
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return out;
}

/** Each thread name's share of a core over the window (threads born in it count from zero). */
function threadShares(before: Map<string, { name: string; us: number }>, after: Map<string, { name: string; us: number }>, wallUs: number): Record<string, number> {
  const shares: Record<string, number> = {};
  for (const [tid, t] of after) {
    const used = t.us - (before.get(tid)?.us ?? 0);
    shares[t.name] = Math.round(((shares[t.name] ?? 0) + (used / wallUs) * 100) * 10) / 10;
  }
  return shares;
}

/** Counts V8's collections (perf_hooks 'gc' entries) until stop(). */
function gcCounter(): { stop: () => Record<string, { count: number; ms: number }> } {
  const c = perfConstants;
  const kinds: Record<number, string> = {
    [c.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [c.NODE_PERFORMANCE_GC_MAJOR]: 'markCompact',
    [c.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incrementalMarking',
    [c.NODE_PERFORMANCE_GC_WEAKCB]: 'weakCallbacks',
  };
  const out: Record<string, { count: number; ms: number }> = {};
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number; flags?: number } })[]) {
      // Major collections V8 made to shrink the heap (its memory reducer, idle-time work) are named apart.
      const reducing = (e.detail?.flags ?? 0) & (c.NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE | c.NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE | c.NODE_PERFORMANCE_GC_FLAGS_FORCED);
      const kind = (kinds[e.detail?.kind ?? 0] ?? 'other') + (reducing ? `(flags ${e.detail?.flags})` : '');
      const k = (out[kind] ??= { count: 0, ms: 0 });
      k.count++;
      k.ms = Math.round((k.ms + e.duration) * 10) / 10;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      observer.disconnect();
      return out;
    },
  };
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS_PER_SECOND = 100;

/** Bytes used by every table and index (pages less their free space), and the stored rounds. */
function dbUsage(file: string): { bytes: number; rounds: number; flips: number } {
  const db = new Database(file, { readonly: true });
  try {
    const bytes = db.prepare('SELECT coalesce(sum(pgsize - unused), 0) FROM dbstat').pluck().get() as number;
    const rounds = db.prepare('SELECT count(*) FROM probe_results').pluck().get() as number;
    const flips = db.prepare('SELECT count(*) FROM flips').pluck().get() as number;
    return { bytes, rounds, flips };
  } finally {
    db.close();
  }
}

process.once('message', (job: CapacityJob) => {
  measure(job)
    .then((result) => process.send?.({ type: 'result', result }))
    .catch((err: unknown) => process.send?.({ type: 'error', message: err instanceof Error ? err.stack : String(err) }))
    .finally(() => setTimeout(() => process.exit(0), 200));
});
process.once('disconnect', () => process.exit(0));

/** A gauge's value as a scrape would read it now (collecting it), or NaN when it has none. */
async function gaugeValue(registry: Registry, name: string): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values[0]?.value ?? Number.NaN;
}
