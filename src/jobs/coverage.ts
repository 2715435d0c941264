/**
 * Probe coverage in queue mode: which lanes have a live worker (from heartbeats), and what
 * that means for cameras. A lane that has cameras but no worker for longer than the grace, or
 * a Redis the server cannot reach for that long, leaves its cameras without probes: they are
 * suspended to `unknown` (reason `no_worker` / `queue_offline`), never `down`. Admins learn it
 * from the log (once per loss and once when it ends), the metrics
 * (`pantau_queue_workers{lane}`, `pantau_queue_lanes_without_worker`, `pantau_queue_reachable`)
 * , each camera's status reason, and a notice through the alert outbox (`notify`). Cameras
 * resume with their first result.
 */
import { Gauge, type Registry } from 'prom-client';
import type { CoverageReason } from '../domain/status.js';
import type { Logger } from '../log.js';
import type { LaneCoverage } from './job-queue.js';

export interface CoverageOptions {
  /** Live consumers per lane; throws when Redis cannot be asked. */
  coverage: () => Promise<LaneCoverage>;
  /** Enabled cameras by the lane their probes ride. */
  cameraLanes: () => Map<string, string[]>;
  suspend: (cameraId: string, reason: CoverageReason) => boolean;
  /** Lanes worth reporting even without cameras (the default lane, configured site lanes). */
  knownLanes: readonly string[];
  graceMs: number;
  everyMs: number;
  /**
   * After Redis was unreachable, how much later than the server a worker may reconnect (its
   * reconnection backoff). Redis may have lost every heartbeat, so a lane's grace starts only
   * once its workers could have beaten again.
   */
  reconnectAllowanceMs?: number;
  log: Logger;
  registry?: Registry;
  now?: () => number;
  /** Told once when coverage is lost and once when it is back; `lane` is absent for Redis itself. */
  notify?: (event: CoverageEvent) => void;
}

export interface CoverageEvent {
  type: 'lost' | 'back';
  reason: CoverageReason;
  lane?: string;
  cameras: number;
  /** When the loss began (the same for its `lost` and `back` events). */
  since: number;
  at: number;
}

export class CoverageWatch {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private unreachableSince: number | undefined;
  /** Lanes are not judged before this: workers are still reconnecting after a queue outage. */
  private lanesJudgedFrom = 0;
  private offlineAnnounced: number | undefined;
  private readonly missingSince = new Map<string, number>();
  /** Lanes whose loss was announced, with when it began. */
  private readonly announced = new Map<string, number>();
  private readonly now: () => number;
  private readonly workers: Gauge<'lane'> | undefined;
  private readonly uncovered: Gauge | undefined;
  private readonly reachable: Gauge | undefined;

  constructor(private readonly options: CoverageOptions) {
    this.now = options.now ?? Date.now;
    const registers = options.registry ? [options.registry] : [];
    if (options.registry) {
      this.workers = new Gauge({ name: 'pantau_queue_workers', help: 'Live workers taking each probe lane (queue mode)', labelNames: ['lane'] as const, registers });
      this.uncovered = new Gauge({ name: 'pantau_queue_lanes_without_worker', help: 'Probe lanes with cameras and no live worker past the grace', registers });
      this.reachable = new Gauge({ name: 'pantau_queue_reachable', help: '1 while the server can reach the queue (Redis)', registers });
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** One look; checks never overlap. */
  check(): Promise<void> {
    this.checking ??= this.look().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async look(): Promise<void> {
    const { log, graceMs } = this.options;
    let lanes: LaneCoverage;
    try {
      lanes = await this.options.coverage();
    } catch (err) {
      const now = this.now();
      this.unreachableSince ??= now;
      this.reachable?.set(0);
      if (now - this.unreachableSince < graceMs) return;
      let suspended = 0;
      for (const ids of this.options.cameraLanes().values()) for (const id of ids) if (this.options.suspend(id, 'queue_offline')) suspended++;
      if (this.offlineAnnounced === undefined) {
        this.offlineAnnounced = this.unreachableSince;
        log.error({ err: { message: err instanceof Error ? err.message : String(err) }, cameras: suspended, sinceMs: now - this.unreachableSince }, 'queue unreachable: no probe results can arrive, cameras are unknown until it is back');
        this.tell({ type: 'lost', reason: 'queue_offline', cameras: suspended, since: this.unreachableSince, at: now });
      }
      return;
    }
    this.reachable?.set(1);
    if (this.unreachableSince !== undefined) {
      this.missingSince.clear();
      this.lanesJudgedFrom = this.now() + (this.options.reconnectAllowanceMs ?? 0);
    }
    if (this.offlineAnnounced !== undefined) {
      log.info('queue reachable again: cameras resume with their next results');
      this.tell({ type: 'back', reason: 'queue_offline', cameras: 0, since: this.offlineAnnounced, at: this.now() });
    }
    this.unreachableSince = undefined;
    this.offlineAnnounced = undefined;

    const now = this.now();
    const byLane = this.options.cameraLanes();
    let without = 0;
    this.workers?.reset();
    for (const lane of new Set([...this.options.knownLanes, ...byLane.keys(), ...lanes.keys()])) {
      const live = lanes.get(lane) ?? 0;
      this.workers?.set({ lane }, live);
      const cameras = byLane.get(lane) ?? [];
      if (live > 0 || cameras.length === 0) {
        this.missingSince.delete(lane);
        const lostSince = this.announced.get(lane);
        if (lostSince !== undefined) {
          this.announced.delete(lane);
          log.info({ lane, workers: live }, 'a worker serves the lane again: its cameras resume with their next results');
          this.tell({ type: 'back', reason: 'no_worker', lane, cameras: cameras.length, since: lostSince, at: now });
        }
        continue;
      }
      if (now < this.lanesJudgedFrom) continue;
      const since = this.missingSince.get(lane) ?? now;
      this.missingSince.set(lane, since);
      if (now - since < graceMs) continue;
      without++;
      let suspended = 0;
      for (const id of cameras) if (this.options.suspend(id, 'no_worker')) suspended++;
      if (!this.announced.has(lane)) {
        this.announced.set(lane, since);
        log.error({ lane, cameras: cameras.length, suspended, sinceMs: now - since }, 'no worker serves this probe lane: its cameras are unknown (no_worker) until one does');
        this.tell({ type: 'lost', reason: 'no_worker', lane, cameras: cameras.length, since, at: now });
      }
    }
    this.uncovered?.set(without);
  }

  private tell(event: CoverageEvent): void {
    try {
      this.options.notify?.(event);
    } catch (err) {
      this.options.log.warn({ err }, 'could not queue the coverage notice');
    }
  }
}
