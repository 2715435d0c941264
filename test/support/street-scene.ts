/**
 * A street-like camera picture for the image tests: sky with a gradient, a road with a kerb
 * every 64 px, a red car, and sensor-like noise, encoded by sharp as a JPEG (quality 80 unless
 * said). At 640x480 it is the picture the DC reader's tests were written against; other sizes
 * scale it.
 */
import sharp, { type JpegOptions } from 'sharp';
import { mulberry32 } from './random.js';

export interface StreetSceneOptions {
  width?: number;
  height?: number;
  /** sharp's JPEG options, over quality 80. */
  jpeg?: JpegOptions;
  grey?: boolean;
  /** @defaultValue 7 */
  seed?: number;
}

export function streetScene(options: StreetSceneOptions = {}): Promise<Buffer> {
  const { width = 640, height = 480, grey = false, seed = 7 } = options;
  const noise = mulberry32(seed);
  const px = Buffer.alloc(width * height * 3);
  const [carLeft, carRight] = [(300 * width) / 640, (380 * width) / 640];
  const [carTop, carBottom] = [(260 * height) / 480, (380 * height) / 480];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = (noise() - 0.5) * 12;
      const sky = y < height * 0.4;
      const car = x > carLeft && x < carRight && y > carTop && y < carBottom;
      px[i] = car ? 200 + n : sky ? 110 + ((y * 480) / height) * 0.3 + n : 90 + n;
      px[i + 1] = car ? 40 + n : sky ? 150 + n : 100 + (x % 64 < 8 ? 60 : 0) + n;
      px[i + 2] = car ? 40 + n : sky ? 210 + n : 80 + n;
    }
  }
  const image = sharp(px, { raw: { width, height, channels: 3 } });
  return (grey ? image.greyscale() : image).jpeg({ quality: 80, ...options.jpeg }).toBuffer();
}
