/**
 * Privacy masks in force: each camera's rectangles (set by admins, stored with who and when),
 * and the blacking out of a picture's masked rectangles with sharp. The picture caches that
 * hand pictures out (snapshots.ts for viewers, good-pictures.ts for the last good picture and
 * alerts) ask `frame` before they keep a picture, so every picture leaving Pantau is masked, and
 * masked once however many watch it. A camera with a mask has no live video: its live view is
 * JPEG frames from the same masked cache (realtime/live.ts asks `masked`).
 * Must not judge pictures: image checks keep using the unmasked picture in memory (a large mask
 * would otherwise look like a black picture).
 */
import { EventEmitter } from 'node:events';
import sharp from 'sharp';
import { checkMask, pixelRects, type MaskRect } from '../domain/privacy-mask.js';
import { HttpError, invalid, type FieldIssue } from '../errors.js';
import type { Logger } from '../log.js';
import type { PrivacyMaskStore } from '../store/privacy-masks.js';
import type { Principal } from './auth.js';

/** JPEG quality of a masked picture: near the cameras' own, so masking costs no visible quality. */
const MASKED_QUALITY = 80;

export interface MaskView {
  cameraId: string;
  rects: MaskRect[];
  /** Who set the mask in force, and when (epoch ms); null when the camera never had one. */
  updatedBy: string | null;
  updatedAt: number | null;
}

/** One mask in force; a change makes a new object, so a picture masked with an old one is told apart. */
interface InForce {
  rects: readonly MaskRect[];
}

type Pictures = { jpeg?: Buffer | undefined; thumbJpeg: Buffer };

/**
 * Blacks out `rects` (normalised) of a JPEG, rounded outward to whole pixels. Throws for a
 * picture sharp cannot read: the caller then hands out nothing rather than the unmasked picture.
 */
export async function maskJpeg(jpeg: Buffer, rects: readonly MaskRect[]): Promise<Buffer> {
  // Decoded once to raw pixels, the rectangles zeroed row by row, encoded once: the cost is one
  // decode and one encode whatever the number of rectangles (sharp's composite adds a layer each).
  const { data, info } = await sharp(jpeg, { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  if (!width || !height) throw new Error('the picture has no size');
  const boxes = pixelRects(rects, width, height);
  if (!boxes.length) return jpeg;
  for (const b of boxes) {
    for (let y = b.top; y < b.top + b.height; y++) {
      const row = (y * width + b.left) * channels;
      data.fill(0, row, row + b.width * channels);
    }
  }
  return sharp(data, { raw: { width, height, channels } }).jpeg({ quality: MASKED_QUALITY }).toBuffer();
}

export interface PrivacyMaskEvents {
  /** A camera's mask was set, changed or removed. */
  change: [cameraId: string];
}

export class PrivacyMasks extends EventEmitter<PrivacyMaskEvents> {
  private readonly inForce = new Map<string, InForce>();
  /** The masked copy of each source JPEG, with the mask it was made with: two caches offered one picture mask it once. */
  private readonly made = new WeakMap<Buffer, { mask: InForce; out: Promise<Buffer> }>();

  constructor(
    private readonly store: PrivacyMaskStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    super();
    for (const m of store.all()) this.inForce.set(m.cameraId, { rects: m.rects });
  }

  /** Whether the camera's pictures are masked (and its live view is frames). */
  masked(cameraId: string): boolean {
    return this.inForce.has(cameraId);
  }

  view(cameraId: string): MaskView {
    const stored = this.store.get(cameraId);
    return stored ? { ...stored } : { cameraId, rects: [], updatedBy: null, updatedAt: null };
  }

  /** Sets a camera's mask (an empty list removes it). Admins only: the route says so, and so does this. */
  set(principal: Principal, cameraId: string, rects: readonly MaskRect[]): MaskView {
    if (principal.user.role !== 'admin') throw new HttpError(403, 'forbidden', 'only admins set privacy masks');
    const checked = checkMask(rects);
    if (!checked.ok) {
      const issues: FieldIssue[] =
        'tooMany' in checked
          ? [{ path: 'rects', message: 'too many rectangles', code: 'too_big', params: { maximum: 16, origin: 'array' } }]
          : checked.issues.map((i) => ({ path: `rects.${i.index}`, message: ISSUE_WORDS[i.code], code: `mask_${i.code}` }));
      throw invalid(issues, 'The privacy mask is invalid');
    }
    this.store.set(cameraId, checked.rects, principal.user.username, this.now());
    if (checked.rects.length) this.inForce.set(cameraId, { rects: checked.rects });
    else this.inForce.delete(cameraId);
    this.log.info({ cameraId, rects: checked.rects.length, by: principal.user.username }, 'privacy mask changed');
    this.emit('change', cameraId);
    return this.view(cameraId);
  }

  /**
   * A picture's masked copy (both sizes), or undefined when the camera has no mask: then the
   * picture may be kept as it is, at once. The copy is made with the mask in force when it is
   * done (a change meanwhile masks it again). Rejects when the picture cannot be masked.
   */
  frame<T extends Pictures>(cameraId: string, frame: T): Promise<T> | undefined {
    if (!this.inForce.has(cameraId)) return undefined;
    return this.masking(cameraId, frame);
  }

  private async masking<T extends Pictures>(cameraId: string, frame: T): Promise<T> {
    for (;;) {
      const mask = this.inForce.get(cameraId);
      if (!mask) return frame;
      const [jpeg, thumbJpeg] = await Promise.all([frame.jpeg && this.jpeg(frame.jpeg, mask), this.jpeg(frame.thumbJpeg, mask)]);
      if (this.inForce.get(cameraId) === mask) return { ...frame, jpeg, thumbJpeg };
    }
  }

  private jpeg(source: Buffer, mask: InForce): Promise<Buffer> {
    const done = this.made.get(source);
    if (done?.mask === mask) return done.out;
    const out = maskJpeg(source, mask.rects);
    this.made.set(source, { mask, out });
    return out;
  }

  /** A deleted camera: its mask row went with it (foreign key). */
  forget(cameraId: string): void {
    this.inForce.delete(cameraId);
  }
}

const ISSUE_WORDS = {
  not_a_number: 'x, y, w and h must be numbers',
  outside: 'the rectangle lies outside the picture',
  too_small: 'the rectangle is too small',
} as const;
