/**
 * Queue mode: probe throughput and CPU per worker with 1, 2 and 4 worker processes, and the
 * end-to-end lag from a tick's due time to its result stored by the server (p50/p99).
 *
 * For each worker count: a fresh key prefix on Redis (REDIS_URL, default 127.0.0.1:6379), a
 * Pantau server in queue mode in this process, a loopback fleet of RTSP cameras (each on its
 * own 127.1.x.y address, tcp + OPTIONS/DESCRIBE per round) in this process too, and N workers
 * as real child processes (`src/worker.ts` under tsx). After every camera has reported once,
 * a window of whole intervals is measured. Worker CPU is read from /proc (user + system).
 *
 *   npx tsx bench/queue.ts [--cameras 1000] [--interval 5] [--window 20] [--workers 1,2,4]
 *     [--concurrency 64]
 *
 * Not a test: numbers depend on the machine (a shared 2-core box runs the server, the fleet,
 * Redis and the workers on the same two cores).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cameraInput } from './lib/fleet-register.js';
import { Fleet } from './lib/fleet-sim.js';
import { Args } from './lib/args.js';
import { isMain } from './lib/child.js';
import { percentile, printMachine, saveResults, sleep } from './lib/stats.js';
import { startTestPantau } from '../test/support/pantau.js';
import { ChildWorker, QUEUE_SECRET, recordRounds, redisBlock } from '../test/support/queue.js';
import { deleteKeys } from '../test/support/redis.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Linux clock ticks per second for /proc/<pid>/stat times. */
const CLK_TCK = 100;

interface Job {
  cameras: number;
  intervalSec: number;
  windowSec: number;
  workers: number;
  concurrency: number;
}

interface Result {
  workers: number;
  offeredPerSec: number;
  storedPerSec: number;
  /** Ticks of the window stored, out of those due. */
  ticks: number;
  expectedTicks: number;
  lagP50Ms: number;
  lagP99Ms: number;
  cpuPctPerWorker: number[];
  /** CPU ms one worker spends per probe round. */
  cpuMsPerRound: number;
  serverAndFleetCpuPct: number;
}

export async function run(): Promise<void> {
  const args = new Args();
  const cameras = args.number('cameras', 1000, { min: 1, max: 10_000, integer: true });
  const intervalSec = args.number('interval', 5, { min: 5, max: 300, integer: true });
  const windowSec = args.number('window', 20, { min: intervalSec, max: 3600, integer: true });
  const counts = args.numbers('workers', [1, 2, 4]);
  const concurrency = args.number('concurrency', 64, { min: 1, max: 1000, integer: true });
  console.log(`\n# Queue mode — ${cameras} cameras, liveness every ${intervalSec} s (${(cameras / intervalSec).toFixed(0)} rounds/s offered), window ${windowSec} s, worker concurrency ${concurrency}`);
  printMachine();
  const fleet = new Fleet({ cameras, addressing: 'addresses' });
  await fleet.start();
  const results: Result[] = [];
  try {
    for (const workers of counts) {
      const r = await once(fleet, { cameras, intervalSec, windowSec, workers, concurrency });
      results.push(r);
      console.log(
        `  ${workers} worker${workers === 1 ? ' ' : 's'}: stored ${r.storedPerSec.toFixed(0)}/s of ${r.offeredPerSec.toFixed(0)}/s offered (ticks ${r.ticks}/${r.expectedTicks}), ` +
          `lag due→stored p50 ${r.lagP50Ms.toFixed(0)} ms p99 ${r.lagP99Ms.toFixed(0)} ms, ` +
          `CPU per worker ${r.cpuPctPerWorker.map((c) => `${c.toFixed(1)} %`).join(' / ')} (${r.cpuMsPerRound.toFixed(2)} ms per round), server + fleet ${r.serverAndFleetCpuPct.toFixed(0)} %`,
      );
    }
  } finally {
    await fleet.stop();
  }
  const file = saveResults('queue', { cameras, intervalSec, windowSec, concurrency, results });
  console.log(`  (raw figures: ${file})`);
}

async function once(fleet: Fleet, job: Job): Promise<Result> {
  const prefix = `bench-${randomUUID()}`;
  const redis = redisBlock(REDIS_URL, prefix, { workerConcurrency: job.concurrency, heartbeatMs: 1000, coverageGraceMs: 30_000, lockMs: 30_000 });
  // Image checks are out of the way (a day): new cameras do not wait for a first picture.
  const pantau = await startTestPantau({ secret: QUEUE_SECRET, redis, log: { level: 'warn' }, probes: { awaitPictureBeforeUp: false } });
  const workers: ChildWorker[] = [];
  try {
    const admin = pantau.store.users.list().find((u) => u.role === 'admin');
    if (!admin) throw new Error('no admin user');
    for (const camera of fleet.cameras.slice(0, job.cameras)) {
      pantau.registry.create({ user: admin, via: 'session' }, cameraInput(camera, { snapshots: false, checkIntervalSec: job.intervalSec, imageCheckIntervalSec: 86_400 }));
    }
    const rounds = recordRounds(pantau);
    workers.push(...(await Promise.all(Array.from({ length: job.workers }, () => ChildWorker.start(redis)))));
    const deadline = Date.now() + 4 * job.intervalSec * 1000;
    while (new Set(rounds.map((r) => r.cameraId)).size < job.cameras && Date.now() < deadline) await sleep(200);

    const intervalMs = job.intervalSec * 1000;
    const from = Math.ceil((Date.now() + 1000) / intervalMs) * intervalMs;
    const to = from + Math.ceil(job.windowSec / job.intervalSec) * intervalMs;
    await sleep(from - Date.now());
    const cpuFrom = workers.map((w) => cpuTicks(w.pid));
    const selfFrom = process.cpuUsage();
    await sleep(to - Date.now());
    const cpuTo = workers.map((w) => cpuTicks(w.pid));
    const self = process.cpuUsage(selfFrom);
    const seconds = (to - from) / 1000;
    // Stragglers of the window: results of ticks due inside it that are still on their way.
    const expectedTicks = job.cameras * ((to - from) / intervalMs);
    const inWindow = () => rounds.filter((r) => r.kind === 'liveness' && r.scheduledAt >= from && r.scheduledAt < to);
    const settle = Date.now() + 15_000;
    while (inWindow().length < expectedTicks && Date.now() < settle) await sleep(200);
    const stored = inWindow();
    const lags = stored.map((r) => r.storedAt - r.scheduledAt);
    const cpuPct = cpuFrom.map((c, i) => ((cpuTo[i]! - c) / CLK_TCK / seconds) * 100);
    const cpuMs = cpuFrom.reduce((sum, c, i) => sum + ((cpuTo[i]! - c) / CLK_TCK) * 1000, 0);
    return {
      workers: job.workers,
      offeredPerSec: job.cameras / job.intervalSec,
      storedPerSec: stored.length / seconds,
      ticks: stored.length,
      expectedTicks,
      lagP50Ms: percentile(lags, 50),
      lagP99Ms: percentile(lags, 99),
      cpuPctPerWorker: cpuPct,
      cpuMsPerRound: stored.length ? cpuMs / stored.length : NaN,
      serverAndFleetCpuPct: ((self.user + self.system) / 1000 / (seconds * 1000)) * 100,
    };
  } finally {
    await Promise.allSettled(workers.map((w) => w.signal('SIGTERM')));
    await pantau.stop();
    await deleteKeys(REDIS_URL, prefix);
  }
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

if (isMain(import.meta.url)) await run();
