/**
 * The last good picture: a simulated HTTP snapshot camera shows a live picture, then turns
 * black. Once Pantau judges it black, the newest picture is the black one, and
 * /api/cameras/:id/last-good-picture still gives the last picture the image check judged good,
 * taken before the switch, with its time; later black rounds never replace it. Only those who
 * may see the camera get it.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { sessionCookie } from './realtime-client.js';

let pantau: TestPantau;
let camera: HttpSnapshotSimulator;
let admin: Client;
const cookies = { admin: '', viewer: '', stranger: '' };
let id = '';

/** Read with fetch: the picture is bytes, which the test client would read as text. */
async function picture(who: keyof typeof cookies, size = 'thumb'): Promise<{ status: number; at: number; jpeg: Buffer }> {
  const res = await fetch(`${pantau.url}/api/cameras/${id}/last-good-picture?size=${size}`, { headers: { cookie: cookies[who] } });
  return { status: res.status, at: Date.parse(res.headers.get('x-picture-at') ?? ''), jpeg: Buffer.from(await res.arrayBuffer()) };
}
const brightness = async (jpeg: Buffer) => (await sharp(jpeg).greyscale().stats()).channels[0]!.mean;
const status = async () => (await admin.get(`/api/cameras/${id}/status`)).body;

beforeAll(async () => {
  camera = new HttpSnapshotSimulator();
  await camera.start();
  pantau = await startTestPantau({ probes: { livenessTimeoutMs: 2000, imageTimeoutMs: 8000 } });
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  await clients.make('pengamat', 'viewer', [{ scope: 'agency', value: 'Diskominfo' }]);
  await clients.make('orang-lain', 'viewer', [{ scope: 'agency', value: 'Dinkes' }]);
  cookies.admin = await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD);
  cookies.viewer = await sessionCookie(pantau.url, 'pengamat', 'pengamat-password');
  cookies.stranger = await sessionCookie(pantau.url, 'orang-lain', 'orang-lain-password');
  const res = await admin.post('/api/cameras', { name: 'CCTV Alun-alun', site: 'Alun-alun', agency: 'Diskominfo', snapshotUrl: camera.url, checkIntervalSec: 5, imageCheckIntervalSec: 5 });
  expect(res.status, res.text).toBe(201);
  id = res.body.id;
});

afterAll(async () => {
  await pantau?.stop();
  await camera?.stop();
});

describe('the last good picture', () => {
  it('stays the last picture judged good, from before the camera turned black', { timeout: 90_000 }, async () => {
    await waitFor('the camera up', async () => ((await status()).status === 'up' ? true : undefined), 30_000);
    const good = await waitFor('a good picture', async () => {
      const p = await picture('admin');
      return p.status === 200 ? p : undefined;
    }, 15_000);
    expect(await brightness(good.jpeg)).toBeGreaterThan(40);

    const turnedBlackAt = Date.now();
    await camera.setMode('black');
    const judged = await waitFor('the black verdict', async () => {
      const s = await status();
      return s.status === 'degraded' && s.reason === 'black' ? s : undefined;
    }, 45_000);
    expect(judged.layers.image.detail.verdict).toBe('black');

    const last = await picture('admin');
    expect(last.status).toBe(200);
    expect(last.at).toBeLessThan(turnedBlackAt);
    expect(last.at).toBeGreaterThanOrEqual(good.at);
    expect(await brightness(last.jpeg)).toBeGreaterThan(40);

    // Another black round goes by: the last good picture is still the one from before.
    const seen = Date.parse(judged.lastCheckAt);
    await waitFor('another image round', async () => (Date.parse((await status()).lastCheckAt) > seen + 4000 ? true : undefined), 30_000);
    expect((await picture('admin')).at).toBe(last.at);
    const full = await picture('admin', 'full');
    expect(full.at).toBe(last.at);
    expect((await sharp(full.jpeg).metadata()).width).toBeGreaterThan((await sharp(last.jpeg).metadata()).width!);
  });

  it('is for those who may see the camera', async () => {
    expect((await picture('viewer')).status).toBe(200);
    const refused = await picture('stranger');
    expect(refused.status).toBe(404);
    expect(refused.jpeg.toString()).toContain('not_found');
    const anon = await fetch(`${pantau.url}/api/cameras/${id}/last-good-picture`);
    expect(anon.status).toBe(401);
  });
});
