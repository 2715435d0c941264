/**
 * Relays status changes and outages from the monitor to each camera's status room. Rounds come
 * every few seconds per camera but change little: an event goes out only when what a person
 * sees (status, since, reason, flapping) changes. Outages are read from flips the way the
 * store reads them: one opens when a camera goes bad, and closes when it is up or paused again.
 */
import type { Server } from 'socket.io';
import type { MachineState } from '../domain/status-machine.js';
import { isBad, type Flip } from '../domain/status.js';
import type { Monitor } from '../services/monitor.js';
import type { StatusView } from '../services/reports.js';
import type { Store } from '../store/index.js';
import type { OutageEvent, StatusEvent } from './contract.js';

export const statusRoom = (cameraId: string) => `cam:${cameraId}`;

export function statusEventOf(cameraId: string, view: Pick<StatusView, 'status' | 'since' | 'reason' | 'flapping'>): StatusEvent {
  return { cameraId, status: view.status, since: view.since, reason: view.reason, flapping: view.flapping };
}

function fromState(cameraId: string, state: MachineState): StatusEvent {
  return {
    cameraId,
    status: state.status,
    since: new Date(state.since).toISOString(),
    reason: state.reason,
    flapping: state.flap.flappingSince !== null,
  };
}

/** What a person sees of a status, as last sent; `since` in epoch ms, as the machine keeps it. */
interface Shown {
  status: string;
  since: number;
  reason: string;
  flapping: boolean;
}

export class StatusRelay {
  private readonly sent = new Map<string, Shown>();
  private readonly open = new Map<string, { start: number; cause: string }>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly io: Server,
    private readonly monitor: Monitor,
    store: Store,
  ) {
    for (const [cameraId, o] of store.flips.openOutages()) this.open.set(cameraId, o);
  }

  start(): void {
    const onRound = (cameraId: string, live: { state: MachineState }) => this.relay(cameraId, live.state);
    const onFlip = (flip: Flip, state: MachineState) => {
      this.outage(flip);
      this.relay(flip.cameraId, state);
    };
    const onFlapping = (cameraId: string) => {
      const live = this.monitor.status(cameraId);
      if (live) this.relay(cameraId, live.state);
    };
    this.monitor.on('round', onRound);
    this.monitor.on('flip', onFlip);
    this.monitor.on('flapping', onFlapping);
    this.unsubscribe.push(
      () => this.monitor.off('round', onRound),
      () => this.monitor.off('flip', onFlip),
      () => this.monitor.off('flapping', onFlapping),
    );
  }

  /** Sends a status now, even if unchanged (a camera that just became visible). */
  announce(event: StatusEvent): void {
    this.sent.set(event.cameraId, { status: event.status, since: Date.parse(event.since), reason: event.reason, flapping: event.flapping });
    this.io.to(statusRoom(event.cameraId)).emit('status', event);
  }

  forget(cameraId: string): void {
    this.sent.delete(cameraId);
    this.open.delete(cameraId);
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Every round of every camera comes here: compared field by field, an unchanged status costs no event, string or date. */
  private relay(cameraId: string, state: MachineState): void {
    const shown = this.sent.get(cameraId);
    const flapping = state.flap.flappingSince !== null;
    if (shown && shown.status === state.status && shown.since === state.since && shown.reason === state.reason && shown.flapping === flapping) return;
    this.announce(fromState(cameraId, state));
  }

  private outage(flip: Flip): void {
    const current = this.open.get(flip.cameraId);
    let event: OutageEvent | undefined;
    if (isBad(flip.to) && !current) {
      this.open.set(flip.cameraId, { start: flip.at, cause: flip.reason });
      event = outageEvent(flip.cameraId, 'opened', flip.at, null, flip.reason);
    } else if ((flip.to === 'up' || flip.to === 'paused') && current) {
      this.open.delete(flip.cameraId);
      event = outageEvent(flip.cameraId, 'closed', current.start, flip.at, current.cause);
    }
    if (event) this.io.to(statusRoom(flip.cameraId)).emit('outage', event);
  }
}

function outageEvent(cameraId: string, state: OutageEvent['state'], start: number, end: number | null, cause: string): OutageEvent {
  return {
    id: `${cameraId}:${start}`,
    cameraId,
    state,
    start: new Date(start).toISOString(),
    end: end === null ? null : new Date(end).toISOString(),
    cause,
  };
}
