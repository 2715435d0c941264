/**
 * Queue-mode helpers for tests and benchmarks: fast queue settings, workers in this process or
 * as real child processes (`src/worker.ts` under tsx, so they can be SIGKILLed), and what the
 * server stored, tick by tick.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { configSchema } from '../../src/config/schema.js';
import { PACKAGE_ROOT } from '../../src/config/load.js';
import type { StoredRound } from '../../src/jobs/probing.js';
import { startWorker, type RunningWorker } from '../../src/jobs/worker-process.js';
import { createLogger } from '../../src/log.js';
import type { RunningPantau } from '../../src/server.js';

/** One secret for a test's server and workers: workers must open what the server sealed. */
export const QUEUE_SECRET = 'queue-test-secret-0123456789abcdef-0123';

export interface QueueTimings {
  heartbeatMs?: number;
  coverageGraceMs?: number;
  lockMs?: number;
  workerConcurrency?: number;
}

/** The `redis` config block with short timings, so faults show within seconds. */
export function redisBlock(url: string, prefix: string, extra: QueueTimings & { siteQueues?: string[] } = {}) {
  return { url, queuePrefix: prefix, heartbeatMs: 250, coverageGraceMs: 2000, lockMs: 2000, workerConcurrency: 32, ...extra };
}

/** A worker in this process, with its log kept in memory. */
export async function inProcessWorker(
  redis: ReturnType<typeof redisBlock>,
  sites: string[] = [],
  probes: Record<string, unknown> = {},
  /** Other config sections of the worker (e.g. its `outbound` policy). */
  extra: Record<string, unknown> = {},
): Promise<RunningWorker & { logText(): string }> {
  const config = configSchema.parse({ ...extra, secret: QUEUE_SECRET, redis, probes: { livenessTimeoutMs: 1000, ...probes }, log: { level: 'debug' } });
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const worker = await startWorker(config, { sites, log: createLogger('debug', sink) });
  return { ...worker, logText: () => lines.join('') };
}

/** `src/worker.ts` as a real child process (tsx), as `npm run worker` would start it. */
export class ChildWorker {
  readonly output: string[] = [];
  private constructor(
    readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    child.stdout?.on('data', (c: Buffer) => this.output.push(c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => this.output.push(c.toString('utf8')));
  }

  static async start(
    redis: ReturnType<typeof redisBlock>,
    /** `config`: other sections of the worker's config file (e.g. its `outbound` policy). */
    options: { sites?: string[]; env?: Record<string, string>; probes?: Record<string, unknown>; config?: Record<string, unknown> } = {},
  ): Promise<ChildWorker> {
    // Settings beyond REDIS_URL/prefix travel in a config file, as an operator would write them.
    const dir = mkdtempSync(path.join(tmpdir(), 'pantau-worker-'));
    const configFile = path.join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...options.config, redis, probes: { livenessTimeoutMs: 1000, ...options.probes }, log: { level: 'info' } }));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PACKAGE_ROOT, 'src', 'worker.ts')], {
      cwd: PACKAGE_ROOT,
      env: {
        ...process.env,
        PANTAU_CONFIG: configFile,
        PANTAU_SECRET: QUEUE_SECRET,
        PANTAU_WORKER_SITES: (options.sites ?? []).join(','),
        PANTAU_DATA_DIR: dir,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new ChildWorker(child, dir);
    await worker.waitFor('worker is taking probe jobs', 20_000);
    return worker;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  text(): string {
    return this.output.join('');
  }

  async waitFor(text: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text().includes(text)) {
      if (this.child.exitCode !== null) throw new Error(`worker exited (${this.child.exitCode}) before "${text}":\n${this.text()}`);
      if (Date.now() > deadline) throw new Error(`worker did not say "${text}" in ${timeoutMs} ms:\n${this.text()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends a signal and waits for the exit code. */
  async signal(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    const exited = new Promise<number | null>((resolve) => this.child.once('exit', (code) => resolve(code)));
    this.child.kill(signal);
    return exited;
  }
}

/** Every result the server stored, as it stored it; `duplicates` holds ticks reported twice. */
export function recordRounds(pantau: Pick<RunningPantau, 'probing'>): StoredRound[] & { duplicates: StoredRound[] } {
  const rounds = Object.assign([] as StoredRound[], { duplicates: [] as StoredRound[] });
  pantau.probing.events.on('stored', (r) => rounds.push(r));
  pantau.probing.events.on('duplicate', (r) => rounds.duplicates.push(r));
  return rounds;
}
