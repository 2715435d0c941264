/**
 * The worker's side of queue mode: takes probe jobs from its lanes, runs one round with the
 * prober (credentials unsealed for that round only, inside the worker), and sends the result
 * back on the results lane. It never touches the store: only the server writes it.
 */
import type { ProbeResult } from '../domain/status.js';
import type { Logger } from '../log.js';
import type { ProbedCamera } from '../services/prober.js';
import type { JobConsumer, JobQueue } from './job-queue.js';
import { isLiveRequest, isPictureRequest, isProbeJob, RESULTS_LANE, type ProbeResultData, type QueueJobData } from './probe-jobs.js';
import { answerPictureRequest } from './picture-relay.js';
import type { CaptureEndpoints } from '../services/snapshots.js';
import type { SiteLiveWorker } from './site-live-worker.js';

export interface RoundRunner {
  liveness(camera: ProbedCamera, signal: AbortSignal, options?: { withImage?: boolean }): Promise<ProbeResult>;
  image(camera: ProbedCamera, signal: AbortSignal): Promise<ProbeResult>;
}

export interface ProbeWorkerOptions {
  queue: JobQueue<QueueJobData>;
  prober: RoundRunner;
  lanes: string[];
  /** Rounds in flight at once in this worker. */
  concurrency: number;
  /** This worker's name, carried in each result. */
  name: string;
  log: Logger;
  onLag?: (kind: string, lagMs: number) => void;
  onMissed?: (kind: string) => void;
  /** Takes a viewer's picture (site workers answer the server's picture requests with it). */
  capture?: CaptureEndpoints;
  /** Pulls live video for the server (site workers answer its live requests with it). */
  live?: Pick<SiteLiveWorker, 'serve'>;
  /** Told after each result was handed to the queue. */
  onResult?: (result: ProbeResult, kind: string, scheduledAt: number) => void;
}

/** Result deliveries are retried a few times: the round was paid for, Redis may be blinking. */
const RESULT_ATTEMPTS = 5;
/** A batch leaves when it holds this many results, or this long after its first. */
const BATCH_MAX = 50;
const BATCH_WAIT_MS = 20;

/**
 * Gathers results into batches. A probe job completes only once its result's batch is in the
 * queue, so a worker dying with results still gathered loses nothing: their jobs run again.
 */
class ResultBatcher {
  private pending: Array<{ data: ProbeResultData; resolve: () => void; reject: (err: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly queue: JobQueue<QueueJobData>) {}

  send(data: ProbeResultData): Promise<void> {
    const sent = new Promise<void>((resolve, reject) => this.pending.push({ data, resolve, reject }));
    if (this.pending.length >= BATCH_MAX) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), BATCH_WAIT_MS);
    return sent;
  }

  private async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      await this.queue.add({ lane: RESULTS_LANE, name: 'results', data: { rounds: batch.map((b) => b.data) }, attempts: RESULT_ATTEMPTS, backoffMs: 500 });
      for (const b of batch) b.resolve();
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}

export function startProbeWorker(options: ProbeWorkerOptions): JobConsumer {
  const { queue, prober, log } = options;
  const results = new ResultBatcher(queue);
  return queue.consume(
    async (job) => {
      const data = job.data;
      if (isPictureRequest(data)) {
        if (!options.capture) throw new Error(`lane ${job.lane} carried a picture request, which this worker does not take`);
        await answerPictureRequest(data.pictureRequest, { queue, capture: options.capture, worker: options.name, signal: job.signal, log });
        return;
      }
      if (isLiveRequest(data)) {
        if (!options.live) throw new Error(`lane ${job.lane} carried a live request, which this worker does not take`);
        // Returns once the pull is under way: it lives on past the job, for as long as the server's lease.
        await options.live.serve(data.liveRequest);
        return;
      }
      if (!isProbeJob(data)) throw new Error(`lane ${job.lane} carried a job that is not a probe (${job.name})`);
      const result =
        data.kind === 'liveness'
          ? await prober.liveness(data.camera, job.signal, { withImage: data.withImage === true })
          : await prober.image(data.camera, job.signal);
      // A round cut short by shutdown says nothing about the camera: hand the job back.
      if (job.signal.aborted) throw new Error('stopping: round abandoned');
      await results.send({ result, kind: data.kind, scheduledAt: job.scheduledAt, worker: options.name });
      options.onResult?.(result, data.kind, job.scheduledAt);
    },
    {
      lanes: options.lanes,
      concurrency: options.concurrency,
      onLag: (job, ms) => options.onLag?.(job.name, ms),
      onMissed: (job) => {
        log.debug({ lane: job.lane, job: job.id }, 'probe tick skipped: the camera is still being checked');
        options.onMissed?.(job.name);
      },
      onFailed: (job, err) => log.warn({ lane: job.lane, job: job.id, err: { message: err instanceof Error ? err.message : String(err) } }, 'probe job failed'),
    },
  );
}
