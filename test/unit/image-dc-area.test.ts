/**
 * The check's fingerprint from a JPEG's DC coefficients averages the luma and chroma planes down
 * to 64x48 and converts only those pixels to RGB (decode.ts areaAverage). Before, it converted
 * every 1/8-scale pixel to RGB (jpegDcPicture) and averaged that. The two differ only by the
 * rounding and clamping of those pixels: this holds the planes' fingerprint to a plain area
 * mean of jpegDcPicture's RGB, written out here, on the layouts the reader takes.
 */
import { readFileSync } from 'node:fs';
import sharp, { type JpegOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { areaAverage, fingerprintOf } from '../../src/protocols/image/decode.js';
import { FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH, judgeFrame, lumaStats, type FrameFingerprint } from '../../src/protocols/image/index.js';
import { jpegDcPlanes } from '../../src/protocols/image/jpeg-dc.js';
import { jpegDcPicture, type DcPicture } from '../support/dc-picture.js';
import { mulberry32 } from '../support/random.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));

/** Saturated colour bars over noise and a grey ramp: where per-pixel clamping differs most. */
async function bars(width: number, height: number, options: JpegOptions = {}, grey = false): Promise<Buffer> {
  const noise = mulberry32(3);
  const colours = [[255, 255, 0], [0, 255, 255], [0, 255, 0], [255, 0, 255], [255, 0, 0], [0, 0, 255], [16, 16, 16], [235, 235, 235]];
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = (noise() - 0.5) * 30;
      const c = y < height * 0.7 ? colours[Math.floor((x / width) * colours.length)]! : [x % 256, x % 256, x % 256];
      for (let k = 0; k < 3; k++) px[i + k] = Math.max(0, Math.min(255, Math.round(c[k]! + n)));
    }
  }
  const image = sharp(px, { raw: { width, height, channels: 3 } });
  // A one-channel JPEG: sharp keeps three channels from RGB input unless told the colourspace.
  return (grey ? image.toColourspace('b-w') : image).jpeg({ quality: 75, ...options }).toBuffer();
}

/** Each fingerprint pixel the mean of the RGB it covers, partly covered pixels weighted by the part. */
function referenceFingerprint(picture: DcPicture): FrameFingerprint {
  const { width, height, rgb } = picture;
  const sx = width / FINGERPRINT_WIDTH;
  const sy = height / FINGERPRINT_HEIGHT;
  const out = new Uint8ClampedArray(FINGERPRINT_WIDTH * FINGERPRINT_HEIGHT * 3);
  for (let fy = 0; fy < FINGERPRINT_HEIGHT; fy++) {
    for (let fx = 0; fx < FINGERPRINT_WIDTH; fx++) {
      const sums = [0, 0, 0];
      for (let y = Math.floor(fy * sy); y < Math.min(height, (fy + 1) * sy); y++) {
        const wy = Math.min((fy + 1) * sy, y + 1) - Math.max(fy * sy, y);
        for (let x = Math.floor(fx * sx); x < Math.min(width, (fx + 1) * sx); x++) {
          const w = wy * (Math.min((fx + 1) * sx, x + 1) - Math.max(fx * sx, x));
          for (let c = 0; c < 3; c++) sums[c] = sums[c]! + rgb[(y * width + x) * 3 + c]! * w;
        }
      }
      for (let c = 0; c < 3; c++) out[(fy * FINGERPRINT_WIDTH + fx) * 3 + c] = sums[c]! / (sx * sy);
    }
  }
  return fingerprintOf(new Uint8Array(out.buffer), 3, 0);
}

describe('the fingerprint from the DC planes', () => {
  it.each([
    ['4:2:0, 1920x1080', () => bars(1920, 1080)],
    ['4:2:0, 1280x720', () => bars(1280, 720)],
    ['4:2:0, 1000x700 (partial MCUs at the edges)', () => bars(1000, 700)],
    ['4:4:4, 1280x720', () => bars(1280, 720, { chromaSubsampling: '4:4:4' })],
    ['4:2:0 with restart markers', async () => fixture('restarts.jpg')],
    ['4:2:2', async () => fixture('sampled-422.jpg')],
    ['a night scene with a lamp', async () => fixture('night-lamp.jpg')],
    ['a blue "no signal" screen', async () => fixture('blue-screen.jpg')],
    ['a street', async () => fixture('scene-a.jpg')],
  ])('%s: within a level of the RGB average, same verdict', async (_name, make) => {
    const bytes = await make();
    const planes = jpegDcPlanes(bytes);
    expect(planes).toBeDefined();
    const now = fingerprintOf(areaAverage(planes!), 3, 0);
    const reference = referenceFingerprint(jpegDcPicture(bytes)!);
    let total = 0;
    for (let i = 0; i < now.luma.length; i++) total += Math.abs(now.luma[i]! - reference.luma[i]!);
    // Apart from pixels whose RGB was clamped (saturated colour), only rounding separates them.
    expect(total / now.luma.length).toBeLessThan(0.5);
    expect(Math.abs(now.valueMean! - reference.valueMean!)).toBeLessThan(1);
    expect(Math.abs(lumaStats(now).mean - lumaStats(reference).mean)).toBeLessThan(0.25);
    expect(Math.abs(lumaStats(now).spread - lumaStats(reference).spread)).toBeLessThanOrEqual(2);
    expect(judgeFrame(now, undefined).verdict).toBe(judgeFrame(reference, undefined).verdict);
  });

  it('of a greyscale JPEG, the RGB average to the level', async () => {
    const bytes = await bars(1280, 720, {}, true);
    const planes = jpegDcPlanes(bytes)!;
    expect(planes.chroma).toBeUndefined();
    const now = fingerprintOf(areaAverage(planes), 3, 0);
    const reference = referenceFingerprint(jpegDcPicture(bytes)!);
    for (let i = 0; i < now.luma.length; i++) expect(Math.abs(now.luma[i]! - reference.luma[i]!)).toBeLessThanOrEqual(1);
    expect(Math.abs(now.valueMean! - reference.valueMean!)).toBeLessThan(0.05);
  });
});
