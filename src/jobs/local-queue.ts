/**
 * The in-process JobQueue adapter (embedded mode): timers tick each schedule at a fixed rate in
 * its phase, jobs wait in memory for a consumer of their lane, and a consumer runs at most
 * `concurrency` of them at once. What the embedded scheduler always did, behind the port:
 *
 * - fixed rate: a tick is due one interval after the last was due, so lag does not accumulate;
 *   ticks that a stalled event loop overslept are skipped, not run in a burst;
 * - a schedule has at most one tick outstanding: a tick that finds the previous one still
 *   waiting or running is reported as missed;
 * - jobs sharing a key never run at once: one finding its key busy waits its turn, without
 *   holding a concurrency slot;
 * - stop() takes no new job and waits for those running; close() drops what is still queued.
 *
 * Nothing survives the process, which is the embedded mode's contract.
 */
import {
  nextSlot,
  retryDelayMs,
  type ConsumeOptions,
  type JobConsumer,
  type JobHandler,
  type JobRun,
  type JobQueue,
  type JobSpec,
  type LaneCoverage,
  type ScheduleSpec,
} from './job-queue.js';

interface Pending<D> {
  id: string;
  lane: string;
  name: string;
  data: D;
  scheduledAt: number;
  attempt: number;
  attempts: number;
  backoffMs: number;
  key: string | undefined;
  /** `${lane}\n${scheduleId}` for ticks, so the schedule knows its tick is done. */
  schedule: string | undefined;
}

interface LocalSchedule<D> {
  spec: ScheduleSpec<D>;
  timer: NodeJS.Timeout | undefined;
  lastDue: number | undefined;
}

export interface LocalQueueOptions {
  now?: () => number;
}

export class LocalQueue<D = unknown> implements JobQueue<D> {
  private readonly schedules = new Map<string, LocalSchedule<D>>();
  /** Schedules whose last tick is still waiting or running. */
  private readonly outstanding = new Set<string>();
  private ready: Pending<D>[] = [];
  private readonly busyKeys = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly consumers = new Set<LocalConsumer<D>>();
  private seq = 0;
  private closed = false;
  private readonly now: () => number;

  constructor(options: LocalQueueOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  // Work happens synchronously; the promises only honour the port (and fake-timer tests).
  upsertSchedule(spec: ScheduleSpec<D>): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (!(spec.everyMs > 0)) return Promise.reject(new RangeError(`everyMs must be positive, got ${spec.everyMs}`));
    const k = scheduleKey(spec.lane, spec.id);
    const existing = this.schedules.get(k);
    if (existing?.timer) clearTimeout(existing.timer);
    const entry: LocalSchedule<D> = { spec, timer: undefined, lastDue: existing?.lastDue };
    this.schedules.set(k, entry);
    // The same phase as before, and never a second run of a tick already due.
    this.plan(entry, nextSlot(this.now(), spec.everyMs, spec.offsetMs, entry.lastDue));
    return Promise.resolve();
  }

  removeSchedule(lane: string, id: string): Promise<void> {
    const k = scheduleKey(lane, id);
    const entry = this.schedules.get(k);
    if (entry?.timer) clearTimeout(entry.timer);
    this.schedules.delete(k);
    this.ready = this.ready.filter((p) => p.schedule !== k);
    this.outstanding.delete(k);
    return Promise.resolve();
  }

  scheduleIds(lane: string): Promise<string[]> {
    return Promise.resolve([...this.schedules.values()].filter((s) => s.spec.lane === lane).map((s) => s.spec.id));
  }

  add(spec: JobSpec<D>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the queue is closed'));
    const due = this.now() + (spec.delayMs ?? 0);
    const job: Pending<D> = {
      id: `job-${++this.seq}`,
      lane: spec.lane,
      name: spec.name,
      data: spec.data,
      scheduledAt: due,
      attempt: 1,
      attempts: spec.attempts ?? 1,
      backoffMs: spec.backoffMs ?? 1000,
      key: undefined,
      schedule: undefined,
    };
    this.enqueueAt(job, due);
    return Promise.resolve();
  }

  consume(handler: JobHandler<D>, options: ConsumeOptions): JobConsumer {
    const consumer = new LocalConsumer(this, handler, options);
    this.consumers.add(consumer);
    this.pump();
    return consumer;
  }

  coverage(): Promise<LaneCoverage> {
    const lanes: LaneCoverage = new Map();
    for (const c of this.consumers) {
      if (c.stopping) continue;
      for (const lane of c.lanes) lanes.set(lane, (lanes.get(lane) ?? 0) + 1);
    }
    return Promise.resolve(lanes);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.schedules.values()) if (s.timer) clearTimeout(s.timer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.schedules.clear();
    this.ready = [];
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }

  // ── used by LocalConsumer ──────────────────────────────────────────────────────────────

  /** Starts whatever jobs consumers have room for. */
  pump(): void {
    for (const consumer of this.consumers) {
      while (consumer.hasRoom()) {
        const job = this.take(consumer);
        if (!job) break;
        consumer.start(job);
      }
    }
  }

  /** A job ended (done, failed for good, or retried): free its key and its schedule. */
  finished(job: Pending<D>): void {
    if (job.key) this.busyKeys.delete(job.key);
    if (job.schedule) this.outstanding.delete(job.schedule);
    this.pump();
  }

