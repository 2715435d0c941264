import { describe, expect, it } from 'vitest';
import { pickStreams, type OnvifProfile } from '../../src/protocols/onvif/index.js';
import { onSameEndpoint } from '../../src/services/stream-locator.js';
import { profilesOnDemand } from '../../src/services/stream-profiles.js';

const profile = (token: string, width: number | null, rtspUrl: string | null): OnvifProfile => ({ token, name: token, encoding: 'H264', width, height: width && Math.round((width * 9) / 16), rtspUrl, snapshotUrl: null });

describe('main and sub-stream from ONVIF profiles', () => {
  it('takes the largest as main and the smallest one at least 320 wide as sub, never a thumbnail', () => {
    const picked = pickStreams([
      profile('thumb', 176, 'rtsp://10.0.0.5/ch1/3'),
      profile('sub', 640, 'rtsp://10.0.0.5/ch1/2'),
      profile('main', 2560, 'rtsp://10.0.0.5/ch1/1'),
      profile('mid', 1280, 'rtsp://10.0.0.5/ch1/4'),
    ]);
    expect(picked).toEqual({ main: { url: 'rtsp://10.0.0.5/ch1/1', width: 2560, height: 1440 }, sub: { url: 'rtsp://10.0.0.5/ch1/2', width: 640, height: 360 } });
  });

  it('strips credentials a device put in its URIs', () => {
    const picked = pickStreams([profile('main', 1920, 'rtsp://admin:rahasia@10.0.0.5:554/live/main'), profile('sub', 640, 'rtsp://admin:rahasia@10.0.0.5:554/live/sub')]);
    expect(JSON.stringify(picked)).not.toMatch(/admin|rahasia/);
    expect(picked?.sub?.url).toBe('rtsp://10.0.0.5:554/live/sub');
  });

  it('has no sub-stream with one usable profile, and nothing without any', () => {
    expect(pickStreams([profile('main', 1920, 'rtsp://10.0.0.5/a'), profile('thumb', 176, 'rtsp://10.0.0.5/b'), profile('nouri', 640, null)])).toEqual({ main: { url: 'rtsp://10.0.0.5/a', width: 1920, height: 1080 }, sub: undefined });
    expect(pickStreams([profile('nosize', null, 'rtsp://10.0.0.5/a'), profile('http', 640, 'http://10.0.0.5/a')])).toBeUndefined();
  });
});

describe('a profile sub-stream is used on the main stream endpoint only', () => {
  it('moves the path onto the main URL, keeping its credentials', () => {
    expect(onSameEndpoint('rtsp://u:p@cam.lan/live/main', 'rtsp://cam.lan:554/live/sub?x=1')).toBe('rtsp://u:p@cam.lan/live/sub?x=1');
  });

  it('refuses another host, port or scheme, and the main stream itself', () => {
    for (const sub of ['rtsp://evil.example/live/sub', 'rtsp://cam.lan:8554/live/sub', 'rtsps://cam.lan/live/sub', 'rtsp://cam.lan/live/main', 'not a url']) {
      expect(onSameEndpoint('rtsp://u:p@cam.lan/live/main', sub)).toBeUndefined();
    }
  });
});

describe('profiles read on demand (a site worker)', () => {
  const streams = { main: { url: 'rtsp://10.0.0.5/a', width: 1920, height: 1080 }, sub: { url: 'rtsp://10.0.0.5/b', width: 640, height: 360 } };
  const cam = { id: 'c1', onvif: { host: '10.0.0.5', port: 80, username: 'admin', passwordEnc: null }, rtsp: { url: 'rtsp://10.0.0.5/a', username: null, passwordEnc: null }, snapshot: null };

  it('reads a camera once per endpoint, and not at all without ONVIF', async () => {
    let reads = 0;
    const profiles = profilesOnDemand((id) => (id === 'c1' ? cam : id === 'plain' ? { ...cam, id: 'plain', onvif: null } : undefined), async () => (reads++, streams));
    expect(await profiles('c1')).toEqual(streams);
    expect(await profiles('c1')).toEqual(streams);
    expect(reads).toBe(1);
    expect(profiles('plain')).toBeUndefined();
    expect(profiles('gone')).toBeUndefined();
  });

  it('does not wait for a slow device, and tries a failed one again later', async () => {
    let reads = 0;
    const slow = profilesOnDemand(() => cam, () => new Promise((resolve) => setTimeout(() => resolve(streams), 200)), { waitMs: 20 });
    expect(await slow('c1')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 250));
    expect(await slow('c1')).toEqual(streams);
    const failing = profilesOnDemand(() => cam, async () => { reads++; throw new Error('refused'); }, { retryMs: 50 });
    expect(await failing('c1')).toBeUndefined();
    expect(await failing('c1')).toBeUndefined();
    expect(reads).toBe(1);
    await new Promise((r) => setTimeout(r, 80));
    await failing('c1');
    expect(reads).toBe(2);
  });
});
