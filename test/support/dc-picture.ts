/**
 * The DC reader's 1/8-scale picture in RGB, for the tests that hold the reader to libjpeg: each
 * block's sample converted as libjpeg converts (JFIF's BT.601, rounded per chroma block), chroma
 * repeated over the luma blocks it covers. Pantau itself averages the planes before converting
 * (decode.ts areaAverage) and never makes this picture.
 */
import { jpegDcPlanes, type DcPlanes } from '../../src/protocols/image/jpeg-dc.js';

/** The picture at 1/8 scale, one pixel per 8x8 block (per MCU-sized block of chroma), RGB. */
export interface DcPicture {
  /** ceil(width / 8) and ceil(height / 8) of the picture as sent. */
  width: number;
  height: number;
  /** Row-major, 3 bytes per pixel. */
  rgb: Uint8Array;
}

/** The 1/8-scale picture, or undefined when the reader leaves the JPEG to sharp. */
export function jpegDcPicture(bytes: Uint8Array): DcPicture | undefined {
  const planes = jpegDcPlanes(bytes);
  return planes && toRgb(planes);
}

/**
 * The picture at 1/8 scale as libjpeg outputs it: each block's sample converted to RGB as
 * libjpeg does; chroma repeated over the luma blocks it covers. (For 4:2:0 libjpeg instead
 * scales the chroma up with a 2x2 inverse DCT, from three more coefficients: colour edges are a
 * little softer here, luma is the same. The verdicts read luma, and colour only as the mean of
 * each pixel's brightest channel.)
 */
function toRgb(planes: DcPlanes): DcPicture {
  const { width, height, luma, lumaStride, chroma } = planes;
  // Clamps to 0..255 on store.
  const rgb = new Uint8ClampedArray(width * height * 3);
  if (!chroma) {
    for (let y = 0, o = 0; y < height; y++) {
      for (let x = 0; x < width; x++, o += 3) {
        const v = luma[y * lumaStride + x]!;
        rgb[o] = v;
        rgb[o + 1] = v;
        rgb[o + 2] = v;
      }
    }
    return { width, height, rgb: new Uint8Array(rgb.buffer) };
  }
  // Per chroma block, what it adds to the luma of each of R, G and B.
  const { cb: cbs, cr: crs, stride: chromaWidth, hShift, vShift } = chroma;
  const chromaBlocks = cbs.length;
  const addR = new Int16Array(chromaBlocks);
  const addG = new Int16Array(chromaBlocks);
  const addB = new Int16Array(chromaBlocks);
  for (let i = 0; i < chromaBlocks; i++) {
    const cb = cbs[i]! - 128;
    const cr = crs[i]! - 128;
    addR[i] = Math.round(1.402 * cr);
    addG[i] = Math.round(-0.34414 * cb - 0.71414 * cr);
    addB[i] = Math.round(1.772 * cb);
  }
  for (let y = 0, o = 0; y < height; y++) {
    const lumaRow = y * lumaStride;
    const chromaRow = (y >> vShift) * chromaWidth;
    for (let x = 0; x < width; x++, o += 3) {
      const v = luma[lumaRow + x]!;
      const c = chromaRow + (x >> hShift);
      rgb[o] = v + addR[c]!;
      rgb[o + 1] = v + addG[c]!;
      rgb[o + 2] = v + addB[c]!;
    }
  }
  return { width, height, rgb: new Uint8Array(rgb.buffer) };
}
