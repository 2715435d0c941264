/**
 * End to end against simulated cameras: probes → status machine → flips → API. A live camera
 * is up; stopping its RTSP server makes it down within two liveness intervals; black and frozen
 * pictures make cameras degraded with the right reason; a restart during an outage keeps one
 * open outage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSnapshotSimulator, RtspCameraSimulator, RtspResponderSimulator, gstRtspUnavailableReason } from '../support/index.js';
import { ADMIN_PASSWORD, Client, signedInClients, startTestPantau, waitFor, type TestPantau } from '../support/pantau.js';

const INTERVAL_S = 5;
const gstMissing = gstRtspUnavailableReason();

let pantau: TestPantau;
let admin: Client;
const sims: { stop(): Promise<void> }[] = [];
const ids: Record<string, string> = {};

async function sim<T extends { start(): Promise<void>; stop(): Promise<void> }>(s: T): Promise<T> {
  await s.start();
  sims.push(s);
  return s;
}

const status = async (id: string) => (await admin.get(`/api/cameras/${id}/status`)).body as { status: string; reason: string; since: string; layers: Record<string, { ok: boolean; reason?: string } | null> };
const until = (id: string, want: string, timeoutMs: number) =>
  waitFor(`camera ${id} to be ${want}`, async () => {
    const s = await status(id);
    return s.status === want ? s : undefined;
  }, timeoutMs);

let live: RtspCameraSimulator | RtspResponderSimulator;

beforeAll(async () => {
  pantau = await startTestPantau({ probes: { livenessTimeoutMs: 2000, imageTimeoutMs: 8000 } });
  ({ admin } = await signedInClients(pantau));
  live = gstMissing ? await sim(new RtspResponderSimulator()) : await sim(new RtspCameraSimulator({ username: 'admin', password: 'rtsp-pass' }));
  const responder = await sim(new RtspResponderSimulator());
  const black = await sim(new HttpSnapshotSimulator({ mode: 'black', username: 'admin', password: 'snap-pass', auth: 'digest' }));
  const frozen = await sim(new HttpSnapshotSimulator({ mode: 'frozen' }));
  const base = { site: 'Masjid Agung', agency: 'Diskominfo', checkIntervalSec: INTERVAL_S, imageCheckIntervalSec: INTERVAL_S };
  const register = async (name: string, body: Record<string, unknown>) => {
    const res = await admin.post('/api/cameras', { name, ...base, ...body });
    expect(res.status, res.text).toBe(201);
    ids[name] = res.body.id;
  };
  await register('live', gstMissing ? { rtspUrl: live.url, imageCheckIntervalSec: 3600 } : { rtspUrl: live.url, rtspAuth: { username: 'admin', password: 'rtsp-pass' } });
  await register('black', { rtspUrl: responder.url, snapshotUrl: black.url, snapshotAuth: { username: 'admin', password: 'snap-pass' } });
  await register('frozen', { rtspUrl: responder.url, snapshotUrl: frozen.url });
});

afterAll(async () => {
  await pantau?.stop();
  await Promise.allSettled(sims.map((s) => s.stop()));
});

describe('monitoring real cameras', () => {
  it('sees a live camera as up, with each layer’s result', async () => {
    await until(ids.live!, 'up', 30_000);
    // The first round may be an image round; the liveness layers join with the next one.
    const s = await waitFor('liveness layers', async () => {
      const now = await status(ids.live!);
      return now.layers.tcp && now.layers.rtsp ? now : undefined;
    }, 15_000);
    expect(s.status).toBe('up');
    expect(s.layers.tcp?.ok).toBe(true);
    expect(s.layers.rtsp?.ok).toBe(true);
    const list = (await admin.get('/api/cameras')).body as { id: string; status: { status: string } }[];
    expect(list.find((c) => c.id === ids.live)?.status.status).toBe('up');
  });

  it('sees a black picture as degraded: black', async () => {
    const s = await until(ids.black!, 'degraded', 40_000);
    expect(s.reason).toBe('black');
    expect(s.layers.image?.ok).toBe(false);
  });

  it('sees a frozen picture as degraded: frozen', { timeout: 60_000 }, async () => {
    const s = await until(ids.frozen!, 'degraded', 50_000);
    expect(s.reason).toBe('frozen');
  });

  it('sees a stopped RTSP server as down within two liveness intervals', async () => {
    await until(ids.live!, 'up', 30_000);
    const stoppedAt = Date.now();
    await live.stop();
    const s = await until(ids.live!, 'down', 4 * INTERVAL_S * 1000);
    // Two failed rounds confirm the outage: at most two intervals after the stop, plus a check's deadline.
    expect(Date.parse(s.since) - stoppedAt).toBeLessThanOrEqual(2 * INTERVAL_S * 1000 + 2500);
    expect(s.reason).toBe('unreachable');
    const outages = (await admin.get(`/api/cameras/${ids.live}/outages`)).body as { open: boolean; cause: string }[];
    expect(outages).toHaveLength(1);
    expect(outages[0]).toMatchObject({ open: true, cause: 'unreachable' });
  });

  it('keeps one open outage across a restart of Pantau, and closes it on recovery', { timeout: 60_000 }, async () => {
    const before = await status(ids.live!);
    expect(before.status).toBe('down');
    const dataDir = pantau.dataDir;
    await pantau.stop({ keepData: true });
    await new Promise((r) => setTimeout(r, 6000));
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 2000, imageTimeoutMs: 8000 } }, dataDir);
    admin = await new Client(pantau.url).login('admin', ADMIN_PASSWORD);
    const after = await status(ids.live!);
    expect(after.status).toBe('down');
    expect(after.since).toBe(before.since);

    const uptime = (await admin.get(`/api/cameras/${ids.live}/uptime?window=24h`)).body;
    expect(uptime.secondsByStatus.unknown).toBeGreaterThan(5);
    expect(uptime.outages).toBe(1);

    await live.start();
    await until(ids.live!, 'up', 30_000);
    const outages = (await admin.get(`/api/cameras/${ids.live}/outages`)).body as { open: boolean; durationSec: number }[];
    expect(outages).toHaveLength(1);
    expect(outages[0]!.open).toBe(false);
    expect(outages[0]!.durationSec).toBeGreaterThan(6);
  });
});
