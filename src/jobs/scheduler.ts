/**
 * Probe scheduling on the JobQueue port (here in jobs/, beside the queues it plans on, so that
 * services never import jobs: the arrows point one way). `ProbePlan` turns cameras into two schedules each —
 * liveness every `checkIntervalSec` (`probe:<id>`) and image health every
 * `imageCheckIntervalSec` (`image:<id>`) — on the camera's lane, keyed by camera so a camera
 * never has two checks at once (a tick finding the other kind's check running waits its turn;
 * one finding its own previous tick still busy is missed). Paused cameras have no schedules. It runs the same against either
 * adapter: the server uses it in both modes.
 *
 * `Scheduler` is the embedded mode's whole loop: a ProbePlan on an in-process queue plus a
 * consumer that runs each check here, under a global concurrency cap.
 */
import { LocalQueue } from './local-queue.js';
import type { JobConsumer, JobQueue } from './job-queue.js';
import { DEFAULT_LANE, kindOfSchedule, probeCamera, scheduleId, type ProbeCamera, type ProbeJobData } from './probe-jobs.js';
import type { Camera } from '../store/cameras.js';
import type { ProbeKind } from '../store/probe-results.js';

const KINDS: readonly ProbeKind[] = ['liveness', 'image'];

export interface ProbePlanOptions {
  queue: Pick<JobQueue<ProbeJobData>, 'upsertSchedule' | 'removeSchedule' | 'scheduleIds'>;
  /** The lane a camera's jobs ride. @defaultValue the default lane */
  laneOf?: (camera: Camera) => string;
  /** Every lane a camera may ride, so a camera that moved is taken off the others. */
  lanes?: readonly string[];
  /** Phase of a camera's ticks within the interval, in [0, everyMs). */
  offset: (camera: Camera, kind: ProbeKind, everyMs: number) => number;
}

export class ProbePlan {
  private readonly laneOf: (camera: Camera) => string;
  private readonly lanes: readonly string[];

  constructor(private readonly options: ProbePlanOptions) {
    this.laneOf = options.laneOf ?? (() => DEFAULT_LANE);
    this.lanes = options.lanes ?? [DEFAULT_LANE];
  }

  /** Adds or replaces a camera's schedules; a paused camera's are removed. */
  async upsert(camera: Camera): Promise<void> {
    if (!camera.enabled) return this.remove(camera.id);
    const lane = this.laneOf(camera);
    const data = probeCamera(camera);
    // Specs are built before any await, so phases are drawn in a fixed order (tests rely on it).
    const specs = KINDS.map((kind) => {
      const everyMs = (kind === 'liveness' ? camera.checkIntervalSec : camera.imageCheckIntervalSec) * 1000;
      return {
        id: scheduleId(kind, camera.id),
        lane,
        name: kind,
        everyMs,
        offsetMs: this.options.offset(camera, kind, everyMs),
        data: { camera: data, kind },
        key: camera.id,
      };
    });
    await Promise.all([
      ...specs.map((spec) => this.options.queue.upsertSchedule(spec)),
      ...this.lanes.filter((other) => other !== lane).map((other) => this.removeFrom(other, camera.id)),
    ]);
  }

  async remove(cameraId: string): Promise<void> {
    await Promise.all(this.lanes.map((lane) => this.removeFrom(lane, cameraId)));
  }

  /**
   * Makes the queue hold exactly these cameras' schedules: upserts each (same ids and
   * phases, so nothing doubles) and removes schedules of cameras not in the list.
   */
  async reconcile(cameras: readonly Camera[]): Promise<{ upserted: number; removed: number }> {
    const wanted = new Set<string>();
    let upserted = 0;
    for (const camera of cameras) {
      await this.upsert(camera);
      if (!camera.enabled) continue;
      upserted++;
      for (const kind of KINDS) wanted.add(`${this.laneOf(camera)}\n${scheduleId(kind, camera.id)}`);
    }
    let removed = 0;
    for (const lane of this.lanes) {
      for (const id of await this.options.queue.scheduleIds(lane)) {
        if (kindOfSchedule(id) === undefined || wanted.has(`${lane}\n${id}`)) continue;
        await this.options.queue.removeSchedule(lane, id);
        removed++;
      }
    }
    return { upserted, removed };
  }

