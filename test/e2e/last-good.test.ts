/**
 * A camera turns black: on an official's phone its dark-now card shows the black picture marked
 * as such, and beside it the last good picture, labelled "Gambar baik terakhir" with its age;
 * the camera's page shows it too, in full size. A simulated HTTP snapshot camera, real probes.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpSnapshotSimulator } from '../support/index.js';
import { waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { CHROMIUM, type Phone } from './browser.js';
import { startSnapshotPhone, type SnapshotPhone } from './snapshot-phone.js';

let setup: SnapshotPhone;
let pantau: TestPantau;
let camera: HttpSnapshotSimulator;
let admin: Client;
let phone: Phone;
let id = '';
const SHOTS = path.resolve('test-artifacts/screenshots');

describe.skipIf(!existsSync(CHROMIUM))('the last good picture of a black camera on a phone', () => {
  beforeAll(async () => {
    setup = await startSnapshotPhone({ username: 'pejabat' }, { name: 'CCTV Alun-alun', site: 'Alun-alun', checkIntervalSec: 5, imageCheckIntervalSec: 5 });
    ({ pantau, camera, admin, phone, id } = setup);
  }, 120_000);

  afterAll(async () => {
    await setup?.stop();
  });

  it('shows the last good picture, labelled, with its age, on the card and the camera page', async () => {
    const status = async () => (await admin.get(`/api/cameras/${id}/status`)).body;
    await waitFor('the camera up', async () => ((await status()).status === 'up' ? true : undefined), 30_000);
    await camera.setMode('black');
    await waitFor('the black verdict', async () => ((await status()).reason === 'black' ? true : undefined), 45_000);

    const page = await phone.context.newPage();
    await page.goto(`${pantau.url}/#/`);
    await page.getByLabel('Nama pengguna').fill('pejabat');
    await page.getByLabel('Kata sandi').fill('pejabat-password');
    await page.getByRole('button', { name: 'Masuk' }).click();

    const card = page.locator('.dark-card', { hasText: 'CCTV Alun-alun' });
    const good = card.locator('figure.last-good');
    await good.locator('img').waitFor({ timeout: 15_000 });
    expect(await good.locator('figcaption').textContent()).toMatch(/^Gambar baik terakhir · .*lalu$/);
    // The card's own picture is the black one, and says so.
    expect(await card.locator('figure.pic:not(.last-good) .pic-verdict').textContent()).toMatch(/hitam/i);
    expect(await good.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);

    mkdirSync(SHOTS, { recursive: true });
    await card.screenshot({ path: path.join(SHOTS, 'last-good-card.png') });
    await card.click();
    const full = page.locator('article.camera-page figure.last-good-full');
    await full.locator('img').waitFor({ timeout: 10_000 });
    expect(await full.locator('figcaption').textContent()).toContain('Gambar baik terakhir');
  }, 120_000);
});
