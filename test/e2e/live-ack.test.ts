/**
 * Who is on an outage shows up live: an official's phone shows a dark camera's card with
 * nobody on it; the owner acknowledges on a second phone (its own browser profile and
 * session), and the official's card says "Ditangani oleh budi sejak …" without a reload, well
 * before the grid's periodic re-read of the list would have.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ProbeResult } from '../../src/domain/status.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

let pantau: TestPantau;
const phones: Phone[] = [];

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });

async function signIn(phone: Phone, username: string, hash = '#/'): Promise<Page> {
  const page = await phone.context.newPage();
  await page.goto(`${pantau.url}/${hash}`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(`${username}-password`);
  await page.getByRole('button', { name: 'Masuk' }).click();
  return page;
}

describe.skipIf(!existsSync(CHROMIUM))('acknowledgements reach other phones live', () => {
  let cameraId = '';

  beforeAll(async () => {
    await buildDashboard();
    pantau = await startTestPantau();
    const { admin, make } = await signedInClients(pantau);
    const owner = await make('budi', 'owner');
    await make('pejabat', 'viewer', [{ scope: 'agency', value: 'Diskominfo' }]);
    const res = await admin.post('/api/cameras', {
      name: 'CCTV Kantor Bupati', site: 'Kantor Bupati', agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, owners: [owner.id],
    });
    expect(res.status, res.text).toBe(201);
    cameraId = res.body.id;
    for (let i = 0; i < 2; i++) pantau.monitor.record(down(cameraId), 'liveness');
    for (let i = 0; i < 2; i++) phones.push(await launchPhone(new URL(pantau.url).origin));
  }, 120_000);

  afterAll(async () => {
    for (const p of phones) await p.close();
    await pantau?.stop();
  });

  it('the official’s dark card says who took the outage on, without a reload', async () => {
    const official = await signIn(phones[0]!, 'pejabat');
    const card = official.locator('.dark-card', { hasText: 'CCTV Kantor Bupati' });
    await card.getByText('Belum ada yang menangani').waitFor({ timeout: 10_000 });
    await official.evaluate(() => ((globalThis as { notReloaded?: boolean }).notReloaded = true));

    const ownerPage = await signIn(phones[1]!, 'budi', `#/kamera/${encodeURIComponent(cameraId)}`);
    await ownerPage.getByRole('button', { name: 'Tangani', exact: true }).click();

    // Well under the 60 s after which the grid reads the list again anyway.
    await card.getByText(/^Ditangani oleh budi sejak /).waitFor({ timeout: 10_000 });
    expect(await official.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
  }, 60_000);
});
