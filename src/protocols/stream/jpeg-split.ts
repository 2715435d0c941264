/**
 * Splits an MJPEG byte stream (ffmpeg's `-f mjpeg` on a pipe: JPEGs back to back) into whole
 * JPEGs on their markers: a picture starts at SOI (FF D8) and ends at the EOI (FF D9) that
 * follows its entropy-coded data. Inside that data FF is always stuffed (FF 00) or a restart
 * marker, so an FF D9 there is the end. Must not decode anything.
 */

export interface JpegSplitterOptions {
  /** A picture growing past this is dropped with everything buffered. @defaultValue 8 MiB */
  maxBytes?: number;
}

export class JpegSplitter {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly maxBytes: number;

  constructor(options: JpegSplitterOptions = {}) {
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  }

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const start = this.buffer.indexOf(SOI);
      if (start < 0) {
        this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - 1));
        break;
      }
      const end = this.endOf(start);
      if (end === GARBLED) {
        this.buffer = this.buffer.subarray(start + 2);
        continue;
      }
      if (end < 0) {
        this.buffer = this.buffer.subarray(start);
        if (this.buffer.length > this.maxBytes) this.buffer = Buffer.alloc(0);
        break;
      }
      out.push(Buffer.from(this.buffer.subarray(start, end)));
      this.buffer = this.buffer.subarray(end);
    }
    return out;
  }

  /** The offset just past the picture that starts at `start`, -1 when it is not all here, GARBLED when it is no JPEG. */
  private endOf(start: number): number {
    const b = this.buffer;
    let at = start + 2;
    // Marker segments up to the start of scan carry lengths: skip them whole (their bytes may hold FF D9).
    while (at + 4 <= b.length) {
      if (b[at] !== 0xff) return GARBLED;
      const marker = b[at + 1]!;
      if (marker === 0xff) {
        at++;
        continue;
      }
      const length = b.readUInt16BE(at + 2);
      at += 2 + length;
      if (marker === 0xda) {
        const eoi = b.indexOf(EOI, at);
        return eoi < 0 ? -1 : eoi + 2;
      }
    }
    return -1;
  }
}

const GARBLED = -2;
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
