/**
 * Decodes one camera frame with sharp, defensively. Two products, made apart because they are
 * wanted at different times: the greyscale fingerprint the picture checks run on, made on every
 * image check from the smallest decode that still fills it (JPEG shrink-on-load: a 1080p frame is
 * decoded at 1/8 scale, 240x135, never at full size), and the pictures people see (a JPEG scaled
 * for phones and a thumbnail), made only when someone will look at them. Bytes come from cameras,
 * which are hostile or broken often enough: the format is sniffed (never trusted from a content
 * type), pixel counts are checked against a bound before anything is decoded, and decoder errors
 * fail the frame. Must not judge the picture; stats.ts does that.
 */
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { pictureHeader } from './header.js';
import { jpegDcPlanes, type DcPlanes } from './jpeg-dc.js';
import { Scratch } from './scratch.js';
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

export interface DecodedFrame extends FramePictures {
  /** Size of the picture as the camera sent it. */
  sourceWidth: number;
  sourceHeight: number;
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

/** What a check needs of a picture: its size as sent and its fingerprint. */
export interface FrameFingerprintResult {
  sourceWidth: number;
  sourceHeight: number;
  fingerprint: FrameFingerprint;
}

/** The pictures people see, re-encoded from a frame. */
export interface FramePictures {
  /** The frame re-encoded at most `frameWidth` wide. */
  jpeg: Buffer;
  /** The frame re-encoded `thumbWidth` wide. */
  thumbJpeg: Buffer;
}

// 'error' rather than the default 'warning': cheap cameras emit JPEGs with harmless warnings
// (extraneous bytes before a marker), but a truncated or broken stream must fail.
const FAIL_ON = 'error' as const;

/**
 * Largest picture fingerprinted from its DC coefficients in JS (jpeg-dc.ts), in pixels. That
 * runs on the event loop (a 100 KB 1080p frame ≈ 2.5 ms on the bench machine when quiet,
 * BENCHMARKS.md); larger pictures go to sharp, whose work runs on libuv's pool. 1440p is the
 * largest common camera snapshot under it.
 */
export const DC_FINGERPRINT_MAX_PIXELS = 4_000_000;

/**
 * The fingerprint alone, or throws FrameDecodeError. A plain baseline JPEG from 512x384 up to
 * DC_FINGERPRINT_MAX_PIXELS is read at 1/8 scale from its DC coefficients in JS (jpeg-dc.ts),
 * each 8x8 block's mean, and averaged down to the fingerprint: no libvips pipeline, whose fixed
 * cost was most of the check. Anything else, or a JPEG that reader does not read completely,
 * is one decode straight to the fingerprint's size with sharp: it picks the largest JPEG
 * shrink-on-load (1/2, 1/4, 1/8) that leaves the picture at least as large as the fingerprint,
 * so a 320x240 frame is decoded at 80x60, and the DCT's own scaling does most of the averaging.
 * Either way the fingerprint's pixels average the same source pixels
 * (test/unit/image-decode-scale.test.ts holds the verdicts of both to those of the phone-sized
 * decode the check used before).
 */
export async function fingerprintFrame(bytes: Buffer, at: number, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<FrameFingerprintResult> {
  const { format, width, height } = await inspect(bytes, limits);
  const dc = format === 'jpeg' && dcReadable(width, height) ? jpegDcPlanes(bytes) : undefined;
  if (dc) return { sourceWidth: width, sourceHeight: height, fingerprint: fingerprintOf(areaAverage(dc), 3, at) };
  return sharpFingerprint(bytes, at, width, height, limits);
}

/** The fingerprint from sharp's shrink-on-load decode, for what jpeg-dc.ts does not read. */
export async function sharpFingerprint(bytes: Buffer, at: number, width: number, height: number, limits: DecodeLimits): Promise<FrameFingerprintResult> {
  try {
    const small = await sharp(bytes, { limitInputPixels: limits.maxInputPixels, failOn: FAIL_ON })
      .resize(FINGERPRINT_WIDTH, FINGERPRINT_HEIGHT, { fit: 'fill' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { sourceWidth: width, sourceHeight: height, fingerprint: fingerprintOf(small.data, small.info.channels, at) };
  } catch (err) {
    throw new FrameDecodeError(`picture does not decode: ${shortError(err)}`, 'undecodable');
  }
}

/** At 1/8 scale still at least the fingerprint's size, and small enough to read on the event loop. */
function dcReadable(width: number, height: number): boolean {
  return Math.ceil(width / 8) >= FINGERPRINT_WIDTH && Math.ceil(height / 8) >= FINGERPRINT_HEIGHT && width * height <= DC_FINGERPRINT_MAX_PIXELS;
}

/**
 * The 1/8-scale picture averaged down to `toWidth` x `toHeight` (the fingerprint's size unless
 * said; a grid's thumbnail), RGB: each pixel the mean of the area of the picture it covers
 * (partly covered pixels weighted by the part). The means are taken of luma and of each chroma
 * plane, at its own resolution, and only the output's pixels are converted to RGB (as libjpeg
 * converts, JFIF's BT.601): the same as averaging the RGB of every 1/8 pixel but for the
 * rounding and clamping of those pixels, within a level of it (test/unit/image-dc-area.test.ts),
 * at a fraction of the cost.
 */
export function areaAverage(planes: DcPlanes, toWidth = FINGERPRINT_WIDTH, toHeight = FINGERPRINT_HEIGHT): Uint8Array {
  const { width, height, chroma } = planes;
  const columns = areaWeights(width, toWidth, 0);
  const rows = areaWeights(height, toHeight, 0);
  const n = toWidth * toHeight;
  const luma = planeAverage(planes.luma, planes.lumaStride, columns, rows, LUMA_MEANS);
  // Stored straight into 8-bit samples, which round (half to even) and clamp as an 8-bit output
  // does. A Float64Array of the RGB copied over with set() took as long as the averaging.
  const out = new Uint8ClampedArray(n * 3);
  if (!chroma) {
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      out[o] = luma[i]!;
      out[o + 1] = luma[i]!;
      out[o + 2] = luma[i]!;
    }
  } else {
    // A chroma sample repeated over the luma pixels it covers: its weight is theirs, summed.
    const chromaColumns = areaWeights(width, toWidth, chroma.hShift);
    const chromaRows = areaWeights(height, toHeight, chroma.vShift);
    const cbs = planeAverage(chroma.cb, chroma.stride, chromaColumns, chromaRows, CB_MEANS);
    const crs = planeAverage(chroma.cr, chroma.stride, chromaColumns, chromaRows, CR_MEANS);
    for (let i = 0, o = 0; i < n; i++, o += 3) {
      const y = luma[i]!;
      const cb = cbs[i]! - 128;
      const cr = crs[i]! - 128;
      out[o] = y + 1.402 * cr;
      out[o + 1] = y - 0.34414 * cb - 0.71414 * cr;
      out[o + 2] = y + 1.772 * cb;
    }
  }
  return new Uint8Array(out.buffer);
}

/** Each plane's means (read before the next area mean), and the rows summed down on the way. */
const LUMA_MEANS = new Scratch((n) => new Float64Array(n), 1 << 15);
const CB_MEANS = new Scratch((n) => new Float64Array(n), 1 << 15);
const CR_MEANS = new Scratch((n) => new Float64Array(n), 1 << 15);
const SUMMED_DOWN = new Scratch((n) => new Float64Array(n), 1 << 16);

interface AreaWeights {
  first: Int32Array;
  count: Int32Array;
  weights: Float64Array;
  taps: number;
}

/**
 * One plane averaged by the weights: down first (each output row a weighted sum of source rows),
 * then across. The means go into `into`'s array, valid until its next use.
 */
function planeAverage(plane: Uint8Array, stride: number, columns: AreaWeights, rows: AreaWeights, into: Scratch<Float64Array>): Float64Array {
  const toWidth = columns.first.length;
  const toHeight = rows.first.length;
  const width = columns.first[toWidth - 1]! + columns.count[toWidth - 1]!;
  const down = SUMMED_DOWN.take(width * toHeight);
  down.fill(0, 0, width * toHeight);
  for (let y = 0; y < toHeight; y++) {
    const o = y * width;
    for (let k = y * rows.taps, last = k + rows.count[y]!, from = rows.first[y]! * stride; k < last; k++, from += stride) {
      const w = rows.weights[k]!;
      for (let x = 0; x < width; x++) down[o + x] = down[o + x]! + plane[from + x]! * w;
    }
  }
  const out = into.take(toWidth * toHeight);
  for (let y = 0, o = 0; y < toHeight; y++) {
    const row = y * width;
    for (let x = 0; x < toWidth; x++, o++) {
      let sum = 0;
      for (let k = x * columns.taps, last = k + columns.count[x]!, i = row + columns.first[x]!; k < last; k++, i++) sum += down[i]! * columns.weights[k]!;
      out[o] = sum;
    }
  }
  return out;
}

/**
 * The weights of `to` cells over `from` pixels, for a plane at 1/2^shift that resolution: made
 * once per size (pictures come in a few sizes) and only read after.
 */
const weightsBySize = new Map<string, AreaWeights>();
const WEIGHTS_KEPT = 64;

function areaWeights(from: number, to: number, shift: number): AreaWeights {
  const key = `${from}:${to}:${shift}`;
  let weights = weightsBySize.get(key);
  if (!weights) {
    weights = shift === 0 ? fullWeights(from, to) : coarser(areaWeights(from, to, 0), shift);
    if (weightsBySize.size >= WEIGHTS_KEPT) weightsBySize.clear();
    weightsBySize.set(key, weights);
  }
  return weights;
}

/** The weights over a plane at 1/2^shift the resolution: each source pixel's weight moved onto the sample that covers it. */
function coarser(weights: AreaWeights, shift: number): AreaWeights {
  const { first, count, taps } = weights;
  const to = first.length;
  const out = { first: new Int32Array(to), count: new Int32Array(to), weights: new Float64Array(to * taps), taps };
  for (let cell = 0; cell < to; cell++) {
    const start = first[cell]! >> shift;
    out.first[cell] = start;
    for (let k = 0; k < count[cell]!; k++) {
      const at = ((first[cell]! + k) >> shift) - start;
      out.weights[cell * taps + at] = out.weights[cell * taps + at]! + weights.weights[cell * taps + k]!;
      out.count[cell] = at + 1;
    }
  }
  return out;
}

/**
 * For each of `to` cells over `from` source pixels: the first source pixel it covers, how many
 * it covers, and each one's share (summing to 1), at `taps` per cell.
 */
function fullWeights(from: number, to: number): AreaWeights {
  const scale = from / to;
  const taps = Math.ceil(scale) + 1;
  const first = new Int32Array(to);
  const count = new Int32Array(to);
  const weights = new Float64Array(to * taps);
  for (let cell = 0; cell < to; cell++) {
    const start = cell * scale;
    const end = (cell + 1) * scale;
    first[cell] = Math.floor(start);
    let n = 0;
    for (let s = Math.floor(start); s < end && s < from; s++) weights[cell * taps + n++] = (Math.min(end, s + 1) - Math.max(start, s)) / scale;
    count[cell] = n;
  }
  return { first, count, weights, taps };
}

/**
 * The pictures for people, or throws FrameDecodeError: decoded once at phone size (JPEG
 * shrink-on-load makes that cheap even for 4K), both JPEGs encoded from that.
 */
export async function renderFrame(bytes: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<FramePictures & { sourceWidth: number; sourceHeight: number }> {
  const { width, height } = await inspect(bytes, limits);
  try {
    const { jpeg, thumbJpeg } = await renderPhoneSized(bytes, limits);
    return { sourceWidth: width, sourceHeight: height, jpeg, thumbJpeg };
  } catch (err) {
    throw new FrameDecodeError(`picture does not decode: ${shortError(err)}`, 'undecodable');
  }
}

/**
 * Both at once from one phone-sized decode, or throws FrameDecodeError: for frames fetched for
 * viewers, who see them at once. An image check uses fingerprintFrame and renders later, if at all.
 */
export async function decodeFrame(bytes: Buffer, at: number, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<DecodedFrame> {
  const { width, height } = await inspect(bytes, limits);
  try {
    const { jpeg, thumbJpeg, small } = await renderPhoneSized(bytes, limits, true);
    return { sourceWidth: width, sourceHeight: height, jpeg, thumbJpeg, fingerprint: fingerprintOf(small!.data, small!.info.channels, at) };
  } catch (err) {
    throw new FrameDecodeError(`picture does not decode: ${shortError(err)}`, 'undecodable');
  }
}

/** The thumbnail alone, or throws FrameDecodeError: made as decodeThumbnail makes it. */
export async function renderThumbnail(bytes: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<{ thumbJpeg: Buffer; sourceWidth: number; sourceHeight: number }> {
  const { format, width, height } = await inspect(bytes, limits);
  try {
    const dc = format === 'jpeg' ? dcThumbnailPicture(bytes, width, height, limits) : undefined;
    if (dc) return { sourceWidth: width, sourceHeight: height, thumbJpeg: await encodeThumbnail(dc.thumb, limits) };
    const thumbJpeg = await sharp(bytes, { limitInputPixels: limits.maxInputPixels, failOn: FAIL_ON })
      .resize({ width: limits.thumbWidth })
      .removeAlpha()
      .toColourspace('srgb')
      .jpeg({ quality: limits.quality })
      .toBuffer();
    return { sourceWidth: width, sourceHeight: height, thumbJpeg };
  } catch (err) {
    throw new FrameDecodeError(`picture does not decode: ${shortError(err)}`, 'undecodable');
  }
}

/**
 * The thumbnail alone, with the fingerprint, or throws FrameDecodeError: for frames fetched for
 * a grid of tiles, where nobody sees the phone-sized picture. A plain baseline JPEG whose 1/8
 * scale is at least the thumbnail (720p and up, to DC_FINGERPRINT_MAX_PIXELS) is read from its
 * DC coefficients (jpeg-dc.ts), as an image check reads it, and both are averaged down from that
 * picture: only the thumbnail's encode goes to sharp. That 1/8 picture is what libjpeg's 1/8
 * shrink-on-load gives too (its 1/8 scaling keeps each block's DC alone), so the tile looks the
 * same, and the decode that was most of a grid frame's CPU (BENCHMARKS.md) is not made. Anything
 * else is decoded straight at thumbnail size by sharp (JPEG shrink-on-load: a 640x480 frame at
 * 1/2), a quarter of what decodeFrame costs.
 */
export async function decodeThumbnail(bytes: Buffer, at: number, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<Omit<DecodedFrame, 'jpeg'>> {
  const { format, width, height } = await inspect(bytes, limits);
  try {
    const dc = format === 'jpeg' ? dcThumbnailPicture(bytes, width, height, limits) : undefined;
    if (dc) {
      const fingerprint = fingerprintOf(areaAverage(dc.planes), 3, at);
      return { sourceWidth: width, sourceHeight: height, thumbJpeg: await encodeThumbnail(dc.thumb, limits), fingerprint };
    }
    const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxInputPixels, failOn: FAIL_ON })
      .resize({ width: limits.thumbWidth })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const [thumbJpeg, small] = await Promise.all([
      sharp(data, raw).jpeg({ quality: limits.quality }).toBuffer(),
      sharp(data, raw).resize(FINGERPRINT_WIDTH, FINGERPRINT_HEIGHT, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true }),
    ]);
    return { sourceWidth: width, sourceHeight: height, thumbJpeg, fingerprint: fingerprintOf(small.data, small.info.channels, at) };
  } catch (err) {
    throw new FrameDecodeError(`picture does not decode: ${shortError(err)}`, 'undecodable');
  }
}

/**
 * The 1/8 picture's planes and the thumbnail's pixels averaged from them, or undefined when the
 * picture is not one to read so (the caller then decodes with sharp). The thumbnail is as tall
 * as sharp's width-only resize makes it. Where the picture is not a multiple of 8 wide or high,
 * its last blocks stand for fewer pixels than the others: a fraction of a thumbnail pixel, not
 * corrected.
 */
function dcThumbnailPicture(bytes: Buffer, width: number, height: number, limits: DecodeLimits): { planes: DcPlanes; thumb: Thumbnail } | undefined {
  const thumbWidth = limits.thumbWidth;
  const thumbHeight = Math.max(1, Math.round((height * thumbWidth) / width));
  if (Math.ceil(width / 8) < thumbWidth || Math.ceil(height / 8) < thumbHeight || !dcReadable(width, height)) return undefined;
  const planes = jpegDcPlanes(bytes);
  if (!planes) return undefined;
  return { planes, thumb: { width: thumbWidth, height: thumbHeight, rgb: areaAverage(planes, thumbWidth, thumbHeight) } };
}

interface Thumbnail {
  width: number;
  height: number;
  /** Row-major, 3 bytes per pixel. */
  rgb: Uint8Array;
}

function encodeThumbnail(thumb: Thumbnail, limits: DecodeLimits): Promise<Buffer> {
  const pixels = Buffer.from(thumb.rgb.buffer, thumb.rgb.byteOffset, thumb.rgb.byteLength);
  return sharp(pixels, { raw: { width: thumb.width, height: thumb.height, channels: 3 } }).jpeg({ quality: limits.quality }).toBuffer();
}

async function renderPhoneSized(
  bytes: Buffer,
  limits: DecodeLimits,
  withFingerprint = false,
): Promise<FramePictures & { small?: { data: Buffer; info: OutputInfo } }> {
  const { data, info } = await sharp(bytes, { limitInputPixels: limits.maxInputPixels, failOn: FAIL_ON })
    .resize({ width: limits.frameWidth, withoutEnlargement: true })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const [jpeg, thumbJpeg, small] = await Promise.all([
    sharp(data, raw).jpeg({ quality: limits.quality }).toBuffer(),
    sharp(data, raw).resize({ width: limits.thumbWidth }).jpeg({ quality: limits.quality }).toBuffer(),
    withFingerprint
      ? sharp(data, raw).resize(FINGERPRINT_WIDTH, FINGERPRINT_HEIGHT, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true })
      : undefined,
  ]);
  return small ? { jpeg, thumbJpeg, small } : { jpeg, thumbJpeg };
}

/** Format and size from the header alone; refuses what is not an accepted picture or declares too many pixels. */
async function inspect(bytes: Buffer, limits: DecodeLimits): Promise<{ format: string; width: number; height: number }> {
  const { format, width, height } = pictureHeader(bytes) ?? (await sharpHeader(bytes));
  if (!ACCEPTED_FORMATS.has(format)) throw new FrameDecodeError(`unexpected picture format ${format}`, 'undecodable');
  if (!width || !height) throw new FrameDecodeError('picture has no size', 'undecodable');
  if (width * height > limits.maxInputPixels) {
    throw new FrameDecodeError(`picture declares ${width}x${height} pixels, more than the ${limits.maxInputPixels} allowed`, 'too_large');
  }
  return { format, width, height };
}

/** What sharp reads of the header, for what pictureHeader does not read itself (WebP, the odd JPEG, anything else). */
async function sharpHeader(bytes: Buffer): Promise<Pick<Metadata, 'format' | 'width' | 'height'>> {
  try {
    // Reads the header only; the pixel bound is checked by the caller so a bomb is named as one.
    return await sharp(bytes, { failOn: FAIL_ON, limitInputPixels: false }).metadata();
  } catch (err) {
    throw new FrameDecodeError(`not a picture: ${shortError(err)}`, 'undecodable');
  }
}

/**
 * Luma (BT.601, what cameras encode) per pixel, and the mean of each pixel's brightest channel:
 * a saturated blue "no signal" screen has the luma of a dark picture but is plainly not dark.
 */
export function fingerprintOf(rgb: Uint8Array, channels: number, at: number): FrameFingerprint {
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
