/**
 * Picture health from a tiny greyscale fingerprint of a frame: how bright, how flat, how far
 * from the previous frame, and whether the bottom of the picture is a grey smear. Pure
 * arithmetic, no decoding and no I/O, so the verdict rules can be tested on plain arrays. Must
 * not keep state between frames: the previous fingerprint is always passed in.
 */
import type { ImageVerdict } from '../../domain/status.js';

/** A frame reduced to FINGERPRINT_WIDTH x FINGERPRINT_HEIGHT luma bytes. */
export interface FrameFingerprint {
  width: number;
  height: number;
  /** Row-major luma, 0..255, one byte per pixel. */
  luma: Uint8Array;
  /**
   * Mean of each pixel's brightest channel (HSV value), 0..255. Equals the mean luma for grey
   * pictures; higher for saturated colours. Absent: taken to be the mean luma.
   */
  valueMean?: number | undefined;
  /** Epoch ms when the frame was taken: a difference only means something seconds apart. */
  at: number;
}

export const FINGERPRINT_WIDTH = 64;
export const FINGERPRINT_HEIGHT = 48;

export interface LumaStats {
  /** Mean luma, 0..255. */
  mean: number;
  /** Standard deviation of luma. Reported, but not used for flatness: see `spread`. */
  stdev: number;
  /**
   * p90 − p10 of luma. Flatness is judged on this rather than on the standard deviation because
   * cameras draw a clock on every picture: on a black frame the white digits alone push the
   * standard deviation to 15–26, as high as a real night scene, while p90 stays at black.
   */
  spread: number;
  /** Fraction of the picture, from the bottom up, that is a flat grey slab (see smearedFraction). */
  smeared: number;
}

/**
 * Verdict thresholds, config-shaped. Defaults come from measurements on the camera simulators,
 * five frames per row about 1.5 s apart, fingerprinted at 64x48 (mean/stdev/p10–p90 spread are
 * luma 0..255; value is the brightest-channel mean; diff is the mean absolute difference from
 * the previous frame and max the largest single pixel's):
 *
 * | source                  | picture         | mean    | stdev   | spread | value   | diff      | max     |
 * |-------------------------|-----------------|---------|---------|--------|---------|-----------|---------|
 * | GStreamer RTSP + ffmpeg | live (smpte100) | 143–144 | 72.8    | 226    | 247     | 0.38–1.81 | 149–229 |
 * | GStreamer RTSP + ffmpeg | black + clock   | 3.7–4.3 | 23–26   | 0      | 3.7–4.3 | 0.88–1.24 | 203–238 |
 * | GStreamer RTSP + ffmpeg | frozen          | 143.6   | 72.8    | 226    | 247     | 0.00      | 0       |
 * | HTTP snapshot           | live (bars)     | 106     | 55      | 169    | 186     | 0.55–0.73 | 117–233 |
 * | HTTP snapshot           | black + clock   | 2.5–2.9 | 15–17   | 0      | 2.5–2.9 | 0.22–0.42 | 103–134 |
 * | HTTP snapshot           | frozen          | 106.4   | 55.3    | 169    | 186     | 0.00      | 0       |
 *
 * And on the fixtures in test/fixtures/images: night scene with one lamp mean 28.6, stdev 23.1,
 * spread 37 (ok, not black); grey screen spread 0, mean 129 (covered); blue screen luma 47,
 * value 200 (covered); noise spread 26; decoder smear 0.35 of the height, ordinary scenes ≤ 0.15.
 * Note the black frames' standard deviation (15–26) against the night scene's (23): it cannot
 * tell them apart, the spread can.
 */
export interface ImageThresholds {
  /**
   * At or below this a picture is dark. Judged on the brightest channel, not luma: a saturated
   * blue "no signal" screen has a luma near 30 but is a covered picture, not a black one.
   * @defaultValue 40
   */
  darkMaxMean: number;
  /** At or below this p10–p90 spread a picture is flat. @defaultValue 12 */
  flatMaxSpread: number;
  /** Frozen needs the mean difference from the previous frame at or below this… @defaultValue 0.15 */
  frozenMaxDiff: number;
  /**
   * …and no single fingerprint pixel changed by more than this. On an HD camera the ticking
   * clock covers too few pixels to move the mean, but it does move a pixel or two.
   * @defaultValue 16
   */
  frozenMaxPixelDiff: number;
  /**
   * Frames closer together than this are never called frozen: a camera's clock ticks once a
   * second, so two frames within one second may be identical on a healthy camera.
   * @defaultValue 1500
   */
  frozenMinGapMs: number;
  /** At or above this fraction of the picture as a grey slab at the bottom, the frame is corrupt. @defaultValue 0.3 */
  smearMinFraction: number;
}

export const DEFAULT_IMAGE_THRESHOLDS: Readonly<ImageThresholds> = Object.freeze({
  darkMaxMean: 40,
  flatMaxSpread: 12,
  frozenMaxDiff: 0.15,
  frozenMaxPixelDiff: 16,
  frozenMinGapMs: 1500,
  smearMinFraction: 0.3,
});

/** A row of the slab: this flat (max − min) … */
const SLAB_MAX_ROW_RANGE = 4;
/** … this close to the row above (mean absolute difference) … */
const SLAB_MAX_ROW_DIFF = 1;
/** … and mid-grey, where decoders put macroblocks they could not reconstruct. */
const SLAB_GREY_MIN = 96;
const SLAB_GREY_MAX = 160;

