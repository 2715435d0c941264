/**
 * Privacy masks: the rectangles of a camera's picture that are blacked out in every picture
 * that leaves Pantau (a house's windows, a neighbour's yard). A rectangle is kept in normalised
 * coordinates (0..1 of the picture's width and height), so a mask drawn on one picture still
 * covers the same place at another resolution (a sub-stream, a thumbnail, a new camera setting).
 *
 * Pure: no I/O, no images. Must not decode or draw pictures (services/privacy-masks.ts does).
 */

/** A rectangle in normalised coordinates: x, y of its top-left corner, w, h its size (all 0..1). */
export interface MaskRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A rectangle in whole pixels of one picture. */
export interface PixelRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Most rectangles one camera's mask may have. */
export const MAX_MASK_RECTS = 16;

/** Smallest side a rectangle may have, as a fraction of the picture (a few pixels at 1280x720). */
export const MIN_MASK_SIDE = 0.005;

/** Why a drawn rectangle was refused, by its index in the list. */
export interface MaskIssue {
  index: number;
  code: 'not_a_number' | 'outside' | 'too_small';
}

export type MaskCheck = { ok: true; rects: MaskRect[] } | { ok: false; issues: MaskIssue[] } | { ok: false; tooMany: true };

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * Checks and tidies a drawn mask: each rectangle is clipped to the picture (a finger dragged a
 * little past the edge means "to the edge"), one wholly outside it or thinner than
 * `MIN_MASK_SIDE` after clipping is refused, and at most `MAX_MASK_RECTS` are allowed. Values
 * are rounded to 1/10 000 so the stored mask is small and stable. An empty list is no mask.
 */
export function checkMask(rects: readonly MaskRect[]): MaskCheck {
  if (rects.length > MAX_MASK_RECTS) return { ok: false, tooMany: true };
  const issues: MaskIssue[] = [];
  const out: MaskRect[] = [];
  rects.forEach((r, index) => {
    if (![r.x, r.y, r.w, r.h].every(Number.isFinite)) return void issues.push({ index, code: 'not_a_number' });
    // A rectangle drawn leftwards or upwards has a negative size: the same area.
    const x0 = Math.min(r.x, r.x + r.w);
    const y0 = Math.min(r.y, r.y + r.h);
    const x1 = Math.max(r.x, r.x + r.w);
    const y1 = Math.max(r.y, r.y + r.h);
    if (x1 <= 0 || y1 <= 0 || x0 >= 1 || y0 >= 1) return void issues.push({ index, code: 'outside' });
    const left = round4(clamp01(x0));
    const top = round4(clamp01(y0));
    const right = round4(clamp01(x1));
    const bottom = round4(clamp01(y1));
    if (right - left < MIN_MASK_SIDE || bottom - top < MIN_MASK_SIDE) return void issues.push({ index, code: 'too_small' });
    out.push({ x: left, y: top, w: round4(right - left), h: round4(bottom - top) });
  });
  return issues.length ? { ok: false, issues } : { ok: true, rects: out };
}

function round4(v: number): number {
  return Math.round(v * 10_000) / 10_000;
}

/**
 * The pixels a mask covers in a picture of `width` x `height`: each rectangle rounded outward
 * (its left and top down, its right and bottom up), so no sliver of a masked area is left
 * uncovered by rounding, and kept inside the picture.
 */
export function pixelRects(rects: readonly MaskRect[], width: number, height: number): PixelRect[] {
  if (width <= 0 || height <= 0) return [];
  const out: PixelRect[] = [];
  for (const r of rects) {
    // A hair of tolerance: 0.3 * 1280 is 383.99999999999994 in floating point, not 384.
    const left = Math.max(0, Math.floor(r.x * width + 1e-9));
    const top = Math.max(0, Math.floor(r.y * height + 1e-9));
    const right = Math.min(width, Math.ceil((r.x + r.w) * width - 1e-9));
    const bottom = Math.min(height, Math.ceil((r.y + r.h) * height - 1e-9));
    if (right > left && bottom > top) out.push({ left, top, width: right - left, height: bottom - top });
  }
  return out;
}

/** Whether two masks cover the same rectangles in the same order. */
export function sameMask(a: readonly MaskRect[], b: readonly MaskRect[]): boolean {
  return a.length === b.length && a.every((r, i) => r.x === b[i]!.x && r.y === b[i]!.y && r.w === b[i]!.w && r.h === b[i]!.h);
}
