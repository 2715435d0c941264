/**
 * A consumer of the BullMQ adapter: one BullMQ worker per lane, one concurrency cap across
 * them, per-key exclusion around each job, a heartbeat so the server can see the lanes it
 * serves, and a shutdown that lets running jobs finish — or, past a grace, hands them back to
 * the queue for another consumer. Part of bullmq-queue.ts, split for size.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BullmqQueue, Wrapped } from './bullmq-queue.js';
import type { ConsumeOptions, JobConsumer, JobHandler } from './job-queue.js';
import { Semaphore, settleWithin } from './bullmq-support.js';

export class BullmqConsumer<D> implements JobConsumer {
  private readonly workers: Worker[] = [];
  /** Our connections handed to BullMQ workers: BullMQ does not close a connection it was given. */
  private readonly connections: Redis[] = [];
  private readonly slots: Semaphore;
  private readonly forced = new AbortController();
  private readonly id = randomUUID();
  private readonly heartbeat: NodeJS.Timeout;
  private running = 0;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly queue: BullmqQueue<D>,
    private readonly handler: JobHandler<D>,
    private readonly options: ConsumeOptions,
    private readonly onStopped: () => void,
  ) {
    this.slots = new Semaphore(options.concurrency);
    for (const lane of new Set(options.lanes)) {
      const connection = queue.client({ maxRetriesPerRequest: null });
      this.connections.push(connection);
      const worker = new Worker(lane, (job: Job, token?: string, signal?: AbortSignal) => this.process(lane, job, token, signal), {
        connection,
        prefix: queue.prefix,
        concurrency: options.concurrency,
        lockDuration: queue.lockMs,
        stalledInterval: queue.lockMs,
        maxStalledCount: 2,
        name: queue.consumerName,
      });
      worker.on('error', () => {
        /* connection trouble: reported once by the connection, and BullMQ keeps retrying */
      });
      this.workers.push(worker);
    }
    this.beat();
    this.heartbeat = setInterval(() => this.beat(), queue.heartbeatMs);
    this.heartbeat.unref();
  }

  get inFlight(): number {
    return this.running;
  }

  stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number | undefined): Promise<void> {
    clearInterval(this.heartbeat);
    const closing = Promise.all(this.workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    if (graceMs !== undefined) {
      // Past the grace, running jobs are aborted and handed back to the queue for others.
      timer = setTimeout(() => this.forced.abort(new Error('consumer stopping')), graceMs);
      timer.unref();
    }
    // With Redis unreachable nothing running can be acknowledged anyway: do not wait for it.
    const reachable = this.connections.some((c) => c.status === 'ready');
    await settleWithin(closing, reachable ? (graceMs ?? 10_000) + 5000 : 500);
    clearTimeout(timer);
    for (const c of this.connections) c.disconnect();
    await settleWithin(this.queue.commands.del(this.beatKey()), 1000);
    this.onStopped();
  }

  private beatKey(): string {
    return `${this.queue.prefix}:consumers:${this.id}`;
  }

  private beat(): void {
    const body = JSON.stringify({ name: this.queue.consumerName, host: hostname(), pid: process.pid, lanes: this.options.lanes, at: Date.now() });
    this.queue.commands.set(this.beatKey(), body, 'PX', this.queue.heartbeatMs * 3).catch(() => {
      /* Redis away: the heartbeat lapses, which is the truth */
    });
  }

  private async process(lane: string, job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<void> {
    const wrapped = job.data as Wrapped<D>;
    const id = job.id ?? '';
    const meta = { lane, name: job.name, id };
    await this.slots.acquire();
    try {
      const key = wrapped.k;
      // Its own schedule's previous tick still on the key: skip (missed). Another job: wait, at
      // most as long as a dead holder's key can live.
      if (key && (await this.queue.locks.acquire(key, id, this.queue.lockMs, scheduleOf(id))) !== 'taken') {
        this.options.onMissed?.(meta);
        return;
      }
      const release = key ? this.queue.locks.hold(key, id) : undefined;
      const scheduledAt = dueTime(job, wrapped);
      this.options.onLag?.(meta, Date.now() - scheduledAt);
      const aborted = signal ? AbortSignal.any([signal, this.forced.signal]) : this.forced.signal;
      const attempt = job.attemptsMade + 1;
      this.running++;
      try {
        await this.handler({ id, lane, name: job.name, data: wrapped.d, scheduledAt, attempt, signal: aborted });
      } catch (err) {
        if (this.forced.signal.aborted && token) {
          await job.moveToWait(token);
          throw new WaitingError();
        }
        this.options.onFailed?.({ ...meta, attempt }, err, attempt < (job.opts.attempts ?? 1));
        throw err;
      } finally {
        this.running--;
        await release?.();
      }
    } finally {
      this.slots.release();
    }
  }
}

/** `repeat:<schedulerId>:<millis>` → `repeat:<schedulerId>:`, shared by a schedule's ticks. */
function scheduleOf(jobId: string): string | undefined {
  return jobId.startsWith('repeat:') ? jobId.slice(0, jobId.lastIndexOf(':') + 1) : undefined;
}

/** Scheduler jobs carry their due time in their id (`repeat:<schedulerId>:<millis>`). */
function dueTime(job: Job, wrapped: Wrapped<unknown>): number {
  if (typeof wrapped.at === 'number') return wrapped.at;
  const millis = Number(job.id?.slice(job.id.lastIndexOf(':') + 1));
  return Number.isFinite(millis) && millis > 0 ? millis : job.timestamp;
}