  retry(job: Pending<D>): void {
    if (job.key) this.busyKeys.delete(job.key);
    const next = { ...job, attempt: job.attempt + 1 };
    this.enqueueAt(next, this.now() + retryDelayMs(job.backoffMs, job.attempt));
  }

  /** A job handed back by a consumer forced to stop: first in line for the next one. */
  handBack(job: Pending<D>): void {
    if (job.key) this.busyKeys.delete(job.key);
    if (!this.closed) this.ready.unshift(job);
    this.pump();
  }

  private take(consumer: LocalConsumer<D>): Pending<D> | undefined {
    for (let i = 0; i < this.ready.length; i++) {
      const job = this.ready[i]!;
      if (!consumer.lanes.has(job.lane)) continue;
      if (job.key && this.busyKeys.has(job.key)) continue;
      this.ready.splice(i, 1);
      if (job.key) this.busyKeys.add(job.key);
      return job;
    }
    return undefined;
  }

  private plan(entry: LocalSchedule<D>, at: number): void {
    entry.timer = setTimeout(() => this.tick(entry, at), Math.max(0, at - this.now()));
    entry.timer.unref();
  }

  private tick(entry: LocalSchedule<D>, due: number): void {
    const { spec } = entry;
    const k = scheduleKey(spec.lane, spec.id);
    if (this.closed || this.schedules.get(k) !== entry) return;
    entry.lastDue = due;
    // Fixed rate; a tick the event loop overslept is not run late in a burst.
    this.plan(entry, nextSlot(this.now(), spec.everyMs, spec.offsetMs, due));
    const job: Pending<D> = {
      id: `${spec.id}@${due}`,
      lane: spec.lane,
      name: spec.name,
      data: spec.data,
      scheduledAt: due,
      attempt: 1,
      attempts: 1,
      backoffMs: 0,
      key: spec.key,
      schedule: k,
    };
    if (this.outstanding.has(k)) {
      this.consumerOf(spec.lane)?.missed(job);
      return;
    }
    this.outstanding.add(k);
    this.ready.push(job);
    this.pump();
  }

  private enqueueAt(job: Pending<D>, at: number): void {
    const wait = at - this.now();
    if (wait <= 0) {
      this.ready.push(job);
      this.pump();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      this.ready.push(job);
      this.pump();
    }, wait);
    timer.unref();
    this.timers.add(timer);
  }

  private consumerOf(lane: string): LocalConsumer<D> | undefined {
    for (const c of this.consumers) if (!c.stopping && c.lanes.has(lane)) return c;
    return undefined;
  }

  forget(consumer: LocalConsumer<D>): void {
    this.consumers.delete(consumer);
  }

  get clock(): () => number {
    return this.now;
  }
}

class LocalConsumer<D> implements JobConsumer {
  readonly lanes: Set<string>;
  stopping = false;
  /** Jobs running, by the run handed to the handler (one per start). */
  private readonly running = new Map<JobRun<D>, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly queue: LocalQueue<D>,
    private readonly handler: JobHandler<D>,
    private readonly options: ConsumeOptions,
  ) {
    this.lanes = new Set(options.lanes);
  }

  get inFlight(): number {
    return this.running.size;
  }

  hasRoom(): boolean {
    return !this.stopping && this.running.size < this.options.concurrency;
  }

  missed(job: Pending<D>): void {
    this.options.onMissed?.({ lane: job.lane, name: job.name, id: job.id });
  }

  start(job: Pending<D>): void {
    const { signal } = this.abort;
    this.options.onLag?.({ lane: job.lane, name: job.name }, this.queue.clock() - job.scheduledAt);
    const run = { id: job.id, lane: job.lane, name: job.name, data: job.data, scheduledAt: job.scheduledAt, attempt: job.attempt, signal };
    this.running.set(run, this.execute(job, run));
  }

  /**
   * Runs the handler on a later microtask (start() returns first) and settles the job. A method,
   * not closures made per job: V8 drops a closure's optimised code at a full collection when no
   * instance of it is alive, and compiles it again.
   */
  private async execute(job: Pending<D>, run: JobRun<D>): Promise<void> {
    let failed = false;
    let error: unknown;
    try {
      await undefined;
      await this.handler(run);
    } catch (err) {
      failed = true;
      error = err;
    }
    try {
      if (!failed) this.queue.finished(job);
      else if (run.signal.aborted) this.queue.handBack(job);
      else {
        const retry = job.attempt < job.attempts;
        this.options.onFailed?.({ lane: job.lane, name: job.name, id: job.id, attempt: job.attempt }, error, retry);
        if (retry) this.queue.retry(job);
        this.queue.finished({ ...job, key: retry ? undefined : job.key });
      }
    } finally {
      this.running.delete(run);
    }
  }

  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    if (options.graceMs !== undefined && this.running.size > 0) {
      timer = setTimeout(() => this.abort.abort(new Error('consumer stopping')), options.graceMs);
      timer.unref();
    }
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
    clearTimeout(timer);
    this.queue.forget(this);
  }
}

function scheduleKey(lane: string, id: string): string {
  return `${lane}\n${id}`;
}
