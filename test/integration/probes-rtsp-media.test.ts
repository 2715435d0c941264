/**
 * The RTSP layer's media check and protocol strictness against cameras on loopback: the
 * pure-Node responder (RTP over interleaved TCP or real UDP datagrams, a hung encoder, 461 to
 * TCP, wrong CSeq, `Cseq` spelling, reset, garbage) and GStreamer's RTSP server over both
 * transports when it is installed. Through the Prober where the transport memory, the cadence
 * or the one-connection hand-over are what is tested.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { classify } from '../../src/domain/status.js';
import { createLogger } from '../../src/log.js';
import { checkRtsp, type ProbeTarget } from '../../src/probes/index.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Prober, type ProbedCamera } from '../../src/services/prober.js';
import { gstRtspUnavailableReason, RtspCameraSimulator, RtspResponderSimulator, type RtspResponderOptions } from '../support/index.js';

const USER = 'admin';
const PASS = 'media-pass';
const DEADLINE_MS = 1500;
const gstMissing = gstRtspUnavailableReason();

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function responder(opts: RtspResponderOptions = {}): Promise<RtspResponderSimulator> {
  const sim = new RtspResponderSimulator({ username: USER, password: PASS, ...opts });
  await sim.start();
  cleanups.push(() => sim.stop());
  return sim;
}

const target = (url: string, over: Partial<ProbeTarget> = {}): ProbeTarget => ({ cameraId: 'cam-1', rtspUrl: url, rtspUsername: USER, rtspPassword: PASS, ...over });
const media = { signal: new AbortController().signal, deadlineMs: DEADLINE_MS, media: true };

const box = SecretBox.fromSecret('rtsp-media-test-secret-0123456789abcdef');
const camera = (url: string): ProbedCamera => ({ id: `cam-${url}`, onvif: null, snapshot: null, rtsp: { url, username: USER, passwordEnc: box.seal(PASS) } });
const prober = (mediaCheckEvery: number): Prober => new Prober({ box, log: createLogger('silent'), livenessTimeoutMs: DEADLINE_MS, imageTimeoutMs: 5000, mediaCheckEvery });

describe('media check against the RTSP responder', () => {
  it('passes when RTP flows over interleaved TCP, and tears the session down', async () => {
    const cam = await responder();
    const r = await checkRtsp(target(cam.url), media);
    expect(r).toMatchObject({ ok: true, reached: true, detail: { hasVideo: true, transport: 'tcp' } });
    expect(r.message).toMatch(/flowing over TCP/);
    expect(cam.requests).toMatchObject({ SETUP: 1, PLAY: 1, TEARDOWN: 1 });
  });

  it('DESCRIBE only when not asked: no SETUP, no transport', async () => {
    const cam = await responder();
    const r = await checkRtsp(target(cam.url), { ...media, media: false });
    expect(r.ok).toBe(true);
    expect(r.detail?.transport).toBeUndefined();
    expect(cam.requests.SETUP).toBeUndefined();
  });

  it('a stream that plays and sends nothing fails as no_media, within the deadline, and is degraded: no_media', async () => {
    const cam = await responder({ mode: 'no-media' });
    const started = Date.now();
    const r = await checkRtsp(target(cam.url), media);
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1000);
    expect(r).toMatchObject({ ok: false, reason: 'no_media', reached: true });
    expect(r.message).toMatch(/stream sends no video/);
    expect(cam.requests).toMatchObject({ SETUP: 1, PLAY: 1 }); // no UDP retry after a silent TCP stream
    expect(classify({ tcp: { ok: true, reached: true }, rtsp: r })).toEqual({ status: 'degraded', reason: 'no_media' });
  });

  it('falls back to UDP on 461 to TCP, and gets real datagrams there', async () => {
    const cam = await responder({ mode: 'tcp-refused' });
    const r = await checkRtsp(target(cam.url), media);
    expect(r).toMatchObject({ ok: true, detail: { transport: 'udp' } });
    expect(cam.requests).toMatchObject({ SETUP: 2, PLAY: 1, TEARDOWN: 1 });
  });

  it('tries the remembered transport first: one SETUP over UDP next time', async () => {
    const cam = await responder({ mode: 'tcp-refused' });
    const p = prober(1);
    const cam1 = camera(cam.url);
    const first = await p.liveness(cam1, new AbortController().signal);
    expect(first.layers.rtsp).toMatchObject({ ok: true, detail: { transport: 'udp' } });
    expect(cam.requests.SETUP).toBe(2);
    const second = await p.liveness(cam1, new AbortController().signal);
    expect(second.layers.rtsp).toMatchObject({ ok: true, detail: { transport: 'udp' } });
    expect(cam.requests.SETUP).toBe(3);
  });

  it('tries TCP when UDP carries nothing (a camera behind NAT), once TCP was not tried yet', async () => {
    const cam = await responder({ mode: 'no-media' });
    const r = await checkRtsp(target(cam.url, { rtspTransport: 'udp' }), media);
    expect(r).toMatchObject({ ok: false, reason: 'no_media' });
    expect(cam.requests).toMatchObject({ SETUP: 2, PLAY: 2 }); // UDP, then TCP
    const flowing = await responder();
    const ok = await checkRtsp(target(flowing.url, { rtspTransport: 'udp' }), media);
    expect(ok).toMatchObject({ ok: true, detail: { transport: 'udp' } });
  });

  it('catches a lone first packet that comes with the PLAY reply, over TCP and over UDP', async () => {
    // One packet, then none for a minute: a check that starts listening late sees nothing.
    const tcp = await responder({ packetEveryMs: 60_000 });
    expect(await checkRtsp(target(tcp.url), media)).toMatchObject({ ok: true, detail: { transport: 'tcp' } });
    const udp = await responder({ mode: 'tcp-refused', packetEveryMs: 60_000 });
    expect(await checkRtsp(target(udp.url), media)).toMatchObject({ ok: true, detail: { transport: 'udp' } });
  });
});

describe('protocol strictness', () => {
  it('reads replies whose headers say Cseq (or CSEQ): the camera is fine', async () => {
    for (const spelling of ['Cseq', 'CSEQ']) {
      const cam = await responder({ cseqHeader: spelling });
      expect(await checkRtsp(target(cam.url), media)).toMatchObject({ ok: true, detail: { transport: 'tcp' } });
    }
  });

  it('a reply whose CSeq is not the request’s is a bad response, and the camera is not up', async () => {
    const cam = await responder({ mode: 'cseq-mismatch' });
    const r = await checkRtsp(target(cam.url), { ...media, media: false });
    expect(r).toMatchObject({ ok: false, reason: 'bad_response', reached: true });
    expect(r.message).toMatch(/CSeq "\d+", the request had 1/);
    expect(classify({ tcp: { ok: true, reached: true }, rtsp: r })).toEqual({ status: 'degraded', reason: 'no_stream' });
  });
});

describe('the same verdict every round for a stable fault', () => {
  const ROUNDS = 12;
  for (const mode of ['reset', 'garbage', 'no-media'] as const) {
    const rounds = mode === 'no-media' ? 5 : ROUNDS; // each no-media round waits out its deadline
    it(`${mode}: ${rounds} rounds, one classification`, async () => {
      const cam = await responder({ mode });
      const p = prober(2);
      const seen = new Set<string>();
      for (let i = 0; i < rounds; i++) {
        const { layers } = await p.liveness(camera(cam.url), new AbortController().signal);
        const c = classify(layers);
        seen.add(`${c.status}/${c.reason}/tcp.reached=${String(layers.tcp?.reached)}/rtsp.reached=${String(layers.rtsp?.reached)}`);
      }
      expect([...seen]).toHaveLength(1);
      expect([...seen][0]).toMatch(mode === 'no-media' ? /^degraded\/no_media\// : /^degraded\/no_stream\/tcp.reached=true\/rtsp.reached=true$/);
    });
  }

  it('the cadence: the first round, then one in every N at the camera’s own phase, and every round after a failure', async () => {
    const cam = await responder();
    const p = prober(3);
    const c = camera(cam.url);
    const plays = (): number => cam.requests.PLAY ?? 0;
    await p.liveness(c, new AbortController().signal);
    expect(plays()).toBe(1);
    for (let block = 0; block < 2; block++) {
      const before = plays();
      for (let i = 0; i < 3; i++) await p.liveness(c, new AbortController().signal);
      expect(plays() - before).toBe(1);
    }
    await cam.setMode('no-media');
    const after: string[] = [];
    for (let i = 0; i < 5; i++) after.push((await p.liveness(c, new AbortController().signal)).layers.rtsp?.reason ?? 'ok');
    // DESCRIBE-only rounds cannot see it; the first media round (within 3) fails, and every round after it checks again.
    const firstFail = after.indexOf('no_media');
    expect(firstFail).toBeGreaterThanOrEqual(0);
    expect(firstFail).toBeLessThan(3);
    expect(after.slice(firstFail)).toEqual(Array(5 - firstFail).fill('no_media'));
  });

  it('spreads the fleet’s media checks over the rounds', async () => {
    const cam = await responder();
    const p = prober(4);
    const fleet = Array.from({ length: 24 }, (_, i) => camera(`${cam.url}?cam=${i}`));
    for (const c of fleet) await p.liveness(c, new AbortController().signal); // each camera's first check
    const before = cam.requests.PLAY ?? 0;
    for (const c of fleet) await p.liveness(c, new AbortController().signal);
    const inOneRound = (cam.requests.PLAY ?? 0) - before;
    // All 24 would check together on every 4th round if phases were not spread; about 6 do.
    expect(inOneRound).toBeGreaterThan(0);
    expect(inOneRound).toBeLessThan(24);
  });
});

describe.skipIf(gstMissing)('media check against GStreamer’s RTSP server', () => {
  it('sees RTP over interleaved TCP, and over UDP when UDP is remembered', async () => {
    const gst = new RtspCameraSimulator({ username: USER, password: PASS });
    await gst.start();
    cleanups.push(() => gst.stop());
    const tcp = await checkRtsp(target(gst.url), { ...media, deadlineMs: 5000 });
    expect(tcp).toMatchObject({ ok: true, detail: { hasVideo: true, videoCodec: 'H264', transport: 'tcp' } });
    const udp = await checkRtsp(target(gst.url, { rtspTransport: 'udp' }), { ...media, deadlineMs: 5000 });
    expect(udp).toMatchObject({ ok: true, detail: { transport: 'udp' } });
  });
});
