/**
 * Socket.io clients for the realtime tests: sign in over REST like a browser, then connect
 * with the session cookie, and record every event that arrives.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, FrameMeta, OutageEvent, ServerToClientEvents, StatusEvent, WatchAnswer, WatchRequest } from '../../src/realtime/contract.js';

export type PantauSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function sessionCookie(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username}: ${res.status}`);
  const pair = res.headers.get('set-cookie')?.split(';')[0];
  if (!pair) throw new Error('no session cookie');
  return pair;
}

export interface ReceivedFrame {
  meta: FrameMeta;
  data: unknown;
  receivedAt: number;
}

/** A connected socket and everything it heard. `ackFrames: false` plays a phone that never keeps up. */
export class RecordingClient {
  readonly socket: PantauSocket;
  readonly statuses: StatusEvent[] = [];
  readonly snapshots: StatusEvent[][] = [];
  readonly outages: OutageEvent[] = [];
  readonly frames: ReceivedFrame[] = [];
  connects = 0;
  ackFrames = true;
  /** Re-sent on every (re)connect, as the dashboard does. */
  watchSet: WatchRequest | undefined;

  constructor(baseUrl: string, cookie?: string, extraHeaders: Record<string, string> = {}) {
    this.socket = io(baseUrl, {
      transports: ['websocket'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 500,
      extraHeaders: { ...(cookie ? { cookie } : {}), ...extraHeaders },
      autoConnect: false,
    });
    this.socket.on('connect', () => {
      this.connects++;
      if (this.watchSet) this.socket.emit('watch', this.watchSet);
    });
    this.socket.on('statuses', (all) => this.snapshots.push(all));
    this.socket.on('status', (e) => this.statuses.push(e));
    this.socket.on('outage', (e) => this.outages.push(e));
    this.socket.on('frame', (meta, data, ack) => {
      this.frames.push({ meta, data, receivedAt: Date.now() });
      if (this.ackFrames) ack();
    });
  }

  /** Resolves when connected; rejects with the server's reason when refused. */
  connect(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => resolve(this));
      this.socket.once('connect_error', (err) => reject(err));
      this.socket.connect();
    });
  }

  watch(request: WatchRequest): Promise<WatchAnswer> {
    this.watchSet = request;
    return new Promise((resolve) => this.socket.emit('watch', request, resolve));
  }

  unwatch(): Promise<void> {
    this.watchSet = undefined;
    return new Promise((resolve) => this.socket.emit('unwatch', resolve));
  }

  framesOf(cameraId: string): ReceivedFrame[] {
    return this.frames.filter((f) => f.meta.cameraId === cameraId);
  }

  close(): void {
    this.socket.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
