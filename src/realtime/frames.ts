/**
 * Sends one socket the frames of the cameras it watches, newest only. Each camera has at most
 * one frame in flight per socket, released by the client's ack (or a timeout); a frame that
 * arrives meanwhile replaces the one waiting, so a slow phone gets the newest picture when it
 * is ready for one and never a backlog. Frames faster than the socket's own cadence (another
 * viewer asked for live video of the same camera) are skipped.
 */
import type { Socket } from 'socket.io';
import type { CachedFrame, FrameSize } from '../services/snapshots.js';
import type { FrameMeta } from './contract.js';

export interface FramePipeOptions {
  /** How long a sent frame may go unacknowledged before the next may go. @defaultValue 15_000 */
  ackTimeoutMs?: number;
  /** Told of every frame sent, with its size: the viewing record counts the bytes. */
  onSent?: (cameraId: string, bytes: number) => void;
}

export class FramePipe {
  private readonly inFlight = new Set<string>();
  private readonly waiting = new Map<string, CachedFrame>();
  private readonly lastSent = new Map<string, number>();
  private watched = new Set<string>();
  private size: FrameSize = 'thumb';
  private intervalMs = 10_000;

  constructor(
    private readonly socket: Pick<Socket, 'timeout' | 'connected'>,
    private readonly options: FramePipeOptions = {},
  ) {}

  /** Replaces the watch set; frames of cameras dropped from it are forgotten. */
  watch(cameraIds: Iterable<string>, size: FrameSize, intervalMs: number): void {
    const next = new Set(cameraIds);
    const sizeChanged = size !== this.size;
    for (const id of this.watched) if (!next.has(id) || sizeChanged) this.drop(id);
    this.watched = next;
    this.size = size;
    this.intervalMs = intervalMs;
  }

  unwatch(cameraId?: string): void {
    if (cameraId === undefined) {
      for (const id of this.watched) this.drop(id);
      this.watched.clear();
      return;
    }
    this.watched.delete(cameraId);
    this.drop(cameraId);
  }

  watching(): ReadonlySet<string> {
    return this.watched;
  }

  currentSize(): FrameSize {
    return this.size;
  }

  /** A new frame of some camera. Sent, queued as the newest, or ignored. */
  push(frame: CachedFrame): void {
    const id = frame.cameraId;
    if (!this.watched.has(id)) return;
    // Taken while only thumbnails were wanted: the next frame, taken for this socket too, has the full picture.
    if (this.size === 'full' && !frame.jpeg) return;
    const last = this.lastSent.get(id);
    if (last !== undefined && frame.at <= last) return;
    // 80 %: cadences jitter, and a frame a little early is better than one a whole period late.
    if (last !== undefined && frame.at - last < this.intervalMs * 0.8) return;
    if (this.inFlight.has(id)) {
      this.waiting.set(id, frame);
      return;
    }
    this.send(frame);
  }

  /** Forgets the frame of this camera waiting to be sent (it is out of date: its privacy mask changed). */
  discard(cameraId: string): void {
    this.waiting.delete(cameraId);
  }

  private send(frame: CachedFrame): void {
    const id = frame.cameraId;
    const jpeg = this.size === 'thumb' ? frame.thumbJpeg : frame.jpeg;
    if (!jpeg) return; // push() lets none through
    const meta: FrameMeta = { cameraId: id, at: frame.at, size: this.size, width: frame.width, height: frame.height, bytes: jpeg.length };
    this.inFlight.add(id);
    this.lastSent.set(id, frame.at);
    this.options.onSent?.(id, jpeg.length);
    this.socket.timeout(this.options.ackTimeoutMs ?? 15_000).emit('frame', meta, jpeg, () => {
      // Ack or timeout: either way the socket may take the next (newest) frame now.
      this.inFlight.delete(id);
      const next = this.waiting.get(id);
      this.waiting.delete(id);
      if (next && this.socket.connected) this.push(next);
    });
  }

  private drop(cameraId: string): void {
    this.waiting.delete(cameraId);
    this.lastSent.delete(cameraId);
    // An in-flight frame stays counted until its ack, so a re-watch cannot pile up a second one.
  }
}
