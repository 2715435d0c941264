/**
 * The image check fingerprints a frame from a shrunk decode (JPEG shrink-on-load, 1/8 for HD);
 * before, it decoded at phone size and scaled that down. This holds the shrunk decode to the
 * verdicts of the phone-sized one on pictures that sit near the verdicts' edges, at the sizes
 * cameras send: a night scene that is nearly black but for a few lamps, an overexposed one, a
 * black frame with its clock, flat screens, a decoder smear, a still picture whose clock ticks
 * (live) and the same picture sent twice with fresh JPEG noise (frozen), down to 320x240, where
 * 1/8 would leave fewer pixels than the fingerprint has. From 1280x720 up the check reads the
 * JPEG's DC coefficients in JS (jpeg-dc.ts) instead of asking sharp: each case is also held to
 * the sharp decode that replaced, and the JS reader must have read the picture at all.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, sharpFingerprint } from '../../src/protocols/image/decode.js';
import { decodeFrame, fingerprintFrame, judgeFrame, lumaStats, type FrameFingerprint } from '../../src/protocols/image/index.js';
import { jpegDcPicture } from '../support/dc-picture.js';
import { mulberry32 } from '../support/random.js';

type Rgb = [number, number, number];
/** Paints one pixel from its place as fractions of the width and height, so a scene renders at any size. */
type Paint = (u: number, v: number, noise: number) => Rgb;

const SIZES: Array<[number, number]> = [
  [320, 240],
  [640, 360],
  [1280, 720],
  [1920, 1080],
  [2560, 1440],
];

async function jpeg(paint: Paint, width: number, height: number, { seed = 1, quality = 80 } = {}): Promise<Buffer> {
  const noise = mulberry32(seed);
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const rgb = paint(x / width, y / height, noise() - 0.5);
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) px[i + c] = Math.max(0, Math.min(255, Math.round(rgb[c]!)));
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

const grey = (v: number): Rgb => [v, v, v];

/** A camera's on-screen clock, top left: eight digits about 3 % of the height, lit cells changing with `seconds`. */
function clock(u: number, v: number, seconds: number, aspect: number): boolean {
  const h = 0.03;
  const w = h * 0.6 / aspect;
  if (v < 0.03 || v > 0.03 + h || u < 0.02 || u > 0.02 + 8 * w * 1.3) return false;
  const cell = Math.floor((u - 0.02) / (w * 1.3));
  const inCell = ((u - 0.02) % (w * 1.3)) / w;
  if (inCell > 1) return false;
  const lit = (cell * 7 + seconds) % 3 !== 0;
  const inV = (v - 0.03) / h;
  return lit && (inV < 0.15 || inV > 0.85 || inCell < 0.2 || inCell > 0.8);
}

/** A street by day: sky, a building, a road, a car at `carU`, sensor noise. */
const day = (carU: number, seconds: number, aspect: number): Paint => (u, v, n) => {
  if (clock(u, v, seconds, aspect)) return grey(255);
  const s = n * 14;
  if (u > carU && u < carU + 0.12 && v > 0.55 && v < 0.8) return [200 + s, 40 + s, 40 + s];
  if (v < 0.4) return [110 + v * 120 + s, 150 + v * 90 + s, 210 + s];
  if (u > 0.15 && u < 0.4 && v > 0.25 && v < 0.7) return [150 + s, 140 + s, 120 + s];
  return [90 + (v - 0.4) * 90 + s, 100 + s, 80 + s];
};

/** Nearly black: a dark street, three small lamps with a little glow, the clock. */
const night: (aspect: number) => Paint = (aspect) => (u, v, n) => {
  if (clock(u, v, 7, aspect)) return grey(255);
  const lamps = [[0.3, 0.3], [0.62, 0.28], [0.85, 0.35]] as const;
  let glow = 0;
  for (const [lu, lv] of lamps) {
    const d = Math.hypot((u - lu) * aspect, v - lv);
    glow += d < 0.008 ? 255 : 160 * Math.exp(-d / 0.03);
  }
  const street = v > 0.65 ? 14 + (1 - v) * 20 : 4 + v * 6;
  return [street + glow + n * 8, street + glow * 0.9 + n * 8, street + glow * 0.6 + n * 8 + 3];
};

