import { describe, expect, it } from 'vitest';
import {
  contentBase,
  controlUrl,
  header,
  isRtpOf,
  parseRtspResponse,
  parseSdp,
  parseSessionHeader,
  parseTransportReply,
  RtspResponseReader,
  transportRequest,
} from '../../src/protocols/rtsp/index.js';
import { rtpPacket } from '../support/rtsp-media.js';

describe('control URLs', () => {
  const base = 'rtsp://10.0.0.5:554/Streaming/Channels/101/';

  it('takes an absolute a=control as it is', () => {
    expect(controlUrl(base, 'rtsp://10.0.0.5:554/Streaming/Channels/101/trackID=1')).toBe('rtsp://10.0.0.5:554/Streaming/Channels/101/trackID=1');
  });

  it('appends a relative one to the base with exactly one slash, whether the base ends in one or not', () => {
    expect(controlUrl(base, 'trackID=1')).toBe('rtsp://10.0.0.5:554/Streaming/Channels/101/trackID=1');
    expect(controlUrl('rtsp://10.0.0.5/live/ch00_0', 'trackID=1')).toBe('rtsp://10.0.0.5/live/ch00_0/trackID=1');
    expect(controlUrl('rtsp://10.0.0.5/live/', '/stream=0')).toBe('rtsp://10.0.0.5/live/stream=0');
  });

  it('uses the base itself for `*` or no control', () => {
    expect(controlUrl(base, '*')).toBe(base);
    expect(controlUrl(base, undefined)).toBe(base);
  });

  it('takes the base from an absolute session control, then Content-Base, Content-Location, the request URL', () => {
    const req = 'rtsp://cam/stream1';
    expect(contentBase(req, { contentBase: 'rtsp://cam/b/' }, 'rtsp://cam/s/')).toBe('rtsp://cam/s/');
    expect(contentBase(req, { contentBase: 'rtsp://cam/b/', contentLocation: 'rtsp://cam/l/' }, '*')).toBe('rtsp://cam/b/');
    expect(contentBase(req, { contentLocation: 'rtsp://cam/l/' })).toBe('rtsp://cam/l/');
    expect(contentBase(req, {})).toBe(req);
  });

  it('reads a=control per media section and for the session from an SDP', () => {
    const sdp = parseSdp(['v=0', 's=-', 't=0 0', 'a=control:*', 'm=video 0 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'a=control:trackID=1', 'm=audio 0 RTP/AVP 0', 'a=control:trackID=2', ''].join('\r\n'));
    expect(sdp?.control).toBe('*');
    expect(sdp?.media.map((m) => m.control)).toEqual(['trackID=1', 'trackID=2']);
  });
});

describe('Transport and Session headers', () => {
  it('asks for interleaved TCP on channels 0-1, or UDP on our two ports', () => {
    expect(transportRequest('tcp')).toBe('RTP/AVP/TCP;unicast;interleaved=0-1');
    expect(transportRequest('udp', [50000, 50001])).toBe('RTP/AVP;unicast;client_port=50000-50001');
  });

  it('reads what the camera agreed to, including the channel it chose', () => {
    expect(parseTransportReply('RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=1A2B')).toEqual({ transport: 'tcp', rtpChannel: 2 });
    expect(parseTransportReply('RTP/AVP;unicast;client_port=50000-50001;server_port=6970-6971')).toEqual({ transport: 'udp' });
    expect(parseTransportReply('RTP/AVP/UDP;unicast;client_port=50000-50001')).toEqual({ transport: 'udp' });
    // Some servers leave /TCP out but do interleave.
    expect(parseTransportReply('RTP/AVP;interleaved=0-1')).toEqual({ transport: 'tcp', rtpChannel: 0 });
    expect(parseTransportReply('MP2T/H2221/UDP;unicast')).toBeUndefined();
    expect(parseTransportReply(undefined)).toBeUndefined();
  });

  it('takes the session id without its timeout, and the timeout (60 s when not given)', () => {
    expect(parseSessionHeader('1234ABCD;timeout=65')).toEqual({ id: '1234ABCD', timeoutSec: 65 });
    expect(parseSessionHeader('66334873')).toEqual({ id: '66334873', timeoutSec: 60 });
    expect(parseSessionHeader(' 7F3C ; Timeout = 30 ')).toEqual({ id: '7F3C', timeoutSec: 30 });
    expect(parseSessionHeader('')).toBeUndefined();
  });
});

describe('RTP packets of the track', () => {
  it('accepts RTP v2 of one of the track’s payload types', () => {
    expect(isRtpOf(rtpPacket(96, 1, 0), ['96'])).toBe(true);
  });

  it('rejects another payload type, RTCP, a short packet and non-RTP bytes', () => {
    expect(isRtpOf(rtpPacket(0, 1, 0), ['96'])).toBe(false);
    const senderReport = Buffer.from([0x80, 200, 0x00, 0x06, ...new Array<number>(24).fill(0)]);
    expect(isRtpOf(senderReport, ['96'])).toBe(false);
    expect(isRtpOf(rtpPacket(96, 1, 0).subarray(0, 11), ['96'])).toBe(false);
    expect(isRtpOf(Buffer.from('RTSP/1.0 200 OK\r\n\r\n'), ['96'])).toBe(false);
  });
});

describe('the reader with interleaved data', () => {
  const reply = Buffer.from('RTSP/1.0 200 OK\r\nCSeq: 4\r\nSession: 1234ABCD\r\n\r\n');
  const frame = (channel: number, packet: Buffer): Buffer => Buffer.concat([Buffer.from([0x24, channel, packet.length >> 8, packet.length & 0xff]), packet]);

  it('hands out the PLAY reply and an RTP packet that came in the same read, in order', () => {
    const reader = new RtspResponseReader();
    reader.feed(Buffer.concat([reply, frame(0, rtpPacket(96, 7, 0)), frame(1, Buffer.alloc(8))]));
    const first = reader.next();
    expect(first?.kind).toBe('response');
    const second = reader.next();
    expect(second).toMatchObject({ kind: 'frame', frame: { channel: 0 } });
    expect(second?.kind === 'frame' && isRtpOf(second.frame.data, ['96'])).toBe(true);
    expect(reader.next()).toMatchObject({ kind: 'frame', frame: { channel: 1 } });
    expect(reader.next()).toBeUndefined();
  });

  it('waits for the rest of a frame split across reads', () => {
    const bytes = frame(0, rtpPacket(96, 1, 0));
    const reader = new RtspResponseReader();
    reader.feed(bytes.subarray(0, 3));
    expect(reader.next()).toBeUndefined();
    reader.feed(bytes.subarray(3, 10));
    expect(reader.next()).toBeUndefined();
    reader.feed(bytes.subarray(10));
    expect(reader.next()).toMatchObject({ kind: 'frame', frame: { channel: 0 } });
  });

  it('matches header names whatever their case: Cseq, CSEQ, cseq', () => {
    for (const name of ['Cseq', 'CSEQ', 'cseq', 'CSeq']) {
      const res = parseRtspResponse(Buffer.from(`RTSP/1.0 200 OK\r\n${name}: 9\r\ncontent-BASE: rtsp://cam/s/\r\n\r\n`));
      expect(header(res, 'CSeq')).toBe('9');
      expect(header(res, 'Content-Base')).toBe('rtsp://cam/s/');
    }
  });
});
