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
/** `<letter>=<value>` (a value runs to the end of its line). */
const LINE = /^[a-z]=[^\r\n\u2028\u2029]*$/;

/**
 * Parses the media sections; undefined when the text is not an SDP: it must open with `v=0`
 * and every non-empty line must be `<letter>=<value>`. A camera that answers DESCRIBE with an
 * HTML error page under `Content-Type: application/sdp` fails here.
 *
 * It runs on every liveness check, so it walks the lines in place rather than splitting and
 * matching them into arrays: those arrays were a tenth of the garbage a 10 000-camera Pantau
 * made.
 */
export function parseSdp(text: string): SdpSummary | undefined {
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

/** The first video section, if any. */
export function videoMedia(sdp: SdpSummary): SdpMedia | undefined {
  return sdp.media.find((m) => m.type === 'video');
}
