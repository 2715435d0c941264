import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRtspResponse, parseSdp, videoMedia } from '../../src/protocols/rtsp/index.js';

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
});
