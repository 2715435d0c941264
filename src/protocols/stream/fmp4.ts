/**
 * Reads a fragmented MP4 byte stream (as ffmpeg writes it to a pipe) into its parts: the init
 * segment (ftyp + moov) with the codec string a browser's MediaSource wants, then one media
 * fragment per moof + mdat, each marked when it begins with a key frame. Only box headers and the
 * few fields named here are read: samples are never decoded or rewritten.
 * Must not trust sizes: a box larger than `maxBoxBytes` ends the stream with an error.
 */

export interface InitSegment {
  kind: 'init';
  data: Buffer;
  /** RFC 6381 codec, e.g. `avc1.42E01E`; the sample entry's four letters when not H.264. */
  codec: string;
  /** True for H.264 (avc1/avc3), the codec phones play through MSE. */
  h264: boolean;
  /** The track's timescale (ticks per second), for the fragments' decode times. */
  timescale: number;
  width: number;
  height: number;
}

export interface MediaFragment {
  kind: 'fragment';
  data: Buffer;
  /** The fragment's first sample is a sync sample (a key frame): a decoder may start here. */
  keyframe: boolean;
  /** baseMediaDecodeTime, in the track's timescale (undefined without tfdt). */
  decodeTime: number | undefined;
}

export type Fmp4Part = InitSegment | MediaFragment;

export interface SplitterOptions {
  /** @defaultValue 16 MiB */
  maxBoxBytes?: number;
}

export class Fmp4Error extends Error {
  override name = 'Fmp4Error';
}

/** Feed it chunks from the pipe; it returns the parts completed by each chunk. */
export class Fmp4Splitter {
  private buffer: Buffer = Buffer.alloc(0);
  private initParts: Buffer[] = [];
  private init: InitSegment | undefined;
  private pendingMoof: Buffer | undefined;
  private readonly maxBoxBytes: number;

  constructor(options: SplitterOptions = {}) {
    this.maxBoxBytes = options.maxBoxBytes ?? 16 * 1024 * 1024;
  }

  push(chunk: Buffer): Fmp4Part[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: Fmp4Part[] = [];
    for (;;) {
      if (this.buffer.length < 8) break;
      let size = this.buffer.readUInt32BE(0);
      let header = 8;
      if (size === 1) {
        if (this.buffer.length < 16) break;
        size = Number(this.buffer.readBigUInt64BE(8));
        header = 16;
      }
      if (size < header || size > this.maxBoxBytes) throw new Fmp4Error(`box of ${size} bytes`);
      if (this.buffer.length < size) break;
      const box = this.buffer.subarray(0, size);
      this.buffer = this.buffer.subarray(size);
      const part = this.take(box.toString('latin1', 4, 8), box);
      if (part) out.push(part);
    }
    return out;
  }

  private take(type: string, box: Buffer): Fmp4Part | undefined {
    if (!this.init) {
      if (type === 'ftyp') this.initParts = [box];
      else if (type === 'moov') {
        this.init = { kind: 'init', data: Buffer.concat([...this.initParts, box]), ...describeMoov(box) };
        return this.init;
      }
      // Anything else before the moov (free, prft) is not needed by a player.
      return undefined;
    }
    if (type === 'moof') {
      this.pendingMoof = box;
      return undefined;
    }
    if (type === 'mdat' && this.pendingMoof) {
      const moof = this.pendingMoof;
      this.pendingMoof = undefined;
      return { kind: 'fragment', data: Buffer.concat([moof, box]), ...describeMoof(moof) };
    }
    return undefined;
  }
}

/** Child boxes of a box's payload from `start`: [type, payload] pairs. */
function* children(box: Buffer, start: number): Generator<[string, Buffer]> {
  let at = start;
  while (at + 8 <= box.length) {
    const size = box.readUInt32BE(at);
    if (size < 8 || at + size > box.length) return;
    yield [box.toString('latin1', at + 4, at + 8), box.subarray(at, at + size)];
    at += size;
  }
}

