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

  it('keeps a dark camera\'s last good picture while fine cameras come and go past the cap', () => {
    const good = new GoodPictures(2);
    good.offer('dark', frame(1), true);
    good.offer('dark', frame(2, 'black'), false);
    for (let i = 0; i < 10; i++) good.offer(`fine-${i}`, frame(10 + i), true);
    expect(good.get('dark')?.at).toBe(1);
    expect(good.get('fine-9')?.at).toBe(19);
    expect(good.get('fine-8')).toBeUndefined();
    // Fine again: its picture is an ordinary one, first to go.
    good.offer('dark', frame(30), true);
    good.offer('fine-20', frame(31), true);
    good.offer('fine-21', frame(32), true);
    expect(good.get('dark')).toBeUndefined();
  });

  it('asks for a good picture only when none is kept or the kept one is `refreshMs` old', () => {
    const good = new GoodPictures(10, undefined, 60_000);
    expect(good.judged('cam', 1000, true)).toBe(true);
    good.offer('cam', frame(1000), true);
    expect(good.judged('cam', 31_000, true)).toBe(false);
    expect(good.judged('cam', 61_000, true)).toBe(true);
    good.offer('cam', frame(61_000), true);
    // A bad picture is never asked for, whatever the age; an older one (a late round) neither.
    expect(good.judged('cam', 500_000, false)).toBe(false);
    expect(good.judged('cam', 60_000, true)).toBe(false);
    expect(good.get('cam')?.at).toBe(61_000);
  });

  it('counts a camera judged bad as dark for the cap, without a picture offered', () => {
    const good = new GoodPictures(2, undefined, 60_000);
    good.offer('dark', frame(1), true);
    good.judged('dark', 2, false);
    for (let i = 0; i < 10; i++) good.offer(`fine-${i}`, frame(10 + i), true);
    expect(good.get('dark')?.at).toBe(1);
    // Fine again: first to go.
    good.judged('dark', 30, true);
    good.offer('fine-20', frame(31), true);
    expect(good.get('dark')).toBeUndefined();
  });
});
