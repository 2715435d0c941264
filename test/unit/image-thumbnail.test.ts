/**
 * The grid's thumbnails (decode.ts decodeThumbnail, renderThumbnail). From 720p up a plain
 * baseline JPEG's thumbnail is averaged from its DC coefficients (jpeg-dc.ts) instead of a
 * libvips decode: it must look like the one sharp makes, be as large as sharp's width-only
 * resize makes it, carry the fingerprint an image check would take from the same bytes (so a
 * tile's verdict is the check's), and leave every other picture to sharp as before.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeThumbnail, fingerprintFrame, FrameDecodeError, renderThumbnail } from '../../src/protocols/image/index.js';
import { jpegDcPicture } from '../support/dc-picture.js';
import { streetScene } from '../support/street-scene.js';

/** The street scene at any size, baseline or progressive. */
const scene = (width: number, height: number, progressive = false): Promise<Buffer> => streetScene({ width, height, seed: width ^ height, jpeg: { progressive } });

/** The thumbnail sharp makes of the same bytes: what a grid showed before. */
function sharpThumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).resize({ width: DEFAULT_DECODE_LIMITS.thumbWidth }).jpeg({ quality: DEFAULT_DECODE_LIMITS.quality }).toBuffer();
}

/** Size of a JPEG, and the mean absolute difference of two of that size per sample. */
async function compare(a: Buffer, b: Buffer): Promise<{ width: number; height: number; otherWidth: number; otherHeight: number; meanError: number }> {
  const [x, y] = await Promise.all([a, b].map((jpeg) => sharp(jpeg).removeAlpha().raw().toBuffer({ resolveWithObject: true })));
  let total = 0;
  const n = Math.min(x!.data.length, y!.data.length);
  for (let i = 0; i < n; i++) total += Math.abs(x!.data[i]! - y!.data[i]!);
  return { width: x!.info.width, height: x!.info.height, otherWidth: y!.info.width, otherHeight: y!.info.height, meanError: total / n };
}

describe('grid thumbnails', () => {
  // 1366x768 is not a multiple of 8 either way: its last blocks stand for fewer pixels.
  for (const [width, height] of [[1280, 720], [1920, 1080], [1366, 768], [2560, 1440]] as const) {
    it(`are read from the DC coefficients of a ${width}x${height} JPEG, and look as sharp's do`, async () => {
      const bytes = await scene(width, height);
      expect(jpegDcPicture(bytes), 'the reader reads this picture').toBeDefined();
      const frame = await decodeThumbnail(bytes, 1000);
      const versus = await compare(frame.thumbJpeg, await sharpThumbnail(bytes));
      expect([versus.width, versus.height]).toEqual([versus.otherWidth, versus.otherHeight]);
      expect(versus.width).toBe(160);
      expect(versus.meanError).toBeLessThan(4);
      expect([frame.sourceWidth, frame.sourceHeight]).toEqual([width, height]);
      // The tile's fingerprint is the image check's, to the byte.
      const checked = await fingerprintFrame(bytes, 1000);
      expect(frame.fingerprint).toEqual(checked.fingerprint);
      // The check's deferred thumbnail is the same picture.
      expect((await renderThumbnail(bytes)).thumbJpeg.equals(frame.thumbJpeg)).toBe(true);
    });
  }

  it('are still made by sharp below 720p and for JPEGs the reader leaves alone', async () => {
    for (const bytes of [await scene(640, 480), await scene(1280, 720, true)]) {
      const frame = await decodeThumbnail(bytes, 1000);
      const versus = await compare(frame.thumbJpeg, await sharpThumbnail(bytes));
      expect([versus.width, versus.height]).toEqual([versus.otherWidth, versus.otherHeight]);
      expect(versus.meanError).toBeLessThan(2);
      expect(frame.fingerprint.luma).toHaveLength(64 * 48);
    }
    expect(jpegDcPicture(await scene(1280, 720, true)), 'a progressive JPEG is not read').toBeUndefined();
  });

  it('refuse a truncated 720p JPEG as undecodable, as before', async () => {
    const bytes = await scene(1280, 720);
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    await expect(decodeThumbnail(cut, 1000)).rejects.toBeInstanceOf(FrameDecodeError);
    await expect(renderThumbnail(cut)).rejects.toMatchObject({ code: 'undecodable' });
  });
});
