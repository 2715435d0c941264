import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  DEFAULT_IMAGE_THRESHOLDS,
  fingerprintFrame,
  renderFrame,
  FrameDecodeError,
  frameDifference,
  judgeFrame,
  lumaStats,
  type FrameFingerprint,
} from '../../src/protocols/image/index.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/images/${name}`, import.meta.url));
/** As an image check fingerprints a frame. */
const fingerprint = async (name: string, at = 0): Promise<FrameFingerprint> => (await fingerprintFrame(fixture(name), at)).fingerprint;

/** The error every decoder (the check's fingerprint, the viewers' pictures, both at once) fails `bytes` with: the same one. */
async function decodeFailure(bytes: Buffer): Promise<FrameDecodeError> {
  const errors: unknown[] = [];
  for (const decode of [() => fingerprintFrame(bytes, 0), () => renderFrame(bytes), () => decodeFrame(bytes, 0)]) {
    try {
      await decode();
      errors.push(undefined);
    } catch (err) {
      errors.push(err);
    }
  }
  const [first] = errors;
  if (!(first instanceof FrameDecodeError)) throw new Error(`expected a FrameDecodeError, got ${String(first)}`);
  for (const err of errors) expect(err).toMatchObject({ name: 'FrameDecodeError', code: first.code });
  return first;
}

/** A fingerprint filled by `paint(x, y)`. */
function painted(paint: (x: number, y: number) => number, at = 0): FrameFingerprint {
  const luma = new Uint8Array(64 * 48);
  for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) luma[y * 64 + x] = paint(x, y);
  return { width: 64, height: 48, luma, at };
}

describe('picture verdicts on fixture frames', () => {
  it.each([
    ['black.jpg', 'black'],
    ['night-lamp.jpg', 'ok'],
    ['grey.jpg', 'covered'],
    ['blue-screen.jpg', 'covered'],
    ['noise.jpg', 'ok'],
    ['scene-a.jpg', 'ok'],
    ['bars.jpg', 'ok'],
    ['smeared.jpg', 'corrupt'],
  ] as const)('%s is %s', async (name, verdict) => {
    const j = judgeFrame(await fingerprint(name), undefined);
    expect(j.verdict, j.message).toBe(verdict);
  });

  it('tells a black frame with its clock drawn from a night scene with one lamp', async () => {
    const black = lumaStats(await fingerprint('black.jpg'));
    const night = lumaStats(await fingerprint('night-lamp.jpg'));
    // Both are dark and both vary (the clock, the lamp); only the spread of the bulk differs.
    expect(black.mean).toBeLessThan(DEFAULT_IMAGE_THRESHOLDS.darkMaxMean);
    expect(night.mean).toBeLessThan(DEFAULT_IMAGE_THRESHOLDS.darkMaxMean);
    expect(black.stdev).toBeGreaterThan(5);
    expect(black.spread).toBeLessThanOrEqual(DEFAULT_IMAGE_THRESHOLDS.flatMaxSpread);
    expect(night.spread).toBeGreaterThan(DEFAULT_IMAGE_THRESHOLDS.flatMaxSpread);
  });

  it('calls a picture frozen only when it has not changed over enough time', async () => {
    const first = await fingerprint('scene-a.jpg', 10_000);
    const same = await fingerprint('scene-a.jpg', 15_000);
    const soon = await fingerprint('scene-a.jpg', 10_500);
    const moved = await fingerprint('scene-b.jpg', 15_000);
    expect(judgeFrame(same, first).verdict).toBe('frozen');
    expect(judgeFrame(same, first).difference).toEqual({ mean: 0, max: 0 });
    expect(judgeFrame(soon, first).verdict).toBe('ok');
    const live = judgeFrame(moved, first);
    expect(live.verdict).toBe('ok');
    expect(live.difference?.mean).toBeGreaterThan(DEFAULT_IMAGE_THRESHOLDS.frozenMaxDiff);
  });

  it('does not call a frozen black picture frozen: black is the thing to fix', async () => {
    const j = judgeFrame(await fingerprint('black.jpg', 10_000), await fingerprint('black.jpg', 0));
    expect(j.verdict).toBe('black');
  });

  it('sees a ticking clock on an otherwise still picture as live', () => {
    const still = painted((x, y) => 60 + ((x * 7 + y * 3) % 90), 0);
    const ticked = { ...still, luma: Uint8Array.from(still.luma), at: 5_000 };
    ticked.luma[3 * 64 + 4] = 250; // one digit changed: too little to move the mean difference
    const d = frameDifference(ticked, still);
    expect(d?.mean).toBeLessThan(DEFAULT_IMAGE_THRESHOLDS.frozenMaxDiff);
    expect(judgeFrame(ticked, still).verdict).toBe('ok');
  });

  it('does not compare fingerprints of different sizes', () => {
    const a = painted(() => 100);
    expect(frameDifference(a, { ...a, width: 32, luma: new Uint8Array(32 * 48) })).toBeUndefined();
  });

  it('ignores a dark band at the bottom but catches a grey slab', () => {
    const nightBottom = painted((x, y) => (y > 30 ? 5 : (x * 11 + y * 5) % 200));
    const slab = painted((x, y) => (y > 30 ? 128 : (x * 11 + y * 5) % 200));
    expect(lumaStats(nightBottom).smeared).toBe(0);
    expect(lumaStats(slab).smeared).toBeCloseTo(17 / 48, 2);
    expect(judgeFrame(slab, undefined).verdict).toBe('corrupt');
  });
});

