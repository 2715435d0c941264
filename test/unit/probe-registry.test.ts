import { describe, expect, it } from 'vitest';
import { defaultProbes, imageProbe, onvifProbe, ProbeRegistry, rtspProbe, tcpEndpoint, tcpProbe } from '../../src/probes/index.js';
import { classifyFailure } from '../../src/protocols/image/index.js';
import { parseRtspUrl } from '../../src/protocols/rtsp/index.js';

describe('probe registry', () => {
  it('holds one probe per layer, in registration order', () => {
    const probes = defaultProbes();
    expect(probes.layers()).toEqual(['tcp', 'onvif', 'rtsp', 'image']);
    expect(probes.get('rtsp')).toBe(rtspProbe);
    expect(probes.get('onvif')).toBe(onvifProbe);
  });

  it('refuses a second probe for a layer', () => {
    const probes = new ProbeRegistry().register(tcpProbe);
    expect(() => probes.register(tcpProbe)).toThrow(/already registered/);
  });

  it('says which layers apply to a camera', () => {
    const snapshotOnly = { cameraId: 'c', snapshotUrl: 'http://10.0.0.5/snap.jpg' };
    expect(rtspProbe.applies(snapshotOnly)).toBe(false);
    expect(imageProbe.applies(snapshotOnly)).toBe(true);
    expect(tcpProbe.applies(snapshotOnly)).toBe(true);
    expect(tcpProbe.applies({ cameraId: 'c' })).toBe(false);
  });
});

describe('which port the TCP layer checks', () => {
  it('prefers the RTSP port, with the scheme default', () => {
    const onvif = { host: '10.0.0.5', port: 8000 };
    expect(tcpEndpoint({ cameraId: 'c', rtspUrl: 'rtsp://10.0.0.5/s', onvif })).toEqual({ host: '10.0.0.5', port: 554 });
    expect(tcpEndpoint({ cameraId: 'c', rtspUrl: 'rtsps://cam.local/s' })).toEqual({ host: 'cam.local', port: 322 });
    expect(tcpEndpoint({ cameraId: 'c', onvif })).toEqual(onvif);
    expect(tcpEndpoint({ cameraId: 'c', snapshotUrl: 'https://[fe80::1]/snap' })).toEqual({ host: 'fe80::1', port: 443 });
  });
});

describe('RTSP URLs', () => {
  it('takes embedded credentials out of the request URL', () => {
    const e = parseRtspUrl('rtsp://admin:p%40ss%3Aword@192.168.1.64:8554/Streaming/Channels/101?transportmode=unicast');
    expect(e).toEqual({
      tls: false,
      host: '192.168.1.64',
      port: 8554,
      requestUrl: 'rtsp://192.168.1.64:8554/Streaming/Channels/101?transportmode=unicast',
      username: 'admin',
      password: 'p@ss:word',
    });
  });

  it('rejects other schemes', () => {
    expect(parseRtspUrl('http://192.168.1.64/')).toBeUndefined();
    expect(parseRtspUrl('not a url')).toBeUndefined();
  });
});

describe('ffmpeg failures', () => {
  it.each([
    ['[rtsp @ 0x5581] method DESCRIBE failed: 401 Unauthorized', 'auth_failed', true],
    ['rtsp://admin:secret@10.0.0.5/s: Server returned 401 Unauthorized (authorization failed)', 'auth_failed', true],
    ['[tcp @ 0x55] Connection to tcp://10.0.0.5:554?timeout=800000 failed: Connection refused', 'refused', false],
    ['[tcp @ 0x55] Connection to tcp://10.0.0.5:554 failed: Connection timed out', 'timeout', false],
    ['[rtsp @ 0x55] method DESCRIBE failed: 404 Not Found', 'no_stream', true],
    ['Cannot find ffmpeg', 'ffmpeg_failed', false],
    // Without timing, ffmpeg's "Invalid data" right after connecting is a reset (see ffmpeg-errors.test.ts).
    ['rtsp://10.0.0.5/s: Invalid data found when processing input', 'reset', true],
    ['[rtsp @ 0x55] method SETUP failed: 461 Unsupported transport\nrtsp://10.0.0.5/s: Protocol not supported', 'transport_refused', true],
  ] as const)('%s → %s', (text, code, reached) => {
    const err = classifyFailure(text);
    expect([err.code, err.reached]).toEqual([code, reached]);
    expect(err.message).not.toContain('secret');
  });
});
