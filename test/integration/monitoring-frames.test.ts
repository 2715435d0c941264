/**
 * Frame grabs end to end — probe → status machine → flip → GET /api/cameras/:id/status — on
 * cameras that broke them: one that answers 461 to RTP over TCP (up over UDP, and its black
 * picture still seen), one with a 10 s GOP (its frame caught within the default deadline), one
 * whose stream sends no video after PLAY (named, not "no answer"), one that drips its answer to
 * SETUP (the grab's cause named), and one that drips every answer (the image check skipped, with
 * why). A new camera never shows `up` before its picture
 * was judged. Bounds are in rounds, not in wall-clock speed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flip } from '../../src/domain/status.js';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { gstRtspUnavailableReason, RtspCameraSimulator, RtspFaultCamera } from '../support/index.js';
import type { Client} from '../support/pantau.js';
import { signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';

const INTERVAL_S = 5;
const missing = ffmpegUnavailableReason() || gstRtspUnavailableReason();

interface Layer {
  ok: boolean;
  reason?: string;
  message?: string;
  skipped?: boolean;
  detail?: { verdict?: string; transport?: string };
}
interface Status {
  status: string;
  reason: string;
  layers: Record<string, Layer | null>;
}

let pantau: TestPantau;
let admin: Client;
const sims: { stop(): Promise<void> }[] = [];
const ids: Record<string, string> = {};
/** Per camera from its registration: what each round left it at, and its flips. */
const history = new Map<string, Status[]>();
const flips = new Map<string, Flip[]>();

async function sim<T extends { start(): Promise<void>; stop(): Promise<void> }>(s: T): Promise<T> {
  await s.start();
  sims.push(s);
  return s;
}
const status = async (id: string) => (await admin.get(`/api/cameras/${id}/status`)).body as Status;
/**
 * Waits for `check` on the camera's status as the API gives it, and says after how many of its
 * rounds (counted from `from`) the monitor first held it.
 */
async function until(name: string, what: string, check: (s: Status) => boolean, timeoutMs: number, from = 0): Promise<Status & { rounds: number }> {
  const id = ids[name]!;
  const s = await waitFor(`${name} ${what}`, async () => {
    const now = await status(id);
    return check(now) ? now : undefined;
  }, timeoutMs);
  const seen = (history.get(id) ?? []).slice(from).findIndex(check);
  return { ...s, rounds: seen + 1 };
}
const roundsSoFar = (name: string): number => history.get(ids[name]!)?.length ?? 0;

