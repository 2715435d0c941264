/**
 * The JobQueue port: repeating schedules and one-off jobs, carried on named lanes and taken by
 * consumers. Two adapters implement it — local-queue.ts (in-process, the embedded mode) and
 * bullmq-queue.ts (Redis, queue mode) — and test/contract/job-queue.contract.ts states what
 * both must do. Business code (probe planning, the probe worker, result intake) speaks only
 * this port, so no `mode === 'queue'` check leaks past the composition root.
 *
 * Must not know about cameras or probes: jobs carry opaque JSON data.
 */

/** A repeating job under a fixed id: upserting the same id again replaces it, never doubles it. */
export interface ScheduleSpec<D> {
  /** Fixed id, unique per lane (e.g. `probe:<cameraId>`). */
  id: string;
  /** The lane (queue) its jobs are carried on; consumers choose lanes. */
  lane: string;
  /** Job name handed to the consumer. */
  name: string;
  everyMs: number;
  /**
   * Where in the interval ticks fall, in [0, everyMs): ticks are due at times t with
   * t ≡ offsetMs (mod everyMs). Spreads a fleet so it does not tick in bursts, and keeps a
   * schedule's phase when it is upserted again (a restart or a second server changes nothing).
   */
  offsetMs: number;
  data: D;
  /**
   * Jobs with the same key never run at once, across lanes and consumers: a tick finding its
   * key taken by another schedule's job waits its turn. A tick finding its own schedule's
   * previous tick still waiting or running is skipped and reported as missed, so a slow
   * camera never builds a backlog.
   */
  key?: string;
}

/** A one-off job. */
export interface JobSpec<D> {
  lane: string;
  name: string;
  data: D;
  /** Runs at most this many times; a failure before the last attempt is retried. @defaultValue 1 */
  attempts?: number;
  /** First retry delay; doubles each attempt. @defaultValue 1000 */
  backoffMs?: number;
  /** Not before this many ms from now. @defaultValue 0 */
  delayMs?: number;
}

/** One job as a consumer's handler sees it. */
export interface JobRun<D> {
  /** Unique per tick or one-off job; a retry keeps it. */
  id: string;
  lane: string;
  name: string;
  data: D;
  /** When the tick was due (schedules) or the job became due (one-off jobs), epoch ms. */
  scheduledAt: number;
  /** 1 for the first run, 2 for the first retry… */
  attempt: number;
  /** Aborted when the consumer is forced to stop; the job is then handed back, not failed. */
  signal: AbortSignal;
}

/** Throws to fail the job (retried when attempts remain). */
export type JobHandler<D> = (job: JobRun<D>) => Promise<void>;

export interface ConsumeOptions {
  /** Lanes to take jobs from. */
  lanes: string[];
  /** Jobs of this consumer running at once, across its lanes. */
  concurrency: number;
  /** Told when a tick was skipped because its schedule's previous tick was still busy. */
  onMissed?: (job: { lane: string; name: string; id: string }) => void;
  /** Told when a job starts: how late it is (start minus scheduledAt). */
  onLag?: (job: { lane: string; name: string }, lagMs: number) => void;
  /** Told when a run throws; `retry` says whether another attempt follows. */
  onFailed?: (job: { lane: string; name: string; id: string; attempt: number }, err: unknown, retry: boolean) => void;
}

export interface JobConsumer {
  /** Jobs of this consumer running now. */
  readonly inFlight: number;
  /**
   * Stops taking jobs and waits for those running. With `graceMs`, jobs still running after
   * it are aborted and handed back to the queue (another consumer takes them).
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** Lanes that have at least one live consumer, anywhere. */
export type LaneCoverage = Map<string, number>;

export interface JobQueue<D = unknown> {
  upsertSchedule(spec: ScheduleSpec<D>): Promise<void>;
  /** Removes a schedule; its tick already waiting is dropped. No-op when absent. */
  removeSchedule(lane: string, id: string): Promise<void>;
  /** Ids of the schedules on a lane (for reconciling after a restart). */
  scheduleIds(lane: string): Promise<string[]>;
  add(spec: JobSpec<D>): Promise<void>;
  consume(handler: JobHandler<D>, options: ConsumeOptions): JobConsumer;
  /** Live consumers per lane (heartbeats in queue mode); throws when the queue cannot be asked. */
  coverage(): Promise<LaneCoverage>;
  /** Stops every consumer made here, drops what only this process held, closes connections. */
  close(): Promise<void>;
}

/** Exponential backoff shared by both adapters, so retries behave the same. */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}

/** The first due time ≥ `from` with t ≡ offset (mod every), strictly after `after` if given. */
export function nextSlot(from: number, everyMs: number, offsetMs: number, after = -Infinity): number {
  const offset = ((offsetMs % everyMs) + everyMs) % everyMs;
  let t = Math.floor((from - offset) / everyMs) * everyMs + offset;
  while (t < from || t <= after) t += everyMs;
  return t;
}