function child(box: Buffer, start: number, type: string): Buffer | undefined {
  for (const [t, b] of children(box, start)) if (t === type) return b;
  return undefined;
}

function path(box: Buffer, start: number, types: string[]): Buffer | undefined {
  let current: Buffer | undefined = box;
  let offset = start;
  for (const t of types) {
    if (!current) return undefined;
    current = child(current, offset, t);
    offset = 8;
  }
  return current;
}

function describeMoov(moov: Buffer): Omit<InitSegment, 'kind' | 'data'> {
  // The first video track is the one ffmpeg was told to map.
  for (const [type, trak] of children(moov, 8)) {
    if (type !== 'trak') continue;
    const mdia = child(trak, 8, 'mdia');
    const hdlr = mdia && child(mdia, 8, 'hdlr');
    if (!mdia || !hdlr || hdlr.toString('latin1', 16, 20) !== 'vide') continue;
    const mdhd = child(mdia, 8, 'mdhd');
    const timescale = mdhd ? mdhd.readUInt32BE(mdhd[8] === 1 ? 28 : 20) : 90_000;
    const stsd = path(mdia, 8, ['minf', 'stbl', 'stsd']);
    // stsd: header 8, version/flags 4, entry count 4, then the sample entries.
    const entry = stsd && stsd.length >= 16 + 8 ? stsd.subarray(16, 16 + stsd.readUInt32BE(16)) : undefined;
    if (!entry || entry.length < 86) throw new Fmp4Error('no video sample entry');
    const format = entry.toString('latin1', 4, 8);
    const width = entry.readUInt16BE(32);
    const height = entry.readUInt16BE(34);
    // A visual sample entry's own fields are 78 bytes after its 8-byte header.
    const avcC = child(entry, 86, 'avcC');
    if ((format === 'avc1' || format === 'avc3') && avcC && avcC.length >= 12) {
      const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, '0');
      return { codec: `${format}.${hex(avcC[9]!)}${hex(avcC[10]!)}${hex(avcC[11]!)}`, h264: true, timescale, width, height };
    }
    return { codec: format, h264: false, timescale, width, height };
  }
  throw new Fmp4Error('no video track');
}

const NON_SYNC = 0x10000;

function describeMoof(moof: Buffer): Omit<MediaFragment, 'kind' | 'data'> {
  const traf = child(moof, 8, 'traf');
  if (!traf) return { keyframe: false, decodeTime: undefined };
  const tfhd = child(traf, 8, 'tfhd');
  const tfdt = child(traf, 8, 'tfdt');
  const trun = child(traf, 8, 'trun');
  let defaultFlags: number | undefined;
  if (tfhd) {
    const flags = tfhd.readUInt32BE(8) & 0xffffff;
    let at = 16; // after track id
    if (flags & 0x1) at += 8;
    if (flags & 0x2) at += 4;
    if (flags & 0x8) at += 4;
    if (flags & 0x10) at += 4;
    if (flags & 0x20 && at + 4 <= tfhd.length) defaultFlags = tfhd.readUInt32BE(at);
  }
  const decodeTime = tfdt ? (tfdt[8] === 1 ? Number(tfdt.readBigUInt64BE(12)) : tfdt.readUInt32BE(12)) : undefined;
  let sampleFlags = defaultFlags;
  if (trun && trun.length >= 16) {
    const flags = trun.readUInt32BE(8) & 0xffffff;
    let at = 16; // after sample count
    if (flags & 0x1) at += 4; // data offset
    if (flags & 0x4) sampleFlags = trun.readUInt32BE(at);
    else if (flags & 0x400) {
      // Per-sample flags: the first sample's, after its duration and size if present.
      let s = at;
      if (flags & 0x100) s += 4;
      if (flags & 0x200) s += 4;
      if (s + 4 <= trun.length) sampleFlags = trun.readUInt32BE(s);
    }
  }
  return { keyframe: sampleFlags !== undefined && (sampleFlags & NON_SYNC) === 0, decodeTime };
}
