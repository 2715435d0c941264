/** The picture header read without sharp: the same size as sharp reads, or nothing. */
import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { pictureHeader } from '../../src/protocols/image/header.js';

const dir = new URL('../fixtures/images/', import.meta.url);
const pictures = readdirSync(dir).filter((name) => /\.(jpg|png)$/.test(name) && name !== 'truncated.jpg');

describe('pictureHeader', () => {
  it.each(pictures)('reads %s as sharp does', async (name) => {
    const bytes = readFileSync(new URL(name, dir));
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    expect(pictureHeader(bytes)).toEqual({ format: meta.format, width: meta.width, height: meta.height });
  });

  it('reads progressive JPEGs, metadata segments and fill bytes before the frame header', async () => {
    const base = sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#336699' } });
    const progressive = await base.clone().jpeg({ progressive: true }).toBuffer();
    expect(pictureHeader(progressive)).toEqual({ format: 'jpeg', width: 1920, height: 1080 });
    const withExif = await base.clone().withExif({ IFD0: { Copyright: 'Diskominfo' } }).jpeg().toBuffer();
    expect(withExif.indexOf(Buffer.from('Exif'))).toBeGreaterThan(0);
    expect(pictureHeader(withExif)).toEqual({ format: 'jpeg', width: 1920, height: 1080 });
    const filled = Buffer.concat([withExif.subarray(0, 2), Buffer.from([0xff, 0xff]), withExif.subarray(2)]);
    expect(pictureHeader(filled)).toEqual({ format: 'jpeg', width: 1920, height: 1080 });
  });

  it('reads nothing it is not sure of: cut before the frame header, garbage, other formats', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(pictureHeader(jpeg.subarray(0, sof + 4))).toBeUndefined();
    expect(pictureHeader(Buffer.from([0xff, 0xd8, 0x00, 0x10, 0x00]))).toBeUndefined();
    expect(pictureHeader(Buffer.from('<html><body>Error</body></html>'))).toBeUndefined();
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).webp().toBuffer();
    expect(pictureHeader(webp)).toBeUndefined();
  });
});
