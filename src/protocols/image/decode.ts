/**
 * Decodes one camera frame with sharp, defensively, and produces what the monitor keeps: a
 * JPEG scaled for phones, a small thumbnail JPEG and the greyscale fingerprint the picture
 * checks run on. Bytes come from cameras, which are hostile or broken often enough: the format
 * is sniffed (never trusted from a content type), pixel counts are checked against a bound
 * before anything is decoded, and decoder errors fail the frame. Must not judge the picture;
 * stats.ts does that.
 */
import sharp, { type Metadata } from 'sharp';
import { FINGERPRINT_HEIGHT, FINGERPRINT_WIDTH, type FrameFingerprint } from './stats.js';

export interface DecodeLimits {
  /**
   * Largest picture accepted, in pixels. 40 MP covers 8K and 12 MP fisheyes; a header declaring
   * more is a decompression bomb or garbage. @defaultValue 40_000_000
   */
  maxInputPixels: number;
  /** Width of the phone-sized JPEG. @defaultValue 640 */
  frameWidth: number;
  /** Width of the thumbnail JPEG. @defaultValue 160 */
  thumbWidth: number;
  /** JPEG quality of both re-encoded pictures. @defaultValue 70 */
  quality: number;
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxInputPixels: 40_000_000,
  frameWidth: 640,
  thumbWidth: 160,
  quality: 70,
});

/** Formats snapshot endpoints actually send. Everything else sharp can read (SVG, PDF, TIFF…) is refused. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);

export interface DecodedFrame {
  /** Size of the picture as the camera sent it. */
  sourceWidth: number;
  sourceHeight: number;
  /** The frame re-encoded at most `frameWidth` wide. */
  jpeg: Buffer;
  /** The frame re-encoded `thumbWidth` wide. */
  thumbJpeg: Buffer;
  fingerprint: FrameFingerprint;
}

export class FrameDecodeError extends Error {
  constructor(
    message: string,
    /** `too_large`: the picture declares more pixels than allowed; `undecodable`: anything else. */
    readonly code: 'too_large' | 'undecodable',
  ) {
    super(message);
    this.name = 'FrameDecodeError';
  }
}

/** Decodes `bytes` or throws FrameDecodeError. `at` stamps the fingerprint. */
export async function decodeFrame(bytes: Buffer, at: number, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<DecodedFrame> {
  // 'error' rather than the default 'warning': cheap cameras emit JPEGs with harmless warnings
  // (extraneous bytes before a marker), but a truncated or broken stream must fail.
  const options = { limitInputPixels: limits.maxInputPixels, failOn: 'error' as const };
  let meta: Metadata;
  try {
    // Reads the header only; the pixel bound is checked below so a bomb is named as one.
    meta = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch (err) {
    throw new FrameDecodeError(`not a picture: ${shortError(err)}`, 'undecodable');
  }
  const { format, width, height } = meta;
  if (!ACCEPTED_FORMATS.has(format)) throw new FrameDecodeError(`unexpected picture format ${format}`, 'undecodable');
  if (!width || !height) throw new FrameDecodeError('picture has no size', 'undecodable');
  if (width * height > limits.maxInputPixels) {
    throw new FrameDecodeError(`picture declares ${width}x${height} pixels, more than the ${limits.maxInputPixels} allowed`, 'too_large');
  }

  try {
    // Decode once, shrunk to phone size (JPEG shrink-on-load makes this cheap even for 4K),
    // then derive the three outputs from that small raw picture.
    const { data, info } = await sharp(bytes, options)
      .resize({ width: limits.frameWidth, withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const [jpeg, thumbJpeg, small] = await Promise.all([
      sharp(data, raw).jpeg({ quality: limits.quality }).toBuffer(),
      sharp(data, raw).resize({ width: limits.thumbWidth }).jpeg({ quality: limits.quality }).toBuffer(),
      sharp(data, raw).resize(FINGERPRINT_WIDTH, FINGERPRINT_HEIGHT, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true }),
    ]);
    return { sourceWidth: width, sourceHeight: height, jpeg, thumbJpeg, fingerprint: fingerprintOf(small.data, small.info.channels, at) };
  } catch (err) {
    throw new FrameDecodeError(`picture does not decode: ${shortError(err)}`, 'undecodable');
  }
}

/**
 * Luma (BT.601, what cameras encode) per pixel, and the mean of each pixel's brightest channel:
 * a saturated blue "no signal" screen has the luma of a dark picture but is plainly not dark.
 */
export function fingerprintOf(rgb: Buffer, channels: number, at: number): FrameFingerprint {
  const n = FINGERPRINT_WIDTH * FINGERPRINT_HEIGHT;
  const luma = new Uint8Array(n);
  let valueSum = 0;
  for (let i = 0; i < n; i++) {
    const r = rgb[i * channels] ?? 0;
    const g = channels >= 3 ? (rgb[i * channels + 1] ?? 0) : r;
    const b = channels >= 3 ? (rgb[i * channels + 2] ?? 0) : r;
    luma[i] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    valueSum += Math.max(r, g, b);
  }
  return { width: FINGERPRINT_WIDTH, height: FINGERPRINT_HEIGHT, luma, valueMean: valueSum / n, at };
}

function shortError(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
