/**
 * The last good picture of each camera: the newest frame whose image check judged it fine,
 * with the time the camera took it. When a camera turns black or frozen, its newest picture is
 * the bad one; this is what it looked like when it last worked, for the dark-now card, the
 * camera page and alert messages. Kept in memory (about 45 KB a camera, capped): a restart
 * forgets them until the next good image round. Frames for viewers are never offered here:
 * only the image checks judge pictures. A camera with a privacy mask has its picture masked
 * before `get` hands it out (the unmasked one stays inside, to be masked again when the mask
 * changes).
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

/** A masked copy of a picture, or undefined when the camera has no mask (see PrivacyMasks.frame). */
export type MaskPicture = (cameraId: string, picture: GoodPicture) => Promise<GoodPicture> | undefined;

interface Kept {
  /** What leaves: masked when the camera has a mask; undefined while it is being masked. */
  shown: GoodPicture | undefined;
  raw: GoodPicture;
}

export class GoodPictures {
  private readonly pictures = new Map<string, Kept>();
  /**
   * Cameras whose newest judged picture was bad: theirs are the pictures worth keeping. A
   * camera whose picture is fine shows the same frame as its newest anyway (the buffers are
   * shared with the viewers' cache), so the cap drops those first; otherwise a large fleet's
   * good rounds would push out, within minutes, the one picture a dark camera still has.
   */
  private readonly bad = new Set<string>();

  /**
   * @param max Cameras whose picture is kept; beyond it the least recently judged is dropped.
   * @param mask The privacy mask; without it pictures are handed out as taken.
   * @param refreshMs A good picture replaces the kept one once that is this old. @defaultValue 1 h
   */
  constructor(
    private readonly max = 1000,
    private readonly mask?: MaskPicture,
    private readonly refreshMs = 60 * 60_000,
  ) {}

  /**
   * An image check judged this camera's picture taken at `at` (`ok`: fine). True when that
   * picture should be offered: it is good and nothing newer than `refreshMs` before it is kept.
   */
  judged(cameraId: string, at: number, ok: boolean): boolean {
    const current = this.pictures.get(cameraId)?.raw;
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
    if (current && current.raw.at >= frame.at) return;
    if (!ok) {
      this.bad.add(cameraId);
      return;
    }
    this.bad.delete(cameraId);
    const raw = { jpeg: frame.jpeg, thumbJpeg: frame.thumbJpeg, at: frame.at };
    const masking = this.mask?.(cameraId, raw);
    // Until its masked copy is ready, the previous (masked) picture is still handed out.
    if (masking) this.whenMasked(cameraId, raw, masking);
    else this.put(cameraId, { shown: raw, raw });
  }

  /** The camera's privacy mask changed: its picture is masked again (and not handed out meanwhile). */
  remask(cameraId: string): void {
    const kept = this.pictures.get(cameraId);
    if (!kept) return;
    const masking = this.mask?.(cameraId, kept.raw);
    if (!masking) return void (kept.shown = kept.raw);
    kept.shown = undefined;
    this.whenMasked(cameraId, kept.raw, masking);
  }

  private whenMasked(cameraId: string, raw: GoodPicture, masking: Promise<GoodPicture>): void {
    masking.then(
      (shown) => {
        const now = this.pictures.get(cameraId);
        if (now && now.raw.at > raw.at) return;
        this.put(cameraId, { shown, raw });
      },
      // Nothing unmasked is handed out: a picture that cannot be masked is not kept.
      () => undefined,
    );
  }

  private put(cameraId: string, kept: Kept): void {
    // Re-inserting keeps the map in update order, oldest first, for eviction.
    this.pictures.delete(cameraId);
    this.pictures.set(cameraId, kept);
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
    return this.pictures.get(cameraId)?.shown;
  }

  forget(cameraId: string): void {
    this.pictures.delete(cameraId);
    this.bad.delete(cameraId);
  }
}
