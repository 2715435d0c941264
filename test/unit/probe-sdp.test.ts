import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRtspResponse, parseSdp, videoMedia } from '../../src/protocols/rtsp/index.js';
import { mulberry32 } from '../support/random.js';
import { parseSdpReference } from '../support/sdp-reference.js';

const sdpOf = (name: string): string =>
  parseRtspResponse(readFileSync(new URL(`../fixtures/rtsp/${name}`, import.meta.url))).body.toString();

describe('SDP video detection', () => {
  it('finds H.264 video next to audio in a Hikvision SDP', () => {
    const sdp = parseSdp(sdpOf('hikvision-describe-200.txt'));
    expect(sdp?.media.map((m) => [m.type, m.codec])).toEqual([
      ['video', 'H264'],
      ['audio', 'PCMA'],
    ]);
    expect(sdp && videoMedia(sdp)?.codec).toBe('H264');
  });

  it('finds H.265 video in a Dahua SDP', () => {
    const sdp = parseSdp(sdpOf('dahua-describe-200-h265.txt'));
    expect(sdp && videoMedia(sdp)?.codec).toBe('H265');
  });

  it('reports no video for an audio-only SDP', () => {
    const sdp = parseSdp(sdpOf('audio-only-describe-200.txt'));
    expect(sdp?.media).toHaveLength(1);
    expect(sdp && videoMedia(sdp)).toBeUndefined();
  });

  it('rejects an HTML page served as application/sdp, even one mentioning m=video', () => {
    expect(parseSdp(sdpOf('html-describe-200.txt'))).toBeUndefined();
    expect(parseSdp('<html><body>500 Internal Error</body></html>\r\nm=vid')).toBeUndefined();
    expect(parseSdp('')).toBeUndefined();
  });

  it('rejects a line that is not <letter>=<value> and an m= line without formats', () => {
    expect(parseSdp('v=0\r\ns=x\r\nthis is not sdp\r\n')).toBeUndefined();
    expect(parseSdp('v=0\r\nm=video\r\n')).toBeUndefined();
  });

  it('names static payload types and tolerates LF endings and NUL padding', () => {
    const sdp = parseSdp('v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\nm=video 0 RTP/AVP 26\n\0\0\0');
    expect(sdp && videoMedia(sdp)?.codec).toBe('JPEG');
  });

  it('reads white space as trimEnd and \\s do: Unicode spaces end lines and split fields, a bare CR inside a line rejects it', () => {
    const sdp = parseSdp('v=0\u3000\r\nm=video\u00a00 RTP/AVP\t96 97\u2028\na=rtpmap:96\u2000h265/90000\na=control: \ttrack1 \r\n');
    expect(sdp).toStrictEqual({ media: [{ type: 'video', formats: ['96', '97'], codec: 'H265', control: 'track1' }] });
    expect(parseSdp('v=0\r\nm=video 0 RTP/AVP 96\ra=rtpmap:96 H264/90000\r\n')).toBeUndefined();
    expect(parseSdp('v=0\r\nm= video 0 RTP/AVP 96\r\n')).toBeUndefined();
  });

  it("takes the first format's codec from its last rtpmap, and no codec from a format named like an object's member", () => {
    const sdp = parseSdp('v=0\r\nm=video 0 RTP/AVP 97 96\r\na=rtpmap:96 H264/90000\r\na=rtpmap:97 MP4V-ES/90000\r\na=rtpmap:97 h265/90000\r\na=rtpmap:097 JPEG/90000\r\n');
    expect(sdp && videoMedia(sdp)?.codec).toBe('H265');
    expect(parseSdp('v=0\r\nm=video 0 RTP/AVP constructor\r\n')?.media[0]?.codec).toBeUndefined();
    expect(parseSdp('v=0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 /90000\r\na=rtpmap:96\r\n')?.media[0]?.codec).toBeUndefined();
  });

  it('answers as the line-slicing reader does for mutated vendor SDPs', () => {
    const bases = ['hikvision-describe-200.txt', 'dahua-describe-200-h265.txt', 'audio-only-describe-200.txt'].map(sdpOf);
    const random = mulberry32(16);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const spaces = [' ', '\t', '\r', '\n', '\r\n', '\v', '\u00a0', '\u2028', '\u2029', '\u3000', '\ufeff', '\0', '/'];
    const inserts = [...spaces, 'a=rtpmap:96 h264/90000\r\n', 'a=rtpmap:8 PCMU/8000\n', 'a=control:*\r\n', 'm=video 0 RTP/AVP 26\r\n', '9', 'x=', 'M', '='];
    let rejected = 0;
    for (let n = 0; n < 4000; n++) {
      let text = pick(bases);
      for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
        const at = Math.floor(random() * (text.length + 1));
        const op = random();
        if (op < 0.45) text = text.slice(0, at) + pick(inserts) + text.slice(at);
        else if (op < 0.75) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
        else if (op < 0.9) text = text.replace(/\r\n/g, pick(['\n', '\r\n', '\n\r', ' \n']));
        else text = text.slice(0, at) + text.charAt(at).toUpperCase() + text.slice(at + 1);
      }
      const expected = parseSdpReference(text);
      expect(parseSdp(text), JSON.stringify(text)).toStrictEqual(expected);
      if (expected === undefined) rejected++;
    }
    // Both outcomes are exercised: mutations that break the SDP and mutations it survives.
    expect(rejected).toBeGreaterThan(400);
    expect(rejected).toBeLessThan(3600);
  });
});
