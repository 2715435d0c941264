/**
 * The JS reader of a JPEG's DC coefficients (jpeg-dc.ts), which the image check fingerprints
 * pictures from 720p up with instead of sharp. It must read the layouts cameras send as libjpeg
 * does (each 8x8 block's mean), must leave to sharp everything else, and must never accept a
 * picture sharp refuses: a check of a broken picture must still end as `undecodable`. Verdicts
 * against sharp's are in image-decode-scale.test.ts. restarts.jpg (4:2:0, a restart marker every
 * 7 MCUs) and sampled-422.jpg (4:2:2) were made with libjpeg-turbo's cjpeg (`-restart 7B`,
 * `-sample 2x1`) from a 640x480 ffmpeg testsrc2 frame: sharp writes neither.
 */
import { readFileSync } from 'node:fs';
import sharp, { type JpegOptions } from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { type areaAverage, DEFAULT_DECODE_LIMITS, sharpFingerprint } from '../../src/protocols/image/decode.js';
import { fingerprintFrame, FrameDecodeError } from '../../src/protocols/image/index.js';
import type { jpegDcPlanes } from '../../src/protocols/image/jpeg-dc.js';
import { jpegDcPicture } from '../support/dc-picture.js';
import { mulberry32 } from '../support/random.js';
import { streetScene } from '../support/street-scene.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));

/** The 640x480 street scene, as sharp encodes it. */
const scene = (jpeg: JpegOptions = {}, grey = false): Promise<Buffer> => streetScene({ jpeg, grey });

/** 640x480 of noise around mid-grey, unclipped: every block's every coefficient set, at high quality. */
async function noise(options: JpegOptions): Promise<Buffer> {
  const random = mulberry32(5);
  const px = Buffer.alloc(640 * 480 * 3);
  for (let i = 0; i < px.length; i++) px[i] = 128 + Math.round((random() - 0.5) * 120);
  return sharp(px, { raw: { width: 640, height: 480, channels: 3 } }).jpeg(options).toBuffer();
}

/** Mean absolute difference between the reader's luma per block and each block's mean luma in sharp's full decode. */
async function blockLumaError(bytes: Buffer): Promise<number> {
  const dc = jpegDcPicture(bytes);
  if (!dc) throw new Error('not read');
  const { data, info } = await sharp(bytes).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const luma = (p: ArrayLike<number>, i: number, channels: number): number =>
    channels >= 3 ? 0.299 * p[i]! + 0.587 * p[i + 1]! + 0.114 * p[i + 2]! : p[i]!;
  let total = 0;
  for (let by = 0; by < dc.height; by++) {
    for (let bx = 0; bx < dc.width; bx++) {
      let sum = 0;
      let n = 0;
      for (let y = by * 8; y < Math.min(info.height, by * 8 + 8); y++) {
        for (let x = bx * 8; x < Math.min(info.width, bx * 8 + 8); x++, n++) sum += luma(data, (y * info.width + x) * info.channels, info.channels);
      }
      total += Math.abs(sum / n - luma(dc.rgb, (by * dc.width + bx) * 3, 3));
    }
  }
  return total / (dc.width * dc.height);
}