describe.skipIf(missing !== '')(`frame grabs end to end${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let udpOnly: RtspCameraSimulator;

  beforeAll(async () => {
    // The default image deadline (15 s): a 10 s GOP must fit in it. The RTSP layer's own media
    // check is off here, as a fleet may set it: these cases are about what the frame grab alone
    // finds and names (test/integration/rtsp-verdicts.test.ts covers the media check).
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 2000, mediaCheckEvery: 0 } });
    ({ admin } = await signedInClients(pantau));
    pantau.monitor.on('round', (id, live) => {
      const layers = { tcp: live.layers.tcp ?? null, onvif: live.layers.onvif ?? null, rtsp: live.layers.rtsp ?? null, image: live.layers.image ?? null } as Status['layers'];
      history.set(id, [...(history.get(id) ?? []), { status: live.state.status, reason: live.state.reason, layers }]);
    });
    pantau.monitor.on('flip', (f) => flips.set(f.cameraId, [...(flips.get(f.cameraId) ?? []), f]));
    udpOnly = await sim(new RtspCameraSimulator({ protocols: 'udp', mode: 'black' }));
    const longGop = await sim(new RtspCameraSimulator({ gop: 50 })); // 5 fps: a key frame every 10 s
    const noMedia = await sim(new RtspFaultCamera({ mode: 'no-media' }));
    const drip = await sim(new RtspFaultCamera({ mode: 'drip' }));
    const dripSetup = await sim(new RtspFaultCamera({ mode: 'drip-setup' }));
    const base = { site: 'Kantor Camat', agency: 'Diskominfo', checkIntervalSec: INTERVAL_S, imageCheckIntervalSec: INTERVAL_S };
    for (const [name, url] of [['udp-only', udpOnly.url], ['long-gop', longGop.url], ['no-media', noMedia.url], ['drip', drip.url], ['drip-setup', dripSetup.url]] as const) {
      const res = await admin.post('/api/cameras', { name, rtspUrl: url, ...base });
      expect(res.status, res.text).toBe(201);
      ids[name] = res.body.id;
    }
  });

  afterAll(async () => {
    await pantau?.stop();
    await Promise.allSettled(sims.map((s) => s.stop()));
  });

  it('sees the black picture of a camera that answers 461 to TCP, over UDP, never up before it', { timeout: 60_000 }, async () => {
    const s = await until('udp-only', 'degraded', (x) => x.status === 'degraded', 45_000);
    expect(s).toMatchObject({ reason: 'black', layers: { image: { detail: { verdict: 'black', transport: 'udp' } } } });
    // Its first verdict was the picture's: it left unknown for degraded, never for up.
    expect(flips.get(ids['udp-only']!)?.[0]).toMatchObject({ from: 'unknown', to: 'degraded', reason: 'black' });
    expect(s.rounds).toBeLessThanOrEqual(3);
  });

  it('brings that camera up over UDP when its picture comes back', { timeout: 60_000 }, async () => {
    await udpOnly.setMode('live');
    const s = await until('udp-only', 'up', (x) => x.status === 'up', 50_000, roundsSoFar('udp-only'));
    expect(s.layers.image).toMatchObject({ ok: true, detail: { verdict: 'ok', transport: 'udp' } });
    // Two healthy rounds confirm a recovery once an image round saw the picture back, and
    // liveness rounds keep the black verdict until then: about two intervals of rounds.
    expect(s.rounds).toBeLessThanOrEqual(6);
  });

  it('catches the first frame of a camera with a 10 s GOP', { timeout: 60_000 }, async () => {
    const s = await until('long-gop', 'up', (x) => x.status === 'up', 50_000);
    expect(s.layers.image).toMatchObject({ ok: true, detail: { verdict: 'ok', transport: 'tcp' } });
    expect(flips.get(ids['long-gop']!)?.[0]).toMatchObject({ from: 'unknown', to: 'up' });
    expect(s.rounds).toBeLessThanOrEqual(3);
  });

  it('names a stream that answers but sends no video', { timeout: 60_000 }, async () => {
    // An image round may come first: wait for the liveness layers to join it.
    const s = await until('no-media', 'degraded with its RTSP layer checked', (x) => x.status === 'degraded' && x.layers.rtsp !== null, 45_000);
    expect(s.reason).toBe('no_frame');
    expect(s.layers.rtsp).toMatchObject({ ok: true });
    expect(s.layers.image).toMatchObject({ ok: false, reason: 'no_media' });
    expect(s.layers.image?.message).toMatch(/sent no video/);
    expect(s.layers.image?.message).not.toMatch(/no answer/);
    expect(flips.get(ids['no-media']!)?.[0]).toMatchObject({ from: 'unknown', to: 'degraded' });
    expect(s.rounds).toBeLessThanOrEqual(3);
  });

  it('names a grab held by a camera that drips its SETUP answer, though its RTSP check passes', { timeout: 60_000 }, async () => {
    const s = await until('drip-setup', 'degraded with its RTSP layer checked', (x) => x.status === 'degraded' && x.layers.rtsp !== null, 50_000);
    expect(s.reason).toBe('no_frame');
    expect(s.layers.rtsp).toMatchObject({ ok: true });
    expect(s.layers.image).toMatchObject({ ok: false, reason: 'timeout', reached: true });
    expect(s.layers.image?.message).toMatch(/answered DESCRIBE, but its answer to SETUP did not complete within 15 s/);
    expect(flips.get(ids['drip-setup']!)?.[0]).toMatchObject({ from: 'unknown', to: 'degraded', reason: 'no_frame' });
    expect(s.rounds).toBeLessThanOrEqual(3);
  });

  it('skips the frame grab of a camera whose RTSP answer never completes, and says why', { timeout: 60_000 }, async () => {
    const s = await until('drip', 'an image check skipped', (x) => x.layers.image?.skipped === true, 45_000);
    expect(s.status).not.toBe('up');
    expect(s.layers.rtsp).toMatchObject({ ok: false });
    expect(s.layers.image).toMatchObject({ ok: false, reason: 'skipped' });
    expect(s.layers.image?.message).toMatch(/not checked: the RTSP stream failed in the latest liveness round/);
    // The first image round after a liveness round skips: at worst an image round came first
    // (its grab timed out), then up to two liveness rounds within one image interval.
    expect(s.rounds).toBeLessThanOrEqual(4);
  });
});