/** Overexposed: the sun on the lens, everything near white, a little structure left. */
const overexposed: (aspect: number) => Paint = (aspect) => (u, v, n) => {
  if (clock(u, v, 7, aspect)) return grey(255);
  const building = u > 0.15 && u < 0.4 && v > 0.25 && v < 0.7 ? -22 : 0;
  return grey(238 + building + (v > 0.75 ? -10 : 0) + n * 6);
};

const flat = (rgb: Rgb, aspect: number): Paint => (u, v, n) => (clock(u, v, 7, aspect) ? grey(255) : [rgb[0] + n * 4, rgb[1] + n * 4, rgb[2] + n * 4]);

/** A corridor: walls, a door, and a plain grey concrete floor filling the bottom quarter (near what the smear test takes for one; a third would be, for both decodes). */
const corridor = (aspect: number): Paint => (u, v, n) => {
  if (clock(u, v, 7, aspect)) return grey(255);
  const s = n * 10;
  if (v > 0.75) return grey(118 + (v - 0.75) * 30 + s);
  if (u > 0.45 && u < 0.6 && v > 0.2) return [120 + s, 80 + s, 50 + s];
  return [200 - v * 60 + s, 195 - v * 60 + s, 180 - v * 60 + s];
};

/** The day scene with its bottom 40 % a mid-grey slab, as broken H.264 decodes. */
const smeared = (aspect: number): Paint => (u, v, n) => (v >= 0.6 ? grey(128) : day(0.5, 7, aspect)(u, v, n));

/**
 * Fingerprint as the check takes it now (DC coefficients from 720p up, else a shrunk decode), as
 * sharp's shrunk decode takes it, and as the check did first (phone-sized decode scaled down).
 */
async function both(bytes: Buffer, at: number): Promise<{ now: FrameFingerprint; shrunk: FrameFingerprint; before: FrameFingerprint }> {
  const { width, height } = (await sharp(bytes).metadata()) as { width: number; height: number };
  const [now, shrunk, before] = await Promise.all([
    fingerprintFrame(bytes, at),
    sharpFingerprint(bytes, at, width, height, DEFAULT_DECODE_LIMITS),
    decodeFrame(bytes, at),
  ]);
  return { now: now.fingerprint, shrunk: shrunk.fingerprint, before: before.fingerprint };
}