describe('the DC reader', () => {
  it.each([
    ['4:2:0, as sharp writes by default', () => scene()],
    ['4:4:4', () => scene({ chromaSubsampling: '4:4:4' })],
    ['greyscale', () => scene({}, true)],
    ['4:2:0 with restart markers', async () => fixture('restarts.jpg')],
    ['4:2:2', async () => fixture('sampled-422.jpg')],
    ['fine noise at quality 100 (blocks coded to the 63rd coefficient, no end of block)', () => noise({ quality: 100 })],
    ['with the standard Huffman tables', () => scene({ optimiseCoding: false })],
  ])('reads %s as each block\'s mean', async (_name, make) => {
    const bytes = await make();
    const dc = jpegDcPicture(bytes);
    expect(dc).toBeDefined();
    expect([dc!.width, dc!.height]).toEqual([80, 60]);
    // Pixels clipped at 0 or 255 in the full decode are all that separates the two.
    expect(await blockLumaError(bytes)).toBeLessThan(1);
  });

  it('reads pictures with different tables one after another, each as its own', async () => {
    const pictures = [await scene({ quality: 80 }), await scene({ quality: 30 }), await noise({ quality: 95 }), await scene({ quality: 80, optimiseCoding: false })];
    for (const bytes of [...pictures, ...pictures]) expect(await blockLumaError(bytes)).toBeLessThan(1);
  });

  it('reads the scan\'s stuffed bytes, and fill bytes before its markers, as libjpeg does', async () => {
    const original = fixture('restarts.jpg');
    const scan = original.indexOf(Buffer.from([0xff, 0xda]));
    // Stuffed: a 0xFF in the data is sent as 0xFF 0x00.
    expect(original.indexOf(Buffer.from([0xff, 0x00]), scan)).toBeGreaterThan(scan);
    // Any marker may be preceded by fill bytes (0xFF): one to three before each restart marker and the end of image.
    const parts: Buffer[] = [];
    let from = 0;
    let fills = 0;
    for (let at = scan + 2; at < original.length - 1; at++) {
      if (original[at] !== 0xff || !((original[at + 1]! >= 0xd0 && original[at + 1]! <= 0xd7) || original[at + 1] === 0xd9)) continue;
      parts.push(original.subarray(from, at), Buffer.alloc(1 + (fills++ % 3), 0xff));
      from = at;
    }
    parts.push(original.subarray(from));
    const filled = Buffer.concat(parts);
    expect(fills).toBeGreaterThan(10);
    const dc = jpegDcPicture(filled);
    expect(dc).toBeDefined();
    expect(Buffer.from(dc!.rgb).equals(Buffer.from(jpegDcPicture(original)!.rgb))).toBe(true);
    expect(await blockLumaError(filled)).toBeLessThan(1);
  });

  it.each([
    ['progressive', () => scene({ progressive: true })],
    ['with an ICC profile (sharp converts it to sRGB)', () => sharp(fixture('scene-a.jpg')).withIccProfile('p3').jpeg().toBuffer()],
    ['truncated', async () => fixture('truncated.jpg')],
    ['with a restart marker out of order', async () => swapFirstRestart(fixture('restarts.jpg'))],
    ['with no end of image after the scan', async () => fixture('scene-a.jpg').subarray(0, -2)],
    ['a PNG', () => sharp(fixture('scene-a.jpg')).png().toBuffer()],
  ])('leaves to sharp a picture %s', async (_name, make) => {
    expect(jpegDcPicture(await make())).toBeUndefined();
  });

  it('leaves a truncated picture to sharp, which refuses it as before', async () => {
    const truncated = fixture('truncated.jpg');
    await expect(fingerprintFrame(truncated, 0)).rejects.toBeInstanceOf(FrameDecodeError);
  });

  it('never accepts a damaged picture that sharp refuses', async () => {
    const originals = [fixture('restarts.jpg'), await sharp(await scene()).resize(1280, 720).jpeg({ quality: 70 }).toBuffer()];
    const random = mulberry32(16);
    let read = 0;
    let refusedBySharp = 0;
    for (let i = 0; i < 240; i++) {
      const original = originals[i % originals.length]!;
      const bytes = Buffer.from(original);
      const kind = i % 3;
      if (kind === 0) {
        // A few bytes anywhere changed.
        for (let k = 0; k < 1 + Math.floor(random() * 3); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      } else if (kind === 1) {
        // One bit flipped in the entropy-coded data.
        const at = 700 + Math.floor(random() * (bytes.length - 800));
        bytes[at] = bytes[at]! ^ (1 << Math.floor(random() * 8));
      }
      const damaged = kind === 2 ? bytes.subarray(0, 600 + Math.floor(random() * (bytes.length - 600))) : bytes;
      const dc = jpegDcPicture(damaged);
      if (!dc) continue;
      read++;
      const { width, height } = (await sharp(damaged).metadata()) as { width: number; height: number };
      await sharpFingerprint(damaged, 0, width, height, DEFAULT_DECODE_LIMITS).catch(() => refusedBySharp++);
    }
    expect(refusedBySharp).toBe(0);
    // Some damage leaves a readable picture (a changed coefficient): the property was tested on those.
    expect(read).toBeGreaterThan(10);
  });
});

describe('the DC reader and the area mean, reusing their working arrays', () => {
  type Read = { planes: (Uint8Array | number)[]; fingerprint: Uint8Array; thumbnail: Uint8Array } | undefined;
  /** The planes and both area means of a picture, by the given copy of the modules. */
  const readWith = (modules: { jpegDcPlanes: typeof jpegDcPlanes; areaAverage: typeof areaAverage }, bytes: Buffer): Read => {
    const planes = modules.jpegDcPlanes(bytes);
    if (!planes) return undefined;
    const { width, height, luma, lumaStride, chroma } = planes;
    return {
      planes: [width, height, luma, lumaStride, ...(chroma ? [chroma.cb, chroma.cr, chroma.stride, chroma.hShift, chroma.vShift] : [])],
      fingerprint: modules.areaAverage(planes),
      thumbnail: modules.areaAverage(planes, 160, Math.round((height * 8 * 160) / (width * 8))),
    };
  };
  /** A copy of the modules no picture has gone through yet: its working arrays are new. */
  const freshModules = async () => {
    vi.resetModules();
    const [{ jpegDcPlanes }, { areaAverage }] = await Promise.all([import('../../src/protocols/image/jpeg-dc.js'), import('../../src/protocols/image/decode.js')]);
    return { jpegDcPlanes, areaAverage };
  };

  it('reads every picture as it reads it first, whatever it read before (larger, smaller, other layouts, broken)', async () => {
    const large = await sharp(await scene()).resize(1920, 1080).jpeg({ quality: 95 }).toBuffer();
    const pictures = [
      large,
      await scene({}, true),
      fixture('truncated.jpg'),
      fixture('restarts.jpg'),
      await noise({ quality: 100 }),
      fixture('sampled-422.jpg'),
      await sharp(await scene()).resize(1280, 720).jpeg({ quality: 60 }).toBuffer(),
      swapFirstRestart(fixture('restarts.jpg')),
      await scene({ chromaSubsampling: '4:4:4' }),
      await scene(),
      large.subarray(0, large.length >> 1),
    ];
    const expected: Read[] = [];
    for (const bytes of pictures) expected.push(readWith(await freshModules(), bytes));
    expect(expected.filter(Boolean).length).toBe(8);
    const shared = await freshModules();
    // Largest first, then smaller and other layouts, then all again the other way round.
    const order = [...pictures.keys(), ...[...pictures.keys()].reverse()];
    for (const i of order) expect(readWith(shared, pictures[i]!), `picture ${i}`).toEqual(expected[i]);
  });
});

/** RST0 and RST1 markers swapped: each interval still decodes, but out of sequence. */
function swapFirstRestart(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  const first = out.indexOf(Buffer.from([0xff, 0xd0]));
  out[first + 1] = 0xd1;
  return out;
}
