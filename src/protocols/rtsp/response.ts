/**
 * Incremental RTSP response parser: bytes in as they arrive, a complete response out. Bounded
 * for hostile cameras: a reply that does not start like RTSP fails on its first bytes, and one
 * larger than the cap (headers and body together) fails as soon as it passes the cap, whether
 * it declares its length or drips for ever. Must not do I/O or keep more than the cap in memory.
 *
 * Once a stream plays over TCP, the same connection carries RTP interleaved between replies
 * (RFC 2326 §10.12: `$`, a channel byte, a 16-bit length, the packet); `next()` hands those out
 * as frames, so a packet that arrives in the same read as the PLAY reply is not lost.
 */
import { RtspError } from './errors.js';

export interface RtspResponse {
  statusCode: number;
  statusText: string;
  /** Header values by lower-cased name; repeated headers (WWW-Authenticate) keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** The first value of a header, or undefined. */
export function header(res: RtspResponse, name: string): string | undefined {
  return res.headers[name.toLowerCase()]?.[0];
}

/** One interleaved packet: `channel` is the one the SETUP reply's `interleaved=` named. */
export interface InterleavedFrame {
  channel: number;
  data: Buffer;
}

export type RtspMessage = { kind: 'response'; response: RtspResponse } | { kind: 'frame'; frame: InterleavedFrame };

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const DOLLAR = 0x24;
const PREFIX = Buffer.from('RTSP/', 'latin1');
const STATUS_LINE = /^RTSP\/(\d)\.(\d)\s+(\d{3})(?:\s+(.*))?$/;
/** No bytes: the body of a reply without one, and a reader's buffer before any arrive. Shared, as it holds nothing. */
const NO_BYTES = Buffer.alloc(0);

export class RtspResponseReader {
  private buf: Buffer = NO_BYTES;
  /** `buf` lies in memory lent for the current call only (see `feed`). */
  private lent = false;

  constructor(private readonly maxBytes: number = DEFAULT_MAX_RESPONSE_BYTES) {}

  /** Bytes received so far that are not yet part of a returned response. */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * Adds bytes; returns the response once it is complete, else undefined.
   * Throws RtspError ('bad_response' or 'too_large') as soon as the bytes cannot become one.
   */
  push(chunk: Buffer): RtspResponse | undefined {
    this.feed(chunk);
    return this.response();
  }

  /**
   * Adds bytes without parsing them; take messages out with `next()`. A `lent` chunk's memory
   * is the caller's again once it has taken out what it can (a read buffer the next read
   * overwrites): it then calls `retain()`.
   */
  feed(chunk: Buffer, lent = false): void {
    if (this.buf.length === 0) {
      this.buf = chunk;
      this.lent = lent;
    } else {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.lent = false;
    }
  }

  /** Copies what is left of a lent chunk into memory of the reader's own. */
  retain(): void {
    if (this.lent && this.buf.length > 0) this.buf = Buffer.from(this.buf);
    this.lent = false;
  }

  /**
   * The next complete message, a reply or an interleaved frame, or undefined until more bytes
   * arrive. Throws RtspError as push() does.
   */
  next(): RtspMessage | undefined {
    if (this.buf.length === 0) return undefined;
    if (this.buf[0] === DOLLAR) {
      if (this.buf.length < 4) return undefined;
      const size = this.buf.readUInt16BE(2);
      if (this.buf.length < 4 + size) return undefined;
      const frame = { channel: this.buf[1] ?? 0, data: this.buf.subarray(4, 4 + size) };
      this.buf = this.buf.subarray(4 + size);
      return { kind: 'frame', frame };
    }
    const response = this.response();
    return response ? { kind: 'response', response } : undefined;
  }

  private response(): RtspResponse | undefined {
    // Compared in place: a subarray per call was a buffer object per reply and per read.
    const seen = Math.min(this.buf.length, PREFIX.length);
    if (PREFIX.compare(this.buf, 0, seen, 0, seen) !== 0) {
      throw new RtspError('bad_response', `reply is not RTSP (starts with ${printable(this.buf.subarray(0, PREFIX.length))})`, true);
    }
    const end = headerEnd(this.buf);
    if (end === undefined) {
      if (this.buf.length > this.maxBytes) throw tooLarge(this.maxBytes);
      return undefined;
    }
    const res = parseHead(this.buf.toString('latin1', 0, end.at));
    const lengthText = res.headers['content-length']?.[0];
    const length = lengthText === undefined ? 0 : Number(lengthText.trim());
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new RtspError('bad_response', `invalid Content-Length ${printable(Buffer.from(lengthText ?? ''))}`, true);
    }
    const total = end.at + end.size + length;
    if (total > this.maxBytes) throw tooLarge(this.maxBytes);
    if (this.buf.length < total) return undefined;
    if (length > 0) {
      res.body = Buffer.allocUnsafe(length);
      this.buf.copy(res.body, 0, end.at + end.size, total);
    }
    this.buf = this.buf.subarray(total);
    return res;
  }
}

/** Parses a whole response given at once (tests, fixtures). */
export function parseRtspResponse(bytes: Buffer, maxBytes = DEFAULT_MAX_RESPONSE_BYTES): RtspResponse {
  const res = new RtspResponseReader(maxBytes).push(bytes);
  if (!res) throw new RtspError('bad_response', 'reply is incomplete', true);
  return res;
}

/** Where the header block ends. Bare LF line endings are tolerated: some firmware sends them. */
function headerEnd(buf: Buffer): { at: number; size: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n', 0, 'latin1');
  const lf = buf.indexOf('\n\n', 0, 'latin1');
  if (crlf < 0 && lf < 0) return undefined;
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return { at: lf, size: 2 };
  return { at: crlf, size: 4 };
}

/**
 * The status line and headers. Lines are taken off the text one by one (as `split(/\r?\n/)`
 * would cut them) rather than split into an array first: every check parses a reply or more.
 */
function parseHead(text: string): RtspResponse {
  let start = 0;
  const nextLine = (): string => {
    const nl = text.indexOf('\n', start);
    const stop = nl < 0 ? text.length : nl;
    const line = text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : stop);
    start = nl < 0 ? text.length + 1 : nl + 1;
    return line;
  };
  const statusLine = nextLine();
  const m = STATUS_LINE.exec(statusLine.trim());
  if (!m) throw new RtspError('bad_response', `bad status line ${printable(Buffer.from(statusLine, 'latin1'))}`, true);
  const headers: Record<string, string[]> = {};
  let last: string[] | undefined;
  while (start <= text.length) {
    const line = nextLine();
    const first = line.charCodeAt(0);
    if ((first === 32 || first === 9) && last && last.length > 0) {
      last[last.length - 1] += ` ${line.trim()}`; // obsolete line folding
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new RtspError('bad_response', `bad header line ${printable(Buffer.from(line, 'latin1'))}`, true);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    // A literal of one for the first value: `[]` grown by push() reserves 16 slots, per header.
    last = headers[name];
    if (last) last.push(value);
    else headers[name] = last = [value];
  }
  return { statusCode: Number(m[3]), statusText: m[4] ?? '', headers, body: NO_BYTES };
}

function tooLarge(max: number): RtspError {
  return new RtspError('too_large', `reply larger than ${max} bytes`, true);
}

/** A short, safe rendering of bytes from the camera for a message. */
function printable(bytes: Buffer): string {
  const text = bytes.subarray(0, 40).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return JSON.stringify(text);
}