  private async removeFrom(lane: string, cameraId: string): Promise<void> {
    await Promise.all(KINDS.map((kind) => this.options.queue.removeSchedule(lane, scheduleId(kind, cameraId))));
  }
}

export interface SchedulerOptions {
  /** Checks in flight at once, across all cameras. @defaultValue 64 */
  concurrency: number;
  /** Runs one check; must not throw for camera faults. */
  run: (camera: ProbeCamera, kind: ProbeKind, scheduledAt: number) => Promise<void>;
  /** Told each tick's lag (start minus scheduled time) and each missed tick. */
  onLag?: (kind: ProbeKind, lagMs: number) => void;
  onMissed?: (kind: ProbeKind) => void;
  now?: () => number;
  /**
   * First-tick jitter: a camera's ticks fall at random() × interval into each interval, on the
   * grid of PHASE_GRID_MS.
   */
  random?: () => number;
}

/**
 * Ticks are spread over the interval on a grid of this many ms, not at any millisecond: the
 * cameras due in one slot are started together, so one timer wakes the process for all of them
 * and their sockets' events arrive together, instead of one wake-up (and a cold cache) per
 * camera. At 1 000 cameras the process is idle between checks, and a connect cost several
 * times what it costs in a busy one (BENCHMARKS.md, issue 16). A slot holds interval ÷ 250 ms
 * of the fleet: 12 cameras of 1 000 at 20 s, 83 of 10 000 at 30 s.
 */
export const PHASE_GRID_MS = 250;

/** A phase in [0, everyMs) for a draw r in [0, 1), on the grid (at the draw itself below one slot). */
export function phaseOnGrid(r: number, everyMs: number): number {
  if (everyMs <= PHASE_GRID_MS) return r * everyMs;
  return Math.floor((r * everyMs) / PHASE_GRID_MS) * PHASE_GRID_MS;
}

/** The embedded mode's scheduler: ticks, jitter, cap and per-camera exclusion, in process. */
export class Scheduler {
  private readonly queue: LocalQueue<ProbeJobData>;
  private readonly plan: ProbePlan;
  private readonly consumer: JobConsumer;
  /**
   * The newest version of each scheduled camera, what a check needs of it (the whole row,
   * names, places, owners and tags, is not kept: ~0.4 KB a camera): an edit applies to the
   * very next check.
   */
  private readonly cameras = new Map<string, ProbeCamera>();
  private stopped = false;

  constructor(options: SchedulerOptions) {
    const random = options.random ?? Math.random;
    this.queue = new LocalQueue<ProbeJobData>({ now: options.now });
    this.plan = new ProbePlan({ queue: this.queue, offset: (_c, _k, everyMs) => phaseOnGrid(random(), everyMs) });
    const kindOf = (name: string): ProbeKind => (name === 'image' ? 'image' : 'liveness');
    this.consumer = this.queue.consume(
      async (job) => {
        const camera = this.cameras.get(job.data.camera.id);
        if (!camera) return;
        try {
          await options.run(camera, job.data.kind, job.scheduledAt);
        } catch {
          /* run() reports its own failures; a scheduler keeps ticking whatever happens */
        }
      },
      {
        lanes: [DEFAULT_LANE],
        concurrency: options.concurrency,
        onLag: (job, ms) => options.onLag?.(kindOf(job.name), ms),
        onMissed: (job) => options.onMissed?.(kindOf(job.name)),
      },
    );
  }

  get inFlight(): number {
    return this.consumer.inFlight;
  }

  /** Adds, replaces or removes (when disabled) a camera's schedule. */
  upsert(camera: Camera): void {
    if (this.stopped) return;
    if (camera.enabled) this.cameras.set(camera.id, probeCamera(camera));
    else this.cameras.delete(camera.id);
    void this.plan.upsert(camera);
  }

  remove(cameraId: string): void {
    this.cameras.delete(cameraId);
    void this.plan.remove(cameraId);
  }

  /** Stops ticking, waits for checks already running, and drops those still queued. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.stop();
    await this.queue.close();
    this.cameras.clear();
  }
}