describe('decoding camera frames', () => {
  it('returns a phone-sized JPEG, a thumbnail and a 64x48 fingerprint', async () => {
    const frame = await decodeFrame(fixture('scene-a.jpg'), 1234);
    expect([frame.sourceWidth, frame.sourceHeight]).toEqual([640, 360]);
    expect((await sharp(frame.jpeg).metadata()).width).toBeLessThanOrEqual(640);
    const thumb = await sharp(frame.thumbJpeg).metadata();
    expect([thumb.format, thumb.width]).toEqual(['jpeg', 160]);
    expect(frame.fingerprint).toMatchObject({ width: 64, height: 48, at: 1234 });
    expect(frame.fingerprint.luma).toHaveLength(64 * 48);
  });

  it('fingerprints a frame as the check does, without the pictures for phones', async () => {
    const checked = await fingerprintFrame(fixture('scene-a.jpg'), 1234);
    expect(checked).toEqual({ sourceWidth: 640, sourceHeight: 360, fingerprint: expect.objectContaining({ width: 64, height: 48, at: 1234 }) });
    expect(checked.fingerprint.luma).toHaveLength(64 * 48);
    const pictures = await renderFrame(fixture('scene-a.jpg'));
    expect([pictures.sourceWidth, pictures.sourceHeight]).toEqual([640, 360]);
    expect((await sharp(pictures.thumbJpeg).metadata()).width).toBe(160);
  });

  it('scales a large frame down for phones', async () => {
    const big = await sharp({ create: { width: 2560, height: 1440, channels: 3, background: '#406080' } }).jpeg().toBuffer();
    const frame = await decodeFrame(big, 0);
    expect((await sharp(frame.jpeg).metadata()).width).toBe(640);
  });

  it('fails a truncated JPEG instead of judging its grey remainder', async () => {
    expect((await decodeFailure(fixture('truncated.jpg'))).code).toBe('undecodable');
  });

  it.each(['bomb.jpg', 'bomb.png'])('refuses %s (declares 30000x30000) before decoding it', async (name) => {
    const err = await decodeFailure(fixture(name));
    expect(err.code).toBe('too_large');
    expect(err.message).toContain('30000x30000');
  });

  it('fails garbage and formats cameras do not send', async () => {
    expect((await decodeFailure(Buffer.from('<html><body>Error: sensor not ready</body></html>'))).code).toBe('undecodable');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect((await decodeFailure(svg)).message).toMatch(/format svg/);
  });
});
