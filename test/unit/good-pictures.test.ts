/** The last good picture per camera: only frames judged good, never an older one, memory capped. */
import { describe, expect, it } from 'vitest';
import { GoodPictures } from '../../src/services/good-pictures.js';

const frame = (at: number, tag = String(at)) => ({ jpeg: Buffer.from(`full-${tag}`), thumbJpeg: Buffer.from(`thumb-${tag}`), at });

describe('GoodPictures', () => {
  it('keeps the newest frame judged good, not a bad one that came after it', () => {
    const good = new GoodPictures();
    good.offer('cam', frame(1000), true);
    good.offer('cam', frame(2000, 'black'), false);
    expect(good.get('cam')).toEqual({ jpeg: Buffer.from('full-1000'), thumbJpeg: Buffer.from('thumb-1000'), at: 1000 });
    good.offer('cam', frame(3000), true);
    expect(good.get('cam')?.at).toBe(3000);
  });

  it('never replaces a picture with an older one (a late round)', () => {
    const good = new GoodPictures();
    good.offer('cam', frame(3000), true);
    good.offer('cam', frame(2000), true);
    expect(good.get('cam')?.at).toBe(3000);
  });

  it('keeps at most `max` cameras, dropping the one judged longest ago, and forgets deleted cameras', () => {
    const good = new GoodPictures(2);
    good.offer('a', frame(1), true);
    good.offer('b', frame(2), true);
    good.offer('a', frame(3), true);
    good.offer('c', frame(4), true);
    expect([good.get('a')?.at, good.get('b'), good.get('c')?.at]).toEqual([3, undefined, 4]);
    good.forget('a');
    expect(good.get('a')).toBeUndefined();
  });
});
