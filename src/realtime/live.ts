/**
 * Live video on a socket: `live:start` (checked against the live gate), `live:renew`,
 * `live:stop`, and the viewer that paces one socket's fragments. Each fragment waits for the
 * client's ack; when the oldest unacknowledged one is older than `maxBacklogMs` the link is
 * slower than the stream, so whole fragments are dropped until the next key frame (the picture
 * skips ahead instead of falling further behind) and the next fragment sent says how many were
 * skipped. A live view ends by itself `maxMs` after its start or last renewal.
 * Must not pull cameras itself (services/live-relay.ts does) nor decide rights (the gate does).
 */
import type { Socket } from 'socket.io';
import type { InitSegment, MediaFragment } from '../protocols/stream/index.js';
import type { LiveGate, ViewingRecord } from '../services/live-gate.js';
import type { LiveEndReason, LiveRelay, LiveSink, StreamChoice } from '../services/live-relay.js';
import type { Principal } from '../services/auth.js';
import type { ClientToServerEvents, LiveStartRequest, ServerToClientEvents } from './contract.js';

export interface LiveSettings {
  relay: LiveRelay;
  gate: LiveGate;
  /** A live view ends by itself this long after its start or last renewal, ms. */
  maxMs: number;
  fallbackFps: number;
  maxBacklogMs: number;
  /**
   * Cameras with a privacy mask: never pulled as video (a remux cannot black anything out);
   * their live view is the masked JPEG frames. @defaultValue none
   */
  masked?: ((cameraId: string) => boolean) | undefined;
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal }>;

/** One socket watching one camera live. */
export class LiveViewer implements LiveSink {
  private readonly unacked: number[] = [];
  private started = false;
  private skipping = false;
  private skipped = 0;
  private bytes = 0;
  private expiry: NodeJS.Timeout | undefined;
  private record: ViewingRecord | undefined;
  ended = false;

  constructor(
    private readonly socket: Pick<LiveSocket, 'emit' | 'timeout' | 'connected'>,
    readonly cameraId: string,
    readonly stream: StreamChoice,
    private readonly settings: Pick<LiveSettings, 'maxMs' | 'maxBacklogMs'>,
    private readonly onEnd: (viewer: LiveViewer, reason: LiveEndReason) => void,
  ) {
    this.renew();
  }

  recordWith(record: ViewingRecord): void {
    this.record = record;
  }

  renew(): void {
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.end('expired'), this.settings.maxMs);
    this.expiry.unref();
  }

  get bytesSent(): number {
    return this.bytes;
  }

  init(init: InitSegment, stream: StreamChoice): void {
    if (this.ended) return;
    // A new init (a reconnection) needs a key frame before anything decodes.
    this.started = false;
    this.bytes += init.data.length;
    this.socket.emit('live:init', { cameraId: this.cameraId, mime: `video/mp4; codecs="${init.codec}"`, stream, width: init.width, height: init.height, bytes: init.data.length }, init.data);
  }

  fragment(fragment: MediaFragment): void {
    if (this.ended) return;
    if (!this.started && !fragment.keyframe) return;
    const now = performance.now();
    const oldest = this.unacked[0];
    const behind = oldest !== undefined && now - oldest > this.settings.maxBacklogMs;
    if (behind || (this.skipping && !fragment.keyframe)) {
      this.skipping = true;
      this.skipped++;
      return;
    }
    this.started = true;
    const skipped = this.skipped;
    this.skipping = false;
    this.skipped = 0;
    this.unacked.push(now);
    this.bytes += fragment.data.length;
    this.socket
      .timeout(15_000)
      .emit('live:fragment', { cameraId: this.cameraId, keyframe: fragment.keyframe, skipped, bytes: fragment.data.length }, fragment.data, () => {
        // Acks come in order; a timed-out one counts as taken, so a dead client cannot stall forever.
        this.unacked.shift();
      });
  }

  end(reason: LiveEndReason): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    this.record?.ended(this.bytes, reason);
    if (this.socket.connected) this.socket.emit('live:end', { cameraId: this.cameraId, reason });
    this.onEnd(this, reason);
  }

  /** Ends without telling the client (it asked, or it is gone). */
  close(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    this.record?.ended(this.bytes, reason);
  }
}

function parseStart(raw: unknown): { cameraId: string; stream: StreamChoice } | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { cameraId, stream } = raw as Partial<LiveStartRequest>;
  if (typeof cameraId !== 'string' || !cameraId || cameraId.length > 100) return undefined;
  if (stream !== undefined && stream !== 'main' && stream !== 'sub') return undefined;
  return { cameraId, stream: stream ?? 'sub' };
}

/** Wires one socket's live events; returns `recheck` (access changed) and `close` (disconnect). */
export function liveOnSocket(socket: LiveSocket, settings: LiveSettings): { recheck(): void; close(): void } {
  let viewer: LiveViewer | undefined;
  const { relay, gate } = settings;

  const stop = (reason: string) => {
    if (!viewer) return;
    relay.leave(viewer.cameraId, viewer);
    viewer.close(reason);
    viewer = undefined;
  };

  socket.on('live:start', (raw, ack) => {
    const reply = typeof ack === 'function' ? ack : () => undefined;
    const request = parseStart(raw);
    const base = { maxMs: settings.maxMs, fallbackFps: settings.fallbackFps };
    if (!request) return reply({ ok: false, error: 'bad_request', ...base });
    if (!gate.mayWatchLive(socket.data.principal, request.cameraId)) return reply({ ok: false, error: 'denied', ...base });
    if (settings.masked?.(request.cameraId)) {
      stop('replaced');
      return reply({ ok: false, error: 'masked', ...base });
    }
    stop('replaced');
    const v = new LiveViewer(socket, request.cameraId, request.stream, settings, (ended) => {
      relay.leave(ended.cameraId, ended);
      if (viewer === ended) viewer = undefined;
    });
    viewer = v;
    v.recordWith(
      gate.started({
        userId: socket.data.principal.user.id,
        cameraId: request.cameraId,
        kind: 'live',
        stream: request.stream,
        address: socket.handshake.address,
        client: String(socket.handshake.headers['user-agent'] ?? '').slice(0, 200),
      }),
    );
    reply({ ok: true, ...base });
    relay.join(request.cameraId, request.stream, v);
  });

  socket.on('live:renew', (ack) => {
    viewer?.renew();
    if (typeof ack === 'function') ack({ ok: viewer !== undefined, maxMs: settings.maxMs });
  });

  socket.on('live:stop', (ack) => {
    stop('left');
    if (typeof ack === 'function') ack();
  });

  return {
    recheck() {
      if (viewer && !gate.mayWatchLive(socket.data.principal, viewer.cameraId)) viewer.end('denied');
      else if (viewer && settings.masked?.(viewer.cameraId)) viewer.end('masked');
    },
    close: () => stop('disconnected'),
  };
}
