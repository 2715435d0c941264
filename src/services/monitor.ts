/**
 * The monitor: feeds probe results through each camera's status machine and stores what
 * follows — the flip (if any), the machine's new state when it changed, and the round itself
 * when its verdict differs from the last one — in one transaction. Every round is also counted
 * into a per-hour tally, written every minute (`flushChecks`): at 10 000 cameras a row and a
 * state write per check made most of the database and of the CPU, and told nothing new.
 * It alone decides statuses; listeners (realtime, alerts) hear about flips after they are stored.
 * On start it resumes every machine, recording the time Pantau was not running as `unknown`.
 * In queue mode a camera whose probes stopped arriving (no worker, no Redis) is suspended to
 * `unknown` the same way, and resumes where it stood with its first result after.
 */
import { EventEmitter } from 'node:events';
import { initialState, observe, type MachinePolicy, type MachineState, type MachineEvent } from '../domain/status-machine.js';
import { parseMachineState, resumeAfterRestart, stateFromLastFlip } from '../domain/restart.js';
import { sampleOf, tallySample, type CheckCount } from '../domain/rollup.js';
import { withLivenessOf, type Classification, type CoverageReason, type Flip, type LayerResults, type ProbeResult } from '../domain/status.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { ProbeKind } from '../store/probe-results.js';

const HEARTBEAT_MARKER = 'monitor.alive';
/** Restarts shorter than this leave no gap: a deploy should not fill the history with flips. */
const MIN_GAP_MS = 5_000;
const COVERAGE_REASONS: ReadonlySet<string> = new Set<CoverageReason>(['no_worker', 'queue_offline']);

export interface CameraLiveStatus {
  state: MachineState;
  /** The newest result of each layer, from liveness and image rounds. */
  layers: LayerResults;
  /** The latest round's own verdict (before debouncing). */
  lastRound: (Classification & { at: number }) | null;
}

export interface MonitorEvents {
  flip: [Flip, MachineState];
  round: [string, CameraLiveStatus];
  flapping: [string, MachineEvent];
}

export interface MonitorOptions {
  now?: () => number;
  /** @defaultValue 15 000 */
  heartbeatMs?: number;
  /** Hours of the check tally follow local time (as rollups do). @defaultValue 0 */
  tzOffsetMinutes?: number;
}

export class Monitor extends EventEmitter<MonitorEvents> {
  private readonly live = new Map<string, CameraLiveStatus>();
  /** Cameras without probe coverage, with the machine to resume when results flow again. */
  private readonly suspended = new Map<string, MachineState>();
  /** Checks counted since the last flush, per camera and hour. */
  private readonly tally = new Map<string, CheckCount>();
  /** Cameras whose stored state lacks only the newest probe time (written at stop). */
  private readonly probeTimeUnsaved = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  /** Rounds not stored since the last time that was logged. */
  private droppedRounds = 0;
  private droppedLoggedAt = -Infinity;
  private readonly now: () => number;
  private readonly heartbeatMs: number;
  private readonly tzOffsetMinutes: number;

  constructor(
    private readonly store: Store,
    private readonly policy: MachinePolicy,
    private readonly log: Logger,
    options: MonitorOptions = {},
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.tzOffsetMinutes = options.tzOffsetMinutes ?? 0;
  }

