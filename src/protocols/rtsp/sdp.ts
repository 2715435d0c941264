/**
 * Just enough SDP (RFC 8866) to answer "does this camera offer video, and in what codec":
 * the media sections and their rtpmap codecs. Must not try to be a full SDP parser; anything
 * that is not recognisably SDP is rejected rather than guessed at.
 */

export interface SdpMedia {
  /** `video`, `audio`, `application`… */
  type: string;
  /** Payload formats from the m= line, in order of preference. */
  formats: string[];
  /** Codec of the first format: from a=rtpmap, or the static payload table. */
  codec?: string | undefined;
  /** The section's `a=control`: absolute, relative to the session's base, or `*`. */
  control?: string | undefined;
}

export interface SdpSummary {
  media: SdpMedia[];
  /** The session-level `a=control`, when there is one. */
  control?: string | undefined;
}

// Static RTP payload types (RFC 3551) that carry video; cameras almost always use dynamic ones.
const STATIC_VIDEO: Record<string, string> = { '26': 'JPEG', '31': 'H261', '32': 'MPV', '33': 'MP2T', '34': 'H263' };
const STATIC_AUDIO: Record<string, string> = { '0': 'PCMU', '8': 'PCMA', '14': 'MPA' };

/**
 * Parses the media sections; undefined when the text is not an SDP: it must open with `v=0`
 * and every non-empty line must be `<letter>=<value>`. A camera that answers DESCRIBE with an
 * HTML error page under `Content-Type: application/sdp` fails here.
 *
 * It runs on every liveness check, so it reads the lines where they lie in the text: only what
 * it returns is copied out (media lines, controls, the first format's codec). Slicing every line
 * and collecting every rtpmap cost 6.5 KB of garbage per 0.5 KB body (issue 16, eighth round).
 * Lines end at LF; each is taken as `String.prototype.trimEnd` would leave it.
 */
export function parseSdp(text: string): SdpSummary | undefined {
  // Some firmware pads the body with NULs up to Content-Length.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  const media: SdpMedia[] = [];
  let current: SdpMedia | undefined;
  let sessionControl: string | undefined;
  let opened = false;
  for (let start = 0; start <= end; ) {
    let stop = text.indexOf('\n', start);
    if (stop < 0 || stop > end) stop = end;
    const next = stop + 1;
    while (stop > start && isTrimmed(text.charCodeAt(stop - 1))) stop--;
    if (stop === start) {
      start = next;
      continue;
    }
    if (!opened) {
      if (stop - start !== 3 || !text.startsWith('v=0', start)) return undefined;
      opened = true;
    }
    if (!isSdpLine(text, start, stop)) return undefined;
    const kind = text.charCodeAt(start);
    if (kind === M) {
      current = mediaLine(text, start + 2, stop);
      if (!current) return undefined;
      media.push(current);
    } else if (kind === A && current && text.startsWith('rtpmap:', start + 2)) {
      const codec = rtpmapCodec(text, start + 2 + 'rtpmap:'.length, stop, current.formats[0] ?? '');
      if (codec !== undefined) current.codec = codec;
    } else if (kind === A && text.startsWith('control:', start + 2)) {
      let from = start + 2 + 'control:'.length;
      while (from < stop && isTrimmed(text.charCodeAt(from))) from++;
      const control = text.slice(from, stop);
      if (current) current.control = control;
      else sessionControl = control;
    }
    start = next;
  }
  if (!opened) return undefined;
  for (const m of media) {
    if (m.codec !== undefined) continue;
    const first = m.formats[0] ?? '';
    const table = m.type === 'video' ? STATIC_VIDEO : m.type === 'audio' ? STATIC_AUDIO : undefined;
    // Own keys only: a format named `constructor` names no codec.
    m.codec = table && Object.hasOwn(table, first) ? table[first] : undefined;
  }
  return sessionControl !== undefined ? { control: sessionControl, media } : { media };
}

const M = 0x6d; // 'm'
const A = 0x61; // 'a'

/** `<letter>=<value>`, the value without CR or a Unicode line or paragraph separator (`/^[a-z]=[^\r\n\u2028\u2029]*$/` on the line). */
function isSdpLine(text: string, start: number, stop: number): boolean {
  const letter = text.charCodeAt(start);
  if (letter < 0x61 || letter > 0x7a || text.charCodeAt(start + 1) !== 0x3d) return false;
  for (let i = start + 2; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d || c === 0x2028 || c === 0x2029) return false;
  }
  return true;
}

/**
 * `<type> <port> <proto> <format>…` (from `from`, after `m=`), split at white space as
 * `split(/\s+/)` would; undefined without a type or a format (a value that opens with white
 * space has an empty type).
 */
function mediaLine(text: string, from: number, stop: number): SdpMedia | undefined {
  let type: string | undefined;
  let fields = 0;
  const formats: string[] = [];
  for (let i = from; i < stop; ) {
    const token = i;
    while (i < stop && !isTrimmed(text.charCodeAt(i))) i++;
    if (i === token) return undefined;
    if (fields === 0) type = text.slice(token, i).toLowerCase();
    else if (fields >= 3) formats.push(text.slice(token, i));
    fields++;
    while (i < stop && isTrimmed(text.charCodeAt(i))) i++;
  }
  if (!type || formats.length === 0) return undefined;
  return { type, formats, codec: undefined };
}

/**
 * The codec of `a=rtpmap:<pt> <codec>/…` (from `from`, after the colon) when `<pt>` is `format`,
 * upper-cased; undefined for another payload type or a line that does not match
 * `/^a=rtpmap:(\d+)\s+([^/\s]+)/`.
 */
function rtpmapCodec(text: string, from: number, stop: number, format: string): string | undefined {
  let i = from;
  while (i < stop && isDigit(text.charCodeAt(i))) i++;
  if (i === from || i - from !== format.length || !text.startsWith(format, from)) return undefined;
  const spaces = i;
  while (i < stop && isTrimmed(text.charCodeAt(i))) i++;
  if (i === spaces) return undefined;
  const codec = i;
  while (i < stop && text.charCodeAt(i) !== 0x2f && !isTrimmed(text.charCodeAt(i))) i++;
  return i === codec ? undefined : text.slice(codec, i).toUpperCase();
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** What `\s` matches and `trimEnd` removes: ECMAScript white space and line terminators. */
function isTrimmed(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The first video section, if any. */
export function videoMedia(sdp: SdpSummary): SdpMedia | undefined {
  return sdp.media.find((m) => m.type === 'video');
}
