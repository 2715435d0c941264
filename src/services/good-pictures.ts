/**
 * The last good picture of each camera: the newest frame whose image check judged it fine,
 * with the time the camera took it. When a camera turns black or frozen, its newest picture is
 * the bad one; this is what it looked like when it last worked, for the dark-now card, the
 * camera page and alert messages. Kept in memory (about 45 KB a camera, capped): a restart
 * forgets them until the next good image round. Frames for viewers are never offered here:
 * only the image checks judge pictures.
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

  /** @param max Cameras whose picture is kept; beyond it the least recently judged is dropped. */
  constructor(private readonly max = 1000) {}

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
