/** Privacy masks: checking drawn rectangles, and the pixels they cover at any picture size. */
import { describe, expect, it } from 'vitest';
import { checkMask, MAX_MASK_RECTS, pixelRects, sameMask, type MaskRect } from '../../src/domain/privacy-mask.js';

const r = (x: number, y: number, w: number, h: number): MaskRect => ({ x, y, w, h });

describe('checkMask', () => {
  it('keeps rectangles inside the picture as they are', () => {
    expect(checkMask([r(0.1, 0.2, 0.3, 0.4), r(0, 0, 1, 1)])).toEqual({ ok: true, rects: [r(0.1, 0.2, 0.3, 0.4), r(0, 0, 1, 1)] });
  });

  it('an empty list is no mask, and is allowed', () => {
    expect(checkMask([])).toEqual({ ok: true, rects: [] });
  });

  it('clips a rectangle dragged past the edge to the picture', () => {
    expect(checkMask([r(-0.2, 0.9, 0.5, 0.3)])).toEqual({ ok: true, rects: [r(0, 0.9, 0.3, 0.1)] });
  });

  it('turns a rectangle drawn leftwards or upwards (negative size) into the same area', () => {
    expect(checkMask([r(0.5, 0.5, -0.2, -0.1)])).toEqual({ ok: true, rects: [r(0.3, 0.4, 0.2, 0.1)] });
  });

  it('rounds to 1/10 000', () => {
    expect(checkMask([r(0.123456, 0.2, 0.1, 0.1)])).toEqual({ ok: true, rects: [r(0.1235, 0.2, 0.1, 0.1)] });
  });

  it('refuses, by index, rectangles outside the picture, too thin, or not numbers', () => {
    expect(checkMask([r(0.1, 0.1, 0.2, 0.2), r(1.2, 0.1, 0.2, 0.2), r(0.1, 0.1, 0.001, 0.5), r(Number.NaN, 0, 0.1, 0.1), r(0.1, 0.1, 0.5, 0)])).toEqual({
      ok: false,
      issues: [
        { index: 1, code: 'outside' },
        { index: 2, code: 'too_small' },
        { index: 3, code: 'not_a_number' },
        { index: 4, code: 'too_small' },
      ],
    });
  });

  it('refuses more than the most rectangles a mask may have', () => {
    const many = Array.from({ length: MAX_MASK_RECTS + 1 }, (_, i) => r(i / 20, 0, 0.04, 0.5));
    expect(checkMask(many)).toEqual({ ok: false, tooMany: true });
    expect(checkMask(many.slice(0, MAX_MASK_RECTS)).ok).toBe(true);
  });
});

describe('pixelRects', () => {
  it('maps normalised rectangles to pixels of any size', () => {
    expect(pixelRects([r(0.25, 0.5, 0.5, 0.25)], 1280, 720)).toEqual([{ left: 320, top: 360, width: 640, height: 180 }]);
    expect(pixelRects([r(0.25, 0.5, 0.5, 0.25)], 160, 90)).toEqual([{ left: 40, top: 45, width: 80, height: 23 }]);
  });

  it('rounds outward, so no sliver of the masked area stays uncovered', () => {
    // 0.101 * 640 = 64.64 → 64; (0.101 + 0.2) * 640 = 192.64 → 193.
    expect(pixelRects([r(0.101, 0.101, 0.2, 0.2)], 640, 360)).toEqual([{ left: 64, top: 36, width: 129, height: 73 }]);
  });

  it('does not widen a rectangle whose edges fall on whole pixels (floating point)', () => {
    expect(pixelRects([r(0.3, 0.1, 0.1, 0.7)], 1280, 720)).toEqual([{ left: 384, top: 72, width: 128, height: 504 }]);
  });

  it('stays inside the picture and drops what covers no pixel', () => {
    expect(pixelRects([r(0.9, 0.9, 0.2, 0.2)], 100, 100)).toEqual([{ left: 90, top: 90, width: 10, height: 10 }]);
    expect(pixelRects([r(0.1, 0.1, 0.1, 0.1)], 0, 0)).toEqual([]);
  });
});

describe('sameMask', () => {
  it('compares rectangles in order', () => {
    expect(sameMask([r(0, 0, 1, 1)], [r(0, 0, 1, 1)])).toBe(true);
    expect(sameMask([r(0, 0, 1, 1)], [r(0, 0, 1, 0.5)])).toBe(false);
    expect(sameMask([], [r(0, 0, 1, 1)])).toBe(false);
  });
});