  /** Loads and resumes every camera's machine; starts the heartbeat that dates the next restart gap. */
  start(): void {
    const now = this.now();
    const stoppedAt = this.store.rollups.getMarker(HEARTBEAT_MARKER);
    const saved = this.store.flips.loadStates();
    let gaps = 0;
    this.store.cameras.transaction(() => {
      for (const camera of this.store.cameras.all()) {
        let state = parseMachineState(saved.get(camera.id));
        if (!state) {
          // No usable saved state (first start, or unreadable): the last flip says where it stood.
          const last = this.store.flips.last(camera.id);
          state = last ? stateFromLastFlip(camera.id, last, now) : initialState(camera.id, now, camera.enabled);
        }
        if (stoppedAt !== undefined && now - stoppedAt >= MIN_GAP_MS) {
          const resumed = resumeAfterRestart(state, stoppedAt, now);
          for (const flip of resumed.flips) this.store.flips.insert(flip);
          if (resumed.gap) gaps++;
          state = resumed.state;
        }
        this.live.set(camera.id, { state, layers: {}, lastRound: null });
        this.restoreSuspension(camera.id, state);
        this.store.flips.saveState(camera.id, state, now);
        this.syncEnabled(camera.id, camera.enabled);
      }
      this.store.rollups.setMarker(HEARTBEAT_MARKER, now);
    });
    if (gaps) this.log.info({ cameras: gaps, stoppedAt: new Date(stoppedAt!).toISOString() }, 'recorded the time Pantau was not running as unknown');
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Writes the tally, the newest probe times and the last heartbeat, so the next start knows exactly when this one stopped. */
  stop(): void {
    clearInterval(this.heartbeat);
    this.flushChecks();
    try {
      const now = this.now();
      this.store.cameras.transaction(() => {
        for (const id of this.probeTimeUnsaved) {
          const state = this.live.get(id)?.state;
          if (state) this.store.flips.saveState(id, state, now);
        }
      });
      this.probeTimeUnsaved.clear();
    } catch (err) {
      this.log.warn({ err }, 'could not save the newest probe times');
    }
    this.beat();
  }

  /**
   * Adds the checks counted since the last call to the store (the roller calls it every minute,
   * before rolling). If the write fails the tally is kept and retried: counts are never lost
   * while the process runs; a crash loses at most the last minute's counts (not statuses).
   */
  flushChecks(): void {
    if (this.tally.size === 0) return;
    try {
      this.store.checkCounts.addMany(this.tally.values());
      this.tally.clear();
    } catch (err) {
      this.log.warn({ err, pending: this.tally.size }, 'could not store check counts; will retry');
    }
  }

  status(cameraId: string): CameraLiveStatus | undefined {
    return this.live.get(cameraId);
  }

  /**
   * Whether a camera waits in `unknown` for its picture's first verdict (new or re-enabled):
   * its next liveness round should take the picture too. A camera not known yet is about to be.
   */
  awaitsPicture(cameraId: string): boolean {
    if (!this.policy.awaitAllLayers) return false;
    const state = this.live.get(cameraId)?.state;
    return !state || state.checked?.includes('image') === false;
  }

  /**
   * Applies one probe round. Results of deleted cameras are dropped: the registry forgets them
   * here, and one deleted behind Pantau's back (another process) is caught before anything is
   * written for it — not on every quiet round, where a lookup per check cost 1 % of a core.
   */
  record(result: ProbeResult, kind: ProbeKind): void {
    const current = this.live.get(result.cameraId);
    if (!current) return;
    const now = this.now();
    const saved = this.suspended.get(result.cameraId);
    let base = current.state;
    let resumed: Flip | undefined;
    if (saved) {
      // A round begun before coverage was lost proves nothing about coverage being back.
      if (result.at < current.state.since) return;
      resumed = { cameraId: result.cameraId, at: Math.max(now, current.state.since), from: 'unknown', to: saved.status, reason: 'monitor_resumed' };
      base = { ...saved, pending: null, lastProbeAt: current.state.lastProbeAt };
    }
    const judged = kind === 'image' ? withLivenessOf(result, current.layers) : result;
    const outcome = observe(base, { kind: 'probe', result: judged }, now, this.policy);
    const layers = { ...current.layers, ...result.layers };
    // Written out, not spread: a spread copy given one more property gets a hidden class of its
    // own in V8 (~0.2 KB per camera kept).
    const lastRound = outcome.classification ? { status: outcome.classification.status, reason: outcome.classification.reason, at: result.at } : current.lastRound;
    const next: CameraLiveStatus = { state: outcome.state, layers, lastRound };
    const { classification } = outcome;
    const sample = classification && sampleOf(result, classification);
    if (sample) tallySample(this.tally, sample, this.tzOffsetMinutes);
    // A round is kept when its verdict changed: the stored rounds show when and why a camera
    // started failing (or came back), layer by layer, without a row for every quiet check.
    const notable = classification && (classification.status !== current.lastRound?.status || classification.reason !== current.lastRound.reason);
    const stateChanged = resumed !== undefined || outcome.flip !== undefined || !sameButProbeTime(base, outcome.state);
    if (notable || stateChanged) {
      if (!this.store.cameras.exists(result.cameraId)) {
        this.forget(result.cameraId);
        return;
      }
      const write = () => this.store.cameras.transaction(() => {
        if (notable) {
          const latencies = Object.values(result.layers).map((l) => l?.latencyMs).filter((l): l is number => typeof l === 'number');
          this.store.probeResults.insert({
            cameraId: result.cameraId,
            at: result.at,
            kind,
            status: classification.status,
            reason: classification.reason,
            ok: classification.status === 'up',
            latencyMs: latencies.length ? Math.max(...latencies) : null,
            layers: result.layers,
          });
        }
        if (resumed) this.store.flips.insert(resumed);
        if (outcome.flip) this.store.flips.insert(outcome.flip);
        if (stateChanged) this.store.flips.saveState(result.cameraId, outcome.state, now);
      });
      if (!this.tryWrite(write, result.cameraId)) return;
    }
    // Resumed only once the resume is stored (a resume always changes the state, so it was written).
    if (saved) this.suspended.delete(result.cameraId);
    if (stateChanged) this.probeTimeUnsaved.delete(result.cameraId);
    else if (outcome.state.lastProbeAt !== base.lastProbeAt) this.probeTimeUnsaved.add(result.cameraId);
    this.live.set(result.cameraId, next);
    this.emit('round', result.cameraId, next);
    if (resumed) this.emit('flip', resumed, base);
    if (outcome.flip) this.emit('flip', outcome.flip, outcome.state);
    for (const event of outcome.events) this.emit('flapping', result.cameraId, event);
  }

  /**
   * Probe coverage of a camera was lost (queue mode: no live worker for its queue, or Redis
   * unreachable). Nothing is known about it any more, so it becomes `unknown` with that
   * reason — not `down`, the camera did nothing. Alerts hold, an open outage stays open, and
   * the first result after coverage returns resumes the machine where it stood. Returns
   * whether it was suspended now (not paused, not unknown already).
   */
  suspend(cameraId: string, reason: CoverageReason): boolean {
    const current = this.live.get(cameraId);
    const state = current?.state;
    if (!current || !state || state.status === 'paused' || state.status === 'unknown') return false;
    const now = this.now();
    const flip: Flip = { cameraId, at: Math.max(now, state.since), from: state.status, to: 'unknown', reason };
    const next: MachineState = { ...state, status: 'unknown', reason, since: flip.at, pending: null };
    this.store.cameras.transaction(() => {
      this.store.flips.insert(flip);
      this.store.flips.saveState(cameraId, next, now);
    });
    this.suspended.set(cameraId, state);
    this.live.set(cameraId, { ...current, state: next });
    this.emit('flip', flip, next);
    return true;
  }

  /** Whether a camera is suspended for lack of probe coverage. */
  isSuspended(cameraId: string): boolean {
    return this.suspended.has(cameraId);
  }

  /** A camera registered, enabled or disabled: pause or resume its machine. */
  syncEnabled(cameraId: string, enabled: boolean): void {
    this.store.cameras.transaction(() => this.stageEnabled(cameraId, enabled))();
  }

  /**
   * `syncEnabled` in two steps, for a caller that stores the camera itself: writes the machine's
   * state (and the pause or resume flip) now, in the caller's transaction, and returns what to
   * do once that transaction committed — change the machine in memory and tell listeners. So a
   * failed write (a full disk) leaves neither a camera without its machine nor a machine ahead
   * of the store.
   */
  stageEnabled(cameraId: string, enabled: boolean): () => void {
    const now = this.now();
    const known = this.live.get(cameraId);
    const current = known ?? { state: initialState(cameraId, now, true), layers: {}, lastRound: null };
    const outcome = observe(current.state, { kind: enabled ? 'enable' : 'disable' }, now, this.policy);
    if (outcome.flip) this.store.flips.insert(outcome.flip);
    if (outcome.flip || !known) this.store.flips.saveState(cameraId, outcome.flip ? outcome.state : current.state, now);
    return () => {
      if (!enabled) this.suspended.delete(cameraId);
      if (!outcome.flip) {
        if (!known) this.live.set(cameraId, current);
        return;
      }
      this.live.set(cameraId, { state: outcome.state, layers: enabled ? {} : current.layers, lastRound: null });
      this.emit('flip', outcome.flip, outcome.state);
    };
  }

  /** Cameras per status, for metrics. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = { up: 0, degraded: 0, down: 0, unknown: 0, paused: 0 };
    for (const { state } of this.live.values()) counts[state.status] = (counts[state.status] ?? 0) + 1;
    return counts;
  }

  forget(cameraId: string): void {
    this.live.delete(cameraId);
    this.suspended.delete(cameraId);
    this.probeTimeUnsaved.delete(cameraId);
  }

  /** After a restart during a coverage loss, the flips say where the camera stood before it. */
  private restoreSuspension(cameraId: string, state: MachineState): void {
    if (state.status !== 'unknown' || !COVERAGE_REASONS.has(state.reason)) return;
    const lost = this.store.flips.last(cameraId);
    if (!lost || lost.to !== 'unknown' || !COVERAGE_REASONS.has(lost.reason) || lost.from === 'paused' || lost.from === 'unknown') return;
    const { before } = this.store.flips.forWindow(cameraId, lost.at, lost.at + 1);
    this.suspended.set(cameraId, { ...state, status: lost.from, reason: before?.to === lost.from ? before.reason : lost.reason, since: before?.to === lost.from ? before.at : lost.at });
  }

  /**
   * Runs a write of one round; false when it failed (a full disk, the database locked). The round
   * is then dropped whole — nothing in memory moves past what the store holds — and the next
   * round of the camera tries again, so probing goes on and the stored history stays whole.
   * Logged at most once a minute, with how many were dropped: a full disk fails every round.
   */
  private tryWrite(write: () => void, cameraId: string): boolean {
    try {
      write();
      return true;
    } catch (err) {
      this.droppedRounds++;
      const now = this.now();
      if (now - this.droppedLoggedAt >= 60_000) {
        this.log.error({ err, cameraId, dropped: this.droppedRounds }, 'could not store probe rounds; dropped them, the next rounds try again');
        this.droppedLoggedAt = now;
        this.droppedRounds = 0;
      }
      return false;
    }
  }

  private beat(): void {
    try {
      this.store.rollups.setMarker(HEARTBEAT_MARKER, this.now());
    } catch (err) {
      this.log.warn({ err }, 'could not write the monitor heartbeat');
    }
  }
}

/**
 * Whether two states differ only in the newest probe time: then nothing worth a write per check
 * changed (the restart logic needs status, since, pending, image and flap; the probe time is
 * written at stop, and a crash only makes it a little old).
 */
function sameButProbeTime(a: MachineState, b: MachineState): boolean {
  if (a === b) return true;
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.since === b.since &&
    sameJson(a.pending, b.pending) &&
    sameJson(a.image, b.image) &&
    sameJson(a.flap, b.flap)
  );
}

/** The machine keeps unchanged parts by reference, so comparing text is rarely needed. */
function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