describe('the check\'s shrunk decode judges as the phone-sized decode did', () => {
  describe.each(SIZES)('%ix%i', (width, height) => {
    const aspect = width / height;
    const single: Array<[string, Paint, string]> = [
      ['a street by day', day(0.5, 7, aspect), 'ok'],
      ['a nearly black night scene with a few lamps', night(aspect), 'ok'],
      ['an overexposed picture', overexposed(aspect), 'ok'],
      ['a corridor with a plain grey floor', corridor(aspect), 'ok'],
      ['a black frame with its clock', flat([0, 0, 0], aspect), 'black'],
      ['a grey "no signal" screen', flat([128, 128, 128], aspect), 'covered'],
      ['a blue "no signal" screen', flat([16, 32, 200], aspect), 'covered'],
      ['a decoder smear', smeared(aspect), 'corrupt'],
    ];

    it.each(single)('%s', async (_name, paint, verdict) => {
      const bytes = await jpeg(paint, width, height);
      expect(jpegDcPicture(bytes), 'the JS reader reads what sharp encodes').toBeDefined();
      const { now, shrunk, before } = await both(bytes, 0);
      const a = judgeFrame(now, undefined);
      const b = judgeFrame(before, undefined);
      const c = judgeFrame(shrunk, undefined);
      expect(b.verdict, `phone-sized decode: ${b.message}`).toBe(verdict);
      expect(c.verdict, `sharp's shrunk decode: ${c.message}`).toBe(verdict);
      expect(a.verdict, `the check's decode: ${a.message}`).toBe(verdict);
      for (const other of [before, shrunk]) {
        const [sa, sb] = [lumaStats(now), lumaStats(other)];
        expect(Math.abs(sa.mean - sb.mean)).toBeLessThan(1.5);
        expect(Math.abs(sa.spread - sb.spread)).toBeLessThanOrEqual(6);
        // Far from the threshold (0.3) unless at it: how many flat rows a smooth floor makes moves
        // with the residual noise of each decode, either way.
        expect(Math.abs(sa.smeared - sb.smeared)).toBeLessThanOrEqual(0.2);
        expect(Math.abs((now.valueMean ?? 0) - (other.valueMean ?? 0))).toBeLessThan(1.5);
      }
    });

    it('the same picture sent again with fresh JPEG noise is frozen', async () => {
      const first = await jpeg(day(0.5, 7, aspect), width, height);
      // The camera encoded its stuck frame again: decoded and re-encoded at its quality, a
      // generation of JPEG loss. (Re-encoded at another quality, the difference is 0.2–0.3 for
      // both decodes, over the threshold: the 8-bit fingerprint's rounding, not the decode.)
      const again = await sharp(first).jpeg({ quality: 80 }).toBuffer();
      expect(again.equals(first)).toBe(false);
      const a = await both(first, 0);
      const b = await both(again, 10_000);
      for (const [label, prev, cur] of [['the check\'s', a.now, b.now], ['sharp\'s shrunk', a.shrunk, b.shrunk], ['phone-sized', a.before, b.before]] as const) {
        const j = judgeFrame(cur, prev);
        expect(j.verdict, `${label} decode: ${j.message}`).toBe('frozen');
      }
    });

    it('a still picture whose clock ticked, or whose car moved, is live', async () => {
      const first = await both(await jpeg(day(0.5, 7, aspect), width, height, { seed: 1 }), 0);
      const ticked = await both(await jpeg(day(0.5, 8, aspect), width, height, { seed: 1 }), 10_000);
      const moved = await both(await jpeg(day(0.56, 7, aspect), width, height, { seed: 2 }), 10_000);
      for (const [label, prev, cur] of [
        ['the check\'s, clock', first.now, ticked.now],
        ['sharp\'s shrunk, clock', first.shrunk, ticked.shrunk],
        ['phone-sized, clock', first.before, ticked.before],
        ['the check\'s, car', first.now, moved.now],
        ['sharp\'s shrunk, car', first.shrunk, moved.shrunk],
        ['phone-sized, car', first.before, moved.before],
      ] as const) {
        const j = judgeFrame(cur, prev);
        expect(j.verdict, `${label}: ${j.message}, max ${j.difference?.max}`).toBe('ok');
      }
    });
  });

  it.each(['black.jpg', 'night-lamp.jpg', 'grey.jpg', 'blue-screen.jpg', 'noise.jpg', 'scene-a.jpg', 'bars.jpg', 'smeared.jpg'])(
    'fixture %s',
    async (name) => {
      const bytes = readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));
      const previous = await both(readFileSync(new URL('../fixtures/images/scene-b.jpg', import.meta.url)), 0);
      const { now, shrunk, before } = await both(bytes, 10_000);
      expect(judgeFrame(now, previous.now).verdict).toBe(judgeFrame(before, previous.before).verdict);
      expect(judgeFrame(now, previous.now).verdict).toBe(judgeFrame(shrunk, previous.shrunk).verdict);
      expect(Math.abs(lumaStats(now).mean - lumaStats(before).mean)).toBeLessThan(1.5);
    },
  );
});
