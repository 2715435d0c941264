import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, type WireEntry } from '../../src/jobs/live-wire.js';

/** As Redis hands fields back to a binary reader: every value a Buffer. */
const roundTrip = (entry: WireEntry) => decodeEntry(encodeEntry(entry).map((f) => (typeof f === 'string' ? Buffer.from(f) : f)));

describe('live parts over Redis', () => {
  // Every byte value, including those that are not valid UTF-8: video must cross untouched.
  const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));

  it('carries an init segment and its description byte for byte', () => {
    const init = { kind: 'init' as const, data: bytes, codec: 'avc1.42E01E', h264: true, timescale: 90_000, width: 640, height: 360 };
    expect(roundTrip({ kind: 'init', seq: 0, init, stream: 'sub' })).toEqual({ kind: 'init', seq: 0, init, stream: 'sub' });
  });

  it('carries fragments with their key-frame mark and decode time, or none', () => {
    const key = { kind: 'fragment' as const, data: bytes, keyframe: true, decodeTime: 2 ** 40 };
    expect(roundTrip({ kind: 'fragment', seq: 7, fragment: key })).toEqual({ kind: 'fragment', seq: 7, fragment: key });
    const plain = { kind: 'fragment' as const, data: bytes.subarray(3), keyframe: false, decodeTime: undefined };
    expect(roundTrip({ kind: 'fragment', seq: 8, fragment: plain })).toEqual({ kind: 'fragment', seq: 8, fragment: plain });
  });

  it('carries the end with its reason, and reads an unknown reason as unavailable', () => {
    expect(roundTrip({ kind: 'end', seq: 3, reason: 'unplayable', detail: 'hev1' })).toEqual({ kind: 'end', seq: 3, reason: 'unplayable', detail: 'hev1' });
    const forged = ['t', 'e', 's', '4', 'r', 'explode'].map((f) => Buffer.from(f));
    expect(decodeEntry(forged)).toEqual({ kind: 'end', seq: 4, reason: 'unavailable', detail: undefined });
  });

  it('refuses entries that are not ours', () => {
    for (const fields of [[], ['t', 'f', 's', '1'], ['t', 'a', 's', '-1'], ['t', 'x', 's', '1'], ['t', 'i', 's', '1', 'st', 'hd', 'c', 'avc1', 'ts', '1', 'w', '1', 'hh', '1', 'd', 'x']]) {
      expect(decodeEntry(fields.map((f) => Buffer.from(f)))).toBeUndefined();
    }
  });
});