export function lumaStats(fp: FrameFingerprint): LumaStats {
  const n = fp.luma.length;
  if (n === 0) return { mean: 0, stdev: 0, spread: 0, smeared: 0 };
  const histogram = new Uint32Array(256);
  let sum = 0;
  let sumSq = 0;
  for (const v of fp.luma) {
    histogram[v] = (histogram[v] ?? 0) + 1;
    sum += v;
    sumSq += v * v;
  }
  const mean = sum / n;
  const stdev = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  const spread = percentile(histogram, n, 0.9) - percentile(histogram, n, 0.1);
  return { mean, stdev, spread, smeared: smearedFraction(fp) };
}

function percentile(histogram: Uint32Array, n: number, p: number): number {
  const rank = Math.ceil(p * n);
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v] ?? 0;
    if (seen >= rank) return v;
  }
  return 255;
}

/**
 * Broken H.264 (lost packets, a dying encoder) often decodes as a picture that stops part way
 * down, the rest a flat grey slab where the decoder had nothing to reconstruct from. This
 * measures that slab from the bottom up. Repeated rows alone are not enough: a test pattern of
 * vertical bars repeats every row, and the bottom of a night scene is a run of identical black
 * rows; so only flat, mid-grey rows count. Deliberately simple: an evenly lit grey floor filling
 * the bottom third would trip it, which is why the threshold is high.
 */
export function smearedFraction(fp: FrameFingerprint): number {
  const { width, height, luma } = fp;
  if (height < 2 || width === 0) return 0;
  let run = 0;
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    let min = 255;
    let max = 0;
    let sum = 0;
    let diff = 0;
    for (let x = 0; x < width; x++) {
      const v = luma[row + x] ?? 0;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      if (y > 0) diff += Math.abs(v - (luma[row - width + x] ?? 0));
    }
    const mean = sum / width;
    if (max - min > SLAB_MAX_ROW_RANGE || mean < SLAB_GREY_MIN || mean > SLAB_GREY_MAX) break;
    run++;
    if (diff / width > SLAB_MAX_ROW_DIFF) break; // the slab's top edge
  }
  return run / height;
}

export interface FrameDifference {
  /** Mean absolute luma difference, 0..255. */
  mean: number;
  /** Largest single-pixel difference, 0..255. */
  max: number;
}

/** How far apart two fingerprints are; undefined when they are not comparable. */
export function frameDifference(a: FrameFingerprint, b: FrameFingerprint): FrameDifference | undefined {
  if (a.width !== b.width || a.height !== b.height || a.luma.length !== b.luma.length || a.luma.length === 0) {
    return undefined;
  }
  let total = 0;
  let max = 0;
  for (let i = 0; i < a.luma.length; i++) {
    const d = Math.abs((a.luma[i] ?? 0) - (b.luma[i] ?? 0));
    total += d;
    if (d > max) max = d;
  }
  return { mean: total / a.luma.length, max };
}

export interface FrameJudgement {
  verdict: ImageVerdict;
  stats: LumaStats;
  /** Undefined without a comparable previous frame. */
  difference: FrameDifference | undefined;
  /** Why, for people: names the numbers that decided it. */
  message: string;
}

/**
 * The verdict, most specific problem first: a grey slab is corrupt; a flat picture is black
 * when dark and covered otherwise (a black frozen stream is reported as black, the thing to
 * fix); only a picture with content can be frozen. A night scene with one lamp is dark but not
 * flat, so it is `ok`.
 */
export function judgeFrame(
  current: FrameFingerprint,
  previous: FrameFingerprint | undefined,
  thresholds: ImageThresholds = DEFAULT_IMAGE_THRESHOLDS,
): FrameJudgement {
  const stats = lumaStats(current);
  const difference = previous ? frameDifference(current, previous) : undefined;
  const nums = `mean ${stats.mean.toFixed(1)}, spread ${stats.spread}`;
  const judged = (verdict: ImageVerdict, message: string): FrameJudgement => ({ verdict, stats, difference, message });

  const flat = stats.spread <= thresholds.flatMaxSpread;
  if (!flat && stats.smeared >= thresholds.smearMinFraction) {
    return judged('corrupt', `bottom ${Math.round(stats.smeared * 100)}% of the picture is a grey smear (${nums})`);
  }
  if (flat && (current.valueMean ?? stats.mean) <= thresholds.darkMaxMean) return judged('black', `picture is black (${nums})`);
  if (flat) return judged('covered', `picture is one flat colour: lens covered or no signal (${nums})`);
  const gap = previous ? current.at - previous.at : 0;
  if (
    difference !== undefined &&
    gap >= thresholds.frozenMinGapMs &&
    difference.mean <= thresholds.frozenMaxDiff &&
    difference.max <= thresholds.frozenMaxPixelDiff
  ) {
    return judged('frozen', `picture unchanged over ${(gap / 1000).toFixed(1)} s (difference ${difference.mean.toFixed(2)})`);
  }
  const moved = difference === undefined ? '' : `, difference ${difference.mean.toFixed(2)}`;
  return judged('ok', `picture looks live (${nums}${moved})`);
}
