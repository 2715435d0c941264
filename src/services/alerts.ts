/**
 * Alerts: feeds stored flips (by id, so none is missed or taken twice) and a periodic tick to
 * the pure alert policy, and writes what it decides — the alert and one delivery per recipient
 * contact — together with the policy's new state in one transaction. Sending is the sender's
 * job; a crash between deciding and sending leaves the deliveries in the outbox.
 * Flips are taken in batches, shortly after they are stored: the policy's state covers every
 * camera, so work per pass grows with the fleet, and one pass per flip would make a burst of
 * flips (a start, a district losing power) cost cameras × flips.
 */
import { EventEmitter } from 'node:events';
import {
  acknowledge,
  initialAlertState,
  onFlips,
  parseAlertState,
  sameAlertState,
  tick,
  type AlertAction,
  type AlertPolicy,
  type AlertState,
  type CameraFacts,
} from '../domain/alert-policy.js';
import type { Logger } from '../log.js';
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import type { Monitor } from './monitor.js';

/** The policy's state, when it changed without raising anything, is written at most this often. */
const STATE_SAVE_MS = 30_000;
/** Camera rows are read again at least this often, even if no change was announced. */
const ROWS_FRESH_MS = 60_000;

export interface AlertServiceOptions {
  policy: AlertPolicy;
  log: Logger;
  /** How often grace periods, group windows, reminders, escalations and mute ends are checked. @defaultValue 5000 */
  tickMs?: number;
  now?: () => number;
  /** Told when new deliveries were queued, so the sender need not wait for its next poll. */
  onQueued?: () => void;
  /**
   * How long a stored flip may wait so that flips stored meanwhile are taken in with it. Small
   * beside the grace period and the tick; large enough to batch a burst. @defaultValue 500
   */
  batchMs?: number;
}

/** An outage someone took on: who, and when (epoch ms). */
export interface Acknowledgement {
  outageId: string;
  cameraId: string;
  by: string;
  at: number;
}

