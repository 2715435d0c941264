/**
 * The last good picture of each camera: the newest frame whose image check judged it fine,
 * with the time the camera took it. When a camera turns black or frozen, its newest picture is
 * the bad one; this is what it looked like when it last worked, for the dark-now card, the
 * camera page and alert messages. Kept in memory (about 45 KB a camera, capped): a restart
 * forgets them until the next good image round. Frames for viewers are never offered here:
 * only the image checks judge pictures.
 *
 * Scaling a picture for phones costs several times the check that judged it, so a good picture
 * is taken (`judged` says when) only when none is kept or the kept one is `refreshMs` old: the
 * picture shown for a camera that turned bad is then at most that much older than its last good
 * check, and says when it was taken.
 */
import type { CapturedFrame } from '../probes/index.js';

export interface GoodPicture {
  jpeg: Buffer;
  thumbJpeg: Buffer;
  /** When the camera took it, epoch ms. */
  at: number;
}

export class GoodPictures {
  private readonly pictures = new Map<string, GoodPicture>();
  /**
   * Cameras whose newest judged picture was bad: theirs are the pictures worth keeping. A
   * camera whose picture is fine shows the same frame as its newest anyway (the buffers are
   * shared with the viewers' cache), so the cap drops those first; otherwise a large fleet's
   * good rounds would push out, within minutes, the one picture a dark camera still has.
   */
  private readonly bad = new Set<string>();

  /**
   * @param max Cameras whose picture is kept; beyond it the least recently judged is dropped.
   * @param refreshMs A good picture replaces the kept one once that is this old. @defaultValue 1 h
   */
  constructor(
    private readonly max = 1000,
    private readonly refreshMs = 60 * 60_000,
  ) {}

  /**
   * An image check judged this camera's picture taken at `at` (`ok`: fine). True when that
   * picture should be offered: it is good and nothing newer than `refreshMs` before it is kept.
   */
  judged(cameraId: string, at: number, ok: boolean): boolean {
    const current = this.pictures.get(cameraId);
    if (current && current.at >= at) return false;
    if (!ok) {
      this.bad.add(cameraId);
      return false;
    }
    this.bad.delete(cameraId);
    return !current || at - current.at >= this.refreshMs;
  }

  /** A frame an image check judged (`ok`: fine); only a good, newer one is kept. */
  offer(cameraId: string, frame: Pick<CapturedFrame, 'jpeg' | 'thumbJpeg' | 'at'>, ok: boolean): void {
    const current = this.pictures.get(cameraId);
    if (current && current.at >= frame.at) return;
    if (!ok) {
      this.bad.add(cameraId);
      return;
    }
    this.bad.delete(cameraId);
    // Re-inserting keeps the map in update order, oldest first, for eviction.
    this.pictures.delete(cameraId);
    this.pictures.set(cameraId, { jpeg: frame.jpeg, thumbJpeg: frame.thumbJpeg, at: frame.at });
    this.evict();
  }

  /** Down to `max`: fine cameras' pictures first, oldest first; dark cameras' only if they alone are too many. */
  private evict(): void {
    if (this.pictures.size <= this.max) return;
    for (const id of this.pictures.keys()) {
      if (this.pictures.size <= this.max) return;
      if (!this.bad.has(id)) this.pictures.delete(id);
    }
    for (const id of this.pictures.keys()) {
      if (this.pictures.size <= this.max) return;
      this.pictures.delete(id);
    }
  }

  get(cameraId: string): GoodPicture | undefined {
    return this.pictures.get(cameraId);
  }

  forget(cameraId: string): void {
    this.pictures.delete(cameraId);
    this.bad.delete(cameraId);
  }
}
