/**
 * Embedded-mode scheduling: each enabled camera gets a liveness tick every `checkIntervalSec`
 * and an image tick every `imageCheckIntervalSec`, first ticks spread by jitter so a fleet does
 * not probe in bursts. A global cap bounds checks in flight; a camera never has two checks at
 * once (a liveness tick that finds the last one still running is counted as missed, an image
 * tick waits its turn). Registry edits reschedule at once; paused cameras are not probed.
 */
import type { Camera } from '../store/cameras.js';
import type { ProbeKind } from '../store/probe-results.js';

export interface SchedulerOptions {
  /** Checks in flight at once, across all cameras. @defaultValue 64 */
  concurrency: number;
  /** Runs one check; must not throw for camera faults. */
  run: (camera: Camera, kind: ProbeKind, scheduledAt: number) => Promise<void>;
  /** Told each tick's lag (start minus scheduled time) and each missed tick. */
  onLag?: (kind: ProbeKind, lagMs: number) => void;
  onMissed?: (kind: ProbeKind) => void;
  now?: () => number;
  random?: () => number;
}

interface CameraSchedule {
  camera: Camera;
  timers: Partial<Record<ProbeKind, NodeJS.Timeout>>;
  /** The chain of this camera's checks: each starts after the previous one ends. */
  chain: Promise<void>;
  livenessPending: boolean;
}

export class Scheduler {
  private readonly cameras = new Map<string, CameraSchedule>();
  private readonly waiting: Array<() => void> = [];
  private running = 0;
  private stopped = false;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  get inFlight(): number {
    return this.running;
  }

  /** Adds, replaces or removes (when disabled) a camera's schedule. */
  upsert(camera: Camera): void {
    if (this.stopped) return;
    const existing = this.cameras.get(camera.id);
    if (existing) this.clearTimers(existing);
    if (!camera.enabled) {
      this.cameras.delete(camera.id);
      return;
    }
    const entry: CameraSchedule = existing ?? { camera, timers: {}, chain: Promise.resolve(), livenessPending: false };
    entry.camera = camera;
    this.cameras.set(camera.id, entry);
    const now = this.now();
    this.plan(entry, 'liveness', now + this.random() * camera.checkIntervalSec * 1000);
    this.plan(entry, 'image', now + this.random() * camera.imageCheckIntervalSec * 1000);
  }

  remove(cameraId: string): void {
    const entry = this.cameras.get(cameraId);
    if (entry) this.clearTimers(entry);
    this.cameras.delete(cameraId);
  }

  /** Stops ticking and waits for checks already running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const entry of this.cameras.values()) this.clearTimers(entry);
    await Promise.all([...this.cameras.values()].map((e) => e.chain));
    this.cameras.clear();
  }

  private plan(entry: CameraSchedule, kind: ProbeKind, at: number): void {
    const timer = setTimeout(() => this.tick(entry, kind, at), Math.max(0, at - this.now()));
    timer.unref();
    entry.timers[kind] = timer;
  }

  private tick(entry: CameraSchedule, kind: ProbeKind, scheduledAt: number): void {
    if (this.stopped || this.cameras.get(entry.camera.id) !== entry) return;
    const interval = (kind === 'liveness' ? entry.camera.checkIntervalSec : entry.camera.imageCheckIntervalSec) * 1000;
    // Fixed rate: the next tick is due one interval after this one was due, so lag does not accumulate.
    let next = scheduledAt + interval;
    if (next <= this.now()) next = this.now() + interval;
    this.plan(entry, kind, next);

    if (kind === 'liveness') {
      if (entry.livenessPending) {
        this.options.onMissed?.(kind);
        return;
      }
      entry.livenessPending = true;
    }
    const camera = entry.camera;
    entry.chain = entry.chain.then(async () => {
      // Checks still queued when stop() came are dropped, not started.
      if (this.stopped) {
        if (kind === 'liveness') entry.livenessPending = false;
        return;
      }
      await this.acquire();
      if (this.stopped) {
        if (kind === 'liveness') entry.livenessPending = false;
        this.release();
        return;
      }
      try {
        this.options.onLag?.(kind, this.now() - scheduledAt);
        await this.options.run(camera, kind, scheduledAt);
      } catch {
        /* run() reports its own failures; a scheduler keeps ticking whatever happens */
      } finally {
        if (kind === 'liveness') entry.livenessPending = false;
        this.release();
      }
    });
  }

  private acquire(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private clearTimers(entry: CameraSchedule): void {
    for (const t of Object.values(entry.timers)) clearTimeout(t);
    entry.timers = {};
  }
}
