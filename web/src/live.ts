/**
 * The live link: one socket.io connection for statuses, outages, acknowledgements and frames. Remembers the
 * cameras on screen and sends them again on every reconnect; a hidden tab unwatches (no frames
 * spent on a phone in a pocket) and watches again when shown. Frames arrive as binary JPEG and
 * become object URLs; each is acknowledged so the server can send the next, newest one.
 * The connection state is the truth the banner shows: the server pings every few seconds, so a
 * silent drop is noticed within ten; the phone's own offline and online events act at once, and
 * retries are a few seconds apart, so "connected" comes back soon after the network does.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AckEvent,
  ClientToServerEvents,
  FrameMeta,
  LiveEndEvent,
  LiveFragmentMeta,
  LiveInitMeta,
  LiveStartAnswer,
  LiveStartRequest,
  OutageEvent,
  ServerToClientEvents,
  StatusEvent,
  WatchRequest,
} from '../../src/realtime/contract';

/** Where live video's messages go: the one player on screen. */
export interface VideoHandler {
  init(meta: LiveInitMeta, data: ArrayBuffer): void;
  fragment(meta: LiveFragmentMeta, data: ArrayBuffer, ack: () => void): void;
  end(event: LiveEndEvent): void;
}

export interface Frame {
  url: string;
  /** Capture time at the camera, epoch ms. */
  at: number;
  size: FrameMeta['size'];
}

export type LiveEvent =
  | { type: 'status'; event: StatusEvent }
  | { type: 'statuses' }
  | { type: 'outage'; event: OutageEvent }
  | { type: 'ack'; event: AckEvent }
  | { type: 'frame'; cameraId: string; frame: Frame }
  | { type: 'connection'; connected: boolean }
  /** The server ended or refused the connection and socket.io will not retry by itself: signed out, or restarting. */
  | { type: 'ended' };

class Live {
  readonly statuses = new Map<string, StatusEvent>();
  readonly frames = new Map<string, Frame>();
  connected = false;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  private wanted: WatchRequest | null = null;
  private readonly listeners = new Set<(e: LiveEvent) => void>();
  private readonly retired: string[] = [];
  private visibilityHooked = false;
  private video: VideoHandler | undefined;

  start(): void {
    if (this.socket) return;
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket', 'polling'], reconnectionDelay: 500, reconnectionDelayMax: 3000 });
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
      this.emit({ type: 'connection', connected: true });
      this.sendWatch();
    });
    socket.on('disconnect', (reason) => {
      this.connected = false;
      this.emit({ type: 'connection', connected: false });
      if (reason === 'io server disconnect') this.emit({ type: 'ended' });
    });
    socket.on('connect_error', () => {
      if (!socket.active) this.emit({ type: 'ended' });
    });
    socket.on('statuses', (all) => {
      for (const s of all) this.statuses.set(s.cameraId, s);
      this.emit({ type: 'statuses' });
    });
    socket.on('status', (event) => {
      this.statuses.set(event.cameraId, event);
      this.emit({ type: 'status', event });
    });
    socket.on('outage', (event) => this.emit({ type: 'outage', event }));
    socket.on('ack', (event) => this.emit({ type: 'ack', event }));
    socket.on('frame', (meta, data, ack) => {
      ack();
      const previous = this.frames.get(meta.cameraId);
      if (previous && previous.at >= meta.at && previous.size === meta.size) return;
      const frame: Frame = { url: URL.createObjectURL(new Blob([data as BlobPart], { type: 'image/jpeg' })), at: meta.at, size: meta.size };
      this.frames.set(meta.cameraId, frame);
      if (previous) this.retire(previous.url);
      this.emit({ type: 'frame', cameraId: meta.cameraId, frame });
    });
    socket.on('live:init', (meta, data) => this.video?.init(meta, data as ArrayBuffer));
    socket.on('live:fragment', (meta, data, ack) => {
      if (this.video) this.video.fragment(meta, data as ArrayBuffer, ack);
      else ack();
    });
    socket.on('live:end', (event) => this.video?.end(event));
    if (!this.visibilityHooked) {
      this.visibilityHooked = true;
      document.addEventListener('visibilitychange', () => {
        if (document.hidden) this.socket?.emit('unwatch');
        else this.sendWatch();
      });
      // The phone knows before any ping does: drop the link now (socket.io retries by itself)…
      window.addEventListener('offline', () => this.socket?.io.engine?.close());
      // …and when the network is back, retries (at most 3 s apart) find the server soon.
      window.addEventListener('online', () => {
        if (this.socket && !this.socket.connected) this.socket.connect();
      });
    }
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = undefined;
    this.connected = false;
    this.statuses.clear();
  }

  /** Connects again after the server ended the connection (it was restarting, not signing us out). */
  reconnect(): void {
    this.socket?.connect();
  }

  /** The cameras on screen now; replaces the previous set. */
  watch(request: WatchRequest | null): void {
    this.wanted = request && request.cameraIds.length ? request : null;
    this.sendWatch();
  }

  /** Starts live video on this socket; its messages go to `handler` until videoStop(). */
  videoStart(request: LiveStartRequest, handler: VideoHandler): Promise<LiveStartAnswer | undefined> {
    this.video = handler;
    const socket = this.socket;
    if (!socket?.connected) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => resolve(undefined), 10_000);
      socket.emit('live:start', request, (answer) => {
        window.clearTimeout(timer);
        resolve(answer);
      });
    });
  }

  videoRenew(): void {
    this.socket?.emit('live:renew');
  }

  videoStop(): void {
    this.video = undefined;
    this.socket?.emit('live:stop');
  }

  on(listener: (e: LiveEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private sendWatch(): void {
    if (!this.socket?.connected || document.hidden) return;
    if (this.wanted) this.socket.emit('watch', this.wanted);
    else this.socket.emit('unwatch');
  }

  private emit(e: LiveEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Object URLs are released a little later: an <img> may still be swapping to the new one. */
  private retire(url: string): void {
    this.retired.push(url);
    while (this.retired.length > 64) URL.revokeObjectURL(this.retired.shift()!);
    setTimeout(() => {
      const i = this.retired.indexOf(url);
      if (i >= 0) this.retired.splice(i, 1);
      URL.revokeObjectURL(url);
    }, 5000);
  }
}

export const live = new Live();
