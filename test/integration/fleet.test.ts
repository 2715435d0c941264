/**
 * The fleet simulator (bench/fleet.ts) behaves like the cameras it stands for, as Pantau's own
 * probes see them: RTSP and HTTP on one port per camera, each on its own loopback address,
 * failure modes from the start and on a timed script.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Fleet, fleetCamera, fleetCsv } from '../../bench/fleet.js';
import { checkImage, checkOnvif, checkRtsp, checkTcp } from '../../src/probes/index.js';
import { waitFor } from '../support/pantau.js';

const ctx = () => ({ signal: new AbortController().signal, deadlineMs: 2000 });
const target = (c: { rtspUrl: string; snapshotUrl: string; host: string; port: number }) => ({
  cameraId: 'x',
  rtspUrl: c.rtspUrl,
  snapshotUrl: c.snapshotUrl,
  onvif: { host: c.host, port: c.port },
});

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.stop();
  fleet = undefined;
});

describe('fleet simulator', () => {
  it('gives every camera its own loopback address on one port', () => {
    const a = fleetCamera(0, { net: '127.61' });
    const b = fleetCamera(251, { net: '127.61' });
    expect([a.host, a.port, b.host, b.port]).toEqual(['127.61.1.1', 10_554, '127.61.2.2', 10_554]);
    expect(fleetCamera(3, { addressing: 'ports', port: 21_000 })).toMatchObject({ host: '127.0.0.1', port: 21_003 });
    expect(() => fleetCamera(0, { net: '10.1' })).toThrow(/loopback/);
    expect(fleetCsv([a, b]).split('\r\n')[1]).toContain('rtsp://127.61.1.1:10554/Streaming/Channels/101');
  });

  it('answers RTSP, snapshots and ONVIF like a camera, and fails as told', async () => {
    fleet = new Fleet({ cameras: 5, net: '127.62', frameWidth: 320, frameHeight: 240, slowMs: 300 });
    await fleet.start();
    await Promise.all([fleet.setMode(1, 'down'), fleet.setMode(2, 'no-video'), fleet.setMode(3, 'black'), fleet.setMode(4, 'slow')]);
    const [ok, down, noVideo, black, slow] = fleet.cameras.map(target);

    const [tcp, rtsp, onvif, image] = await Promise.all([checkTcp(ok!, ctx()), checkRtsp(ok!, ctx()), checkOnvif(ok!, ctx()), checkImage(ok!, ctx())]);
    expect([tcp.ok, rtsp.ok, onvif.ok, image.ok]).toEqual([true, true, true, true]);
    expect(rtsp.detail).toMatchObject({ hasVideo: true, videoCodec: 'H264' });

    expect(await checkTcp(down!, ctx())).toMatchObject({ ok: false, reason: 'refused' });
    expect(await checkRtsp(noVideo!, ctx())).toMatchObject({ ok: false, reason: 'no_video' });
    expect(await checkImage(black!, ctx())).toMatchObject({ ok: false, detail: { verdict: 'black' } });
    const slowRtsp = await checkRtsp(slow!, ctx());
    expect(slowRtsp.ok).toBe(true);
    expect(slowRtsp.latencyMs).toBeGreaterThanOrEqual(300);

    await fleet.setMode(1, 'ok');
    expect((await checkRtsp(down!, ctx())).ok).toBe(true);
  });

  it('takes a share of cameras down on its script, and brings them back', async () => {
    fleet = new Fleet({ cameras: 10, net: '127.63', frameWidth: 320, frameHeight: 240, initial: { down: 0.2 }, script: [{ atSec: 0.3, share: 0.3, mode: 'down', forSec: 0.6 }] });
    await fleet.start();
    const f = fleet;
    expect(f.counts().down).toBe(2);
    const started = Date.now();
    await waitFor('the scripted outage', async () => (f.counts().down === 5 ? true : undefined), 5000, 20);
    const down = fleet.cameras.filter((c) => f.mode(c.index) === 'down');
    expect((await checkTcp(target(down[0]!), ctx())).reason).toBe('refused');
    await waitFor('the cameras back', async () => (f.counts().down === 2 ? true : undefined), 5000, 20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });
});
