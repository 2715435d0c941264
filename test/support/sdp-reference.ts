/**
 * The SDP reader as it was written first: every line sliced, tested with a regular expression,
 * rtpmaps matched with one. Kept as the readable statement of what src/protocols/rtsp/sdp.ts
 * must answer, which reads the lines in place; test/unit/probe-sdp.test.ts compares the two
 * over mutated vendor SDPs. One deliberate difference: a format named like an Object.prototype
 * member (`constructor`) named a codec here.
 */
import type { SdpMedia, SdpSummary } from '../../src/protocols/rtsp/index.js';

// Static RTP payload types (RFC 3551) that carry video; cameras almost always use dynamic ones.
const STATIC_VIDEO: Record<string, string> = { '26': 'JPEG', '31': 'H261', '32': 'MPV', '33': 'MP2T', '34': 'H263' };
const STATIC_AUDIO: Record<string, string> = { '0': 'PCMU', '8': 'PCMA', '14': 'MPA' };
/** `<letter>=<value>` (a value runs to the end of its line). */
const LINE = /^[a-z]=[^\r\n\u2028\u2029]*$/;

/** The media sections; undefined when the text is not an SDP (see parseSdp). */
export function parseSdpReference(text: string): SdpSummary | undefined {
  // Some firmware pads the body with NULs up to Content-Length.
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  const media: Array<SdpMedia & { rtpmap: Record<string, string> }> = [];
  let current: (typeof media)[number] | undefined;
  let sessionControl: string | undefined;
  let opened = false;
  for (let start = 0; start <= end; ) {
    let stop = text.indexOf('\n', start);
    if (stop < 0 || stop > end) stop = end;
    const line = text.slice(start, stop).trimEnd();
    start = stop + 1;
    if (line === '') continue;
    if (!opened) {
      if (line !== 'v=0') return undefined;
      opened = true;
    }
    if (!LINE.test(line)) return undefined;
    const kind = line[0];
    if (kind === 'm') {
      const [type = '', , , ...formats] = line.slice(2).split(/\s+/);
      if (!type || formats.length === 0) return undefined;
      current = { type: type.toLowerCase(), formats, rtpmap: {} };
      media.push(current);
    } else if (kind === 'a' && current && line.startsWith('rtpmap:', 2)) {
      const rm = /^a=rtpmap:(\d+)\s+([^/\s]+)/.exec(line);
      if (rm?.[1] && rm[2]) current.rtpmap[rm[1]] = rm[2].toUpperCase();
    } else if (kind === 'a' && line.startsWith('control:', 2)) {
      const control = line.slice(2 + 'control:'.length).trim();
      if (current) current.control = control;
      else sessionControl = control;
    }
  }
  if (!opened) return undefined;
  return {
    ...(sessionControl !== undefined ? { control: sessionControl } : {}),
    media: media.map(({ rtpmap, ...m }) => {
      const first = m.formats[0] ?? '';
      const table = m.type === 'video' ? STATIC_VIDEO : m.type === 'audio' ? STATIC_AUDIO : {};
      return { ...m, codec: rtpmap[first] ?? table[first] };
    }),
  };
}