export class AlertService {
  private readonly acks = new EventEmitter();
  private state: AlertState = initialAlertState();
  private lastFlip = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Timeout | undefined;
  /**
   * The state as last written, compared field by field, so a tick that changed nothing writes
   * (and serialises) nothing. The state covers every camera (megabytes for a large fleet):
   * rewriting it every few seconds would wear the small machine's flash for nothing.
   */
  private saved: { state: AlertState; lastFlip: number } | undefined;
  private savedAt = -Infinity;
  /** The facts built from the cameras' rows as last read, in the rows' order (see facts()). */
  private rows: { readAt: number; facts: Map<string, CameraFacts> } | undefined;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly monitor: Monitor,
    private readonly options: AlertServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    const saved = this.store.notifications.loadState();
    if (saved) {
      const parsed = parseAlertState(saved.state);
      if (parsed) {
        this.state = parsed;
        this.lastFlip = saved.lastFlip;
      } else {
        // An unreadable state is rebuilt from the flips: replaying gives the same keys, so nothing is sent twice.
        this.options.log.warn('alert state unreadable; rebuilding it from stored flips');
      }
    }
    this.ingest();
    this.monitor.on('flip', () => this.ingestSoon());
    this.timer = setInterval(() => this.safely(() => this.tick()), this.options.tickMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.pending);
    this.pending = undefined;
    this.safely(() => this.flush());
  }

  /** Takes in every flip stored since the last one seen. */
  ingest(): void {
    for (;;) {
      const flips = this.store.flips.since(this.lastFlip, 1000);
      if (flips.length === 0) return;
      let cameras = this.facts();
      // A camera this pass has not heard of yet: read the rows again before taking it as deleted.
      if (flips.some((f) => !cameras.has(f.cameraId))) {
        this.rows = undefined;
        cameras = this.facts();
      }
      const items = [];
      for (const flip of flips) {
        const facts = cameras.get(flip.cameraId);
        if (facts) items.push({ flip, camera: facts }); // else a deleted camera: its history went with it
      }
      const step = onFlips(this.state, items, this.options.policy);
      this.commit(step.state, flips[flips.length - 1]!.id, step.actions);
    }
  }

  /** One ingest for the flips stored within `batchMs` of each other; flips stay in the store meanwhile, so none is lost. */
  private ingestSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.safely(() => this.ingest());
    }, this.options.batchMs ?? 500);
    this.pending.unref();
  }

  tick(): void {
    this.ingest();
    const step = tick(this.state, this.facts(), this.now(), this.options.policy);
    this.commit(step.state, this.lastFlip, step.actions);
  }

  acknowledge(outageId: string, cameraId: string, by: string): boolean {
    const at = this.now();
    const next = acknowledge(this.state, outageId, by, at);
    // The state in memory moves only once the write committed: a failed one (a full disk) must
    // not stop reminders for an acknowledgement that was never stored.
    const fresh = this.store.cameras.transaction(() => {
      const stored = this.store.notifications.acknowledge(outageId, cameraId, by, at);
      this.store.notifications.saveState(next, this.lastFlip, at);
      return stored;
    });
    this.state = next;
    this.saved = undefined;
    // Told once stored, and only the first time: a second acknowledgement changes nothing shown.
    if (fresh) this.acks.emit('ack', { outageId, cameraId, by, at } satisfies Acknowledgement);
    return fresh;
  }

  /** Hears each outage acknowledged (by API or link), once it is stored. Returns how to stop. */
  onAcknowledged(listener: (ack: Acknowledgement) => void): () => void {
    this.acks.on('ack', listener);
    return () => this.acks.off('ack', listener);
  }

  /** The open outage of a camera as the policy tracks it, with its id. */
  openOutageId(cameraId: string): string | null {
    const track = this.state.cameras[cameraId];
    return track?.outageId ?? null;
  }

  get current(): AlertState {
    return this.state;
  }

  private commit(state: AlertState, lastFlip: number, actions: AlertAction[]): void {
    const now = this.now();
    let queued = 0;
    const changed = this.saved === undefined || this.saved.lastFlip !== lastFlip || !sameAlertState(this.saved.state, state);
    // Written with the actions it raised (one transaction), else at most every STATE_SAVE_MS:
    // what changed meanwhile is replayed from the stored flips after a crash, with the same keys.
    const write = changed && (actions.length > 0 || this.saved === undefined || now - this.savedAt >= STATE_SAVE_MS);
    this.store.cameras.transaction(() => {
      for (const action of actions) {
        if (!this.store.notifications.insertAlert(action, action.kind)) continue;
        for (const contact of this.recipients(action)) {
          this.store.notifications.enqueue(action.key, contact.id, contact.channel, now);
          queued++;
        }
      }
      if (write) this.store.notifications.saveStateText(JSON.stringify(state), lastFlip, now);
    });
    if (write) {
      this.saved = { state, lastFlip };
      this.savedAt = now;
    }
    this.state = state;
    this.lastFlip = lastFlip;
    if (actions.length) this.options.log.info({ alerts: actions.map((a) => a.key), deliveries: queued }, 'alerts raised');
    if (queued) this.options.onQueued?.();
  }

  /** Writes the state if it changed since it was last written (at stop). */
  private flush(): void {
    if (this.saved !== undefined && this.saved.lastFlip === this.lastFlip && sameAlertState(this.saved.state, this.state)) return;
    this.store.notifications.saveStateText(JSON.stringify(this.state), this.lastFlip, this.now());
    this.saved = { state: this.state, lastFlip: this.lastFlip };
  }

  /** Owners of the cameras an action speaks of (escalations: the agencies' heads); admins when nobody else. */
  private recipients(action: AlertAction) {
    const cameraIds = new Set<string>();
    const walk = (cams: AlertAction['cameras']) => cams.forEach((c) => (cameraIds.add(c.cameraId), walk(c.behind)));
    walk(action.cameras);
    const cameras = [...cameraIds].map((id) => this.store.cameras.get(id)).filter((c): c is Camera => c !== undefined);
    const users = this.store.users.list().filter((u) => !u.disabled);
    let userIds: string[];
    if (action.kind === 'escalation') {
      const agencies = new Set(cameras.map((c) => c.agency));
      userIds = users.filter((u) => u.headOf.some((a) => agencies.has(a))).map((u) => u.id);
    } else {
      userIds = [...new Set(cameras.flatMap((c) => c.owners))];
    }
    if (userIds.length === 0) userIds = users.filter((u) => u.role === 'admin').map((u) => u.id);
    return this.store.contacts.forUsers(userIds);
  }

  /** The camera rows changed (an edit, an import, a deletion): facts are read again at the next pass. */
  camerasChanged(): void {
    this.rows = undefined;
  }

  /**
   * Every camera's facts, as the policy wants them. The rows are read from the store only after
   * a camera changed (or once a minute, whatever told us), and a camera's facts object is kept
   * while its mutes and flapping stay the same: a pass over 10 000 cameras every 5 s then reads
   * and allocates next to nothing, and the policy sees unchanged facts as unchanged.
   */
  private facts(): Map<string, CameraFacts> {
    const now = this.now();
    if (!this.rows || now - this.rows.readAt >= ROWS_FRESH_MS) this.rows = { readAt: now, facts: this.readFacts(this.rows?.facts) };
    const mutes = this.store.contacts.activeMutes(now);
    const cameraMute = new Map<string, number>();
    const siteMute = new Map<string, number>();
    for (const m of mutes) {
      if (m.cameraId) cameraMute.set(m.cameraId, Math.max(cameraMute.get(m.cameraId) ?? 0, m.until));
      if (m.site) siteMute.set(m.site, Math.max(siteMute.get(m.site) ?? 0, m.until));
    }
    const { facts } = this.rows;
    for (const known of facts.values()) {
      const mutedUntil = cameraMute.get(known.id) ?? null;
      const siteMutedUntil = siteMute.get(known.site) ?? null;
      const flappingSince = this.monitor.status(known.id)?.state.flap.flappingSince ?? null;
      if (known.mutedUntil === mutedUntil && known.siteMutedUntil === siteMutedUntil && known.flappingSince === flappingSince) continue;
      // Replacing the value of a key already there keeps the map's order.
      facts.set(known.id, { id: known.id, site: known.site, agency: known.agency, parentId: known.parentId, graceSec: known.graceSec, mutedUntil, siteMutedUntil, flappingSince });
    }
    return facts;
  }

  /**
   * Facts of every camera row, with mutes and flapping still to be filled in by facts(). Only
   * the facts are kept, not the rows: a camera whose row did not change keeps its facts object
   * (and the strings in it), so the rows read once a minute are garbage at once instead of a
   * second copy of every camera's id, site and agency.
   */
  private readFacts(previous: Map<string, CameraFacts> | undefined): Map<string, CameraFacts> {
    const facts = new Map<string, CameraFacts>();
    for (const c of this.store.cameras.summaries()) {
      const known = previous?.get(c.id);
      const same = known && known.site === c.site && known.agency === c.agency && known.parentId === c.parentId && known.graceSec === c.alertGraceSec;
      facts.set(c.id, same ? known : { id: c.id, site: c.site, agency: c.agency, parentId: c.parentId, graceSec: c.alertGraceSec, mutedUntil: null, siteMutedUntil: null, flappingSince: null });
    }
    return facts;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log.error({ err }, 'alert processing failed; will retry on the next tick');
    }
  }
}
