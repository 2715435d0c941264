/**
 * The pieces of the stream relay that read bytes: the fragmented-MP4 splitter (init segment,
 * codec string from avcC, key-frame fragments), the MJPEG splitter and the sub-stream patterns.
 */
import { describe, expect, it } from 'vitest';
import { Fmp4Splitter, JpegSplitter, subStreamOf, type Fmp4Part } from '../../src/protocols/stream/index.js';

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const box = (type: string, ...payload: Buffer[]) => {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, 'latin1'), body]);
};
const full = (type: string, version: number, flags: number, ...payload: Buffer[]) => box(type, u32((version << 24) | flags), ...payload);

function sampleEntry(format: string, config: Buffer, width = 640, height = 360): Buffer {
  const fields = Buffer.alloc(78);
  fields.writeUInt16BE(1, 6); // data reference index
  fields.writeUInt16BE(width, 24);
  fields.writeUInt16BE(height, 26);
  return box(format, fields, config);
}

function initSegment(entry: Buffer): Buffer {
  const mdhd = full('mdhd', 0, 0, Buffer.alloc(8), u32(90_000), Buffer.alloc(8));
  const hdlr = full('hdlr', 0, 0, u32(0), Buffer.from('vide'), Buffer.alloc(13));
  const stsd = full('stsd', 0, 0, u32(1), entry);
  const trak = box('trak', box('mdia', mdhd, hdlr, box('minf', box('stbl', stsd))));
  return Buffer.concat([box('ftyp', Buffer.from('isom')), box('moov', box('mvhd', Buffer.alloc(20)), trak)]);
}

const AVCC = box('avcC', Buffer.from([1, 0x4d, 0x40, 0x1f, 0xff]));
const SYNC = 0x02000000;
const NON_SYNC = 0x01010000;

function fragment(decodeTime: number, firstFlags: number | undefined): Buffer {
  const tfhd = full('tfhd', 0, 0x20 | 0x20000, u32(1), u32(NON_SYNC));
  const tfdt = full('tfdt', 1, 0, Buffer.from(BigInt(decodeTime).toString(16).padStart(16, '0'), 'hex'));
  const trun = firstFlags === undefined ? full('trun', 0, 0x1, u32(1), u32(0)) : full('trun', 0, 0x1 | 0x4, u32(1), u32(0), u32(firstFlags));
  return Buffer.concat([box('moof', full('mfhd', 0, 0, u32(1)), box('traf', tfhd, tfdt, trun)), box('mdat', Buffer.from('frame bytes'))]);
}

describe('Fmp4Splitter', () => {
  const stream = Buffer.concat([initSegment(sampleEntry('avc1', AVCC)), box('prft', Buffer.alloc(16)), fragment(0, SYNC), fragment(9000, undefined), fragment(18_000, SYNC)]);

  it('gives the init segment with the RFC 6381 codec from avcC, then one fragment per moof + mdat with key frames marked', () => {
    const parts = new Fmp4Splitter().push(stream);
    expect(parts.map((p) => p.kind)).toEqual(['init', 'fragment', 'fragment', 'fragment']);
    const init = parts[0] as Extract<Fmp4Part, { kind: 'init' }>;
    expect(init).toMatchObject({ codec: 'avc1.4D401F', h264: true, timescale: 90_000, width: 640, height: 360 });
    expect(init.data.toString('latin1', 4, 8)).toBe('ftyp');
    const fragments = parts.slice(1) as Extract<Fmp4Part, { kind: 'fragment' }>[];
    expect(fragments.map((f) => f.keyframe)).toEqual([true, false, true]);
    expect(fragments.map((f) => f.decodeTime)).toEqual([0, 9000, 18_000]);
    expect(fragments[0]!.data.toString('latin1', 4, 8)).toBe('moof');
  });

  it('reassembles boxes cut anywhere by the pipe', () => {
    const splitter = new Fmp4Splitter();
    const parts: Fmp4Part[] = [];
    for (let i = 0; i < stream.length; i += 7) parts.push(...splitter.push(stream.subarray(i, i + 7)));
    expect(parts.map((p) => (p.kind === 'init' ? p.codec : p.keyframe))).toEqual(['avc1.4D401F', true, false, true]);
  });

  it('names a codec a phone cannot play by its sample entry, not as H.264', () => {
    const [init] = new Fmp4Splitter().push(initSegment(sampleEntry('hev1', box('hvcC', Buffer.alloc(23)))));
    expect(init).toMatchObject({ kind: 'init', codec: 'hev1', h264: false });
  });

  it('refuses a box claiming more than the limit instead of buffering it', () => {
    const splitter = new Fmp4Splitter({ maxBoxBytes: 1024 });
    expect(() => splitter.push(Buffer.concat([u32(1 << 30), Buffer.from('mdat')]))).toThrow(/box of/);
  });
});

describe('JpegSplitter', () => {
  const jpeg = (fill: number) => Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    // An APP segment whose bytes hold FF D9: not the end.
    Buffer.from([0xff, 0xe0, 0x00, 0x06, 0xff, 0xd9, 0x00, 0x00]),
    Buffer.from([0xff, 0xda, 0x00, 0x04, 0x00, 0x00]),
    Buffer.from([fill, 0xff, 0x00, fill]),
    Buffer.from([0xff, 0xd9]),
  ]);

  it('cuts back-to-back JPEGs on SOI/EOI, across chunks, skipping marker segments', () => {
    const stream = Buffer.concat([jpeg(1), jpeg(2), jpeg(3)]);
    const splitter = new JpegSplitter();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 5) out.push(...splitter.push(stream.subarray(i, i + 5)));
    expect(out).toEqual([jpeg(1), jpeg(2), jpeg(3)]);
  });

  it('skips garbage between pictures', () => {
    expect(new JpegSplitter().push(Buffer.concat([Buffer.from('noise'), Buffer.from([0xff, 0xd8, 0x12]), jpeg(7)]))).toEqual([jpeg(7)]);
  });
});

describe('subStreamOf', () => {
  it('derives the vendors’ sub-streams and keeps credentials and other parameters as they are', () => {
    expect(subStreamOf('rtsp://admin:p%40ss@10.0.0.5:554/Streaming/Channels/101')).toBe('rtsp://admin:p%40ss@10.0.0.5:554/Streaming/Channels/102');
    expect(subStreamOf('rtsp://10.0.0.5/Streaming/Channels/301')).toBe('rtsp://10.0.0.5/Streaming/Channels/302');
    expect(subStreamOf('rtsp://10.0.0.5/h264/ch1/main/av_stream')).toBe('rtsp://10.0.0.5/h264/ch1/sub/av_stream');
    expect(subStreamOf('rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=0&x=a%26b')).toBe('rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=1&x=a%26b');
  });

  it('knows none for a URL that follows no pattern (or is already the sub-stream)', () => {
    for (const url of ['rtsp://10.0.0.5/stream1', 'rtsp://10.0.0.5/Streaming/Channels/102', 'rtsp://10.0.0.6/cam/realmonitor?channel=1&subtype=1', 'not a url']) {
      expect(subStreamOf(url), url).toBeUndefined();
    }
  });
});
