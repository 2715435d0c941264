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

  /** @param max Cameras whose picture is kept; beyond it the least recently judged is dropped. */
  constructor(private readonly max = 1000) {}

  /** A frame an image check judged (`ok`: fine); only a good, newer one is kept. */
  offer(cameraId: string, frame: Pick<CapturedFrame, 'jpeg' | 'thumbJpeg' | 'at'>, ok: boolean): void {
    if (!ok) return;
    const current = this.pictures.get(cameraId);
    if (current && current.at >= frame.at) return;
    // Re-inserting keeps the map in update order, oldest first, for eviction.
    this.pictures.delete(cameraId);
    this.pictures.set(cameraId, { jpeg: frame.jpeg, thumbJpeg: frame.thumbJpeg, at: frame.at });
    for (const id of this.pictures.keys()) {
      if (this.pictures.size <= this.max) break;
      this.pictures.delete(id);
    }
  }

  get(cameraId: string): GoodPicture | undefined {
    return this.pictures.get(cameraId);
  }

  forget(cameraId: string): void {
    this.pictures.delete(cameraId);
  }
}
