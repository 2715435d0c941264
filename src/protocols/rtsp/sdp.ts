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
const LINE = /^([a-z])=(.*)$/;

/**
 * Parses the media sections; undefined when the text is not an SDP: it must open with `v=0`
 * and every non-empty line must be `<letter>=<value>`. A camera that answers DESCRIBE with an
 * HTML error page under `Content-Type: application/sdp` fails here.
 */
export function parseSdp(text: string): SdpSummary | undefined {
  const lines = text
    .replace(/\0+$/, '') // some firmware pads the body with NULs up to Content-Length
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  if (lines[0] !== 'v=0') return undefined;
  const media: Array<SdpMedia & { rtpmap: Record<string, string> }> = [];
  let current: (typeof media)[number] | undefined;
  let sessionControl: string | undefined;
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) return undefined;
    const [, kind, value = ''] = m;
    if (kind === 'm') {
      const [type = '', , , ...formats] = value.split(/\s+/);
      if (!type || formats.length === 0) return undefined;
      current = { type: type.toLowerCase(), formats, rtpmap: {} };
      media.push(current);
    } else if (kind === 'a' && current && value.startsWith('rtpmap:')) {
      const rm = /^rtpmap:(\d+)\s+([^/\s]+)/.exec(value);
      if (rm?.[1] && rm[2]) current.rtpmap[rm[1]] = rm[2].toUpperCase();
    } else if (kind === 'a' && value.startsWith('control:')) {
      const control = value.slice('control:'.length).trim();
      if (current) current.control = control;
      else sessionControl = control;
    }
  }
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
