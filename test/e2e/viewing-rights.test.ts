/**
 * Viewing rights and the viewing record on a 360×740 phone: a pictures grant sees the camera's
 * picture, a status-only grant sees its status and a note instead (no picture is asked for);
 * the camera's owner reads who watched it on the camera page (in English here), and the admin
 * filters the whole record by user and downloads it as CSV (in Bahasa Indonesia). Screenshots go
 * to test-artifacts/screenshots/views-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

const SHOTS = path.resolve('test-artifacts/screenshots');
const AGENCY = 'Dinas Komunikasi dan Informatika';

let pantau: TestPantau;
let cam: HttpSnapshotSimulator;
let phone: Phone;
let page: Page;
let cameraId: string;
const ids: Record<string, string> = {};

async function signIn(username: string, password: string, english = false): Promise<void> {
  await phone.context.clearCookies();
  await page.goto('about:blank');
  await page.goto(`${pantau.url}/`);
  // The login page keeps the language last chosen on this phone: pick the one wanted.
  await page.locator('form button[type="submit"]').waitFor();
  const other = page.getByRole('button', { name: english ? 'English' : 'Bahasa Indonesia' });
  if (await other.count()) await other.click();
  const submit = page.getByRole('button', { name: english ? 'Sign in' : 'Masuk' });
  await submit.waitFor();
  await page.getByLabel(english ? 'Username' : 'Nama pengguna').fill(username);
  await page.getByLabel(english ? 'Password' : 'Kata sandi').fill(password);
  await submit.click();
  await page.locator('main[aria-busy="false"], main:not([aria-busy])').first().waitFor({ timeout: 10_000 });
}

const noSideScroll = () => page.evaluate<boolean>('document.scrollingElement.scrollWidth <= window.innerWidth');

describe.skipIf(!existsSync(CHROMIUM))('who may watch, and who did, on a phone', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    cam = new HttpSnapshotSimulator();
    await cam.start();
    pantau = await startTestPantau({ probes: { imageTimeoutMs: 5000 } });
    const { admin, make } = await signedInClients(pantau);
    ids.budi = (await make('budi', 'owner')).id;
    ids.andi = (await make('andi', 'viewer', [{ scope: 'agency', value: AGENCY, level: 'pictures' }])).id;
    ids.sari = (await make('sari', 'viewer', [{ scope: 'agency', value: AGENCY, level: 'status' }])).id;
    const res = await admin.post('/api/cameras', { name: 'CCTV Masjid Agung', site: 'Masjid Agung', agency: AGENCY, snapshotUrl: cam.url, imageCheckIntervalSec: 86_400, owners: [ids.budi] });
    expect(res.status, res.text).toBe(201);
    cameraId = res.body.id;
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await cam?.stop();
  });

  it('shows the picture to a pictures grant', async () => {
    await signIn('andi', 'andi-password');
    await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraId)}`);
    await page.locator('figure.pic:not(.empty) img').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'views-pictures.png') });
  }, 60_000);

  it('shows a status-only grant the status and a note, and asks for no picture', async () => {
    await signIn('sari', 'sari-password');
    await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraId)}`);
    await page.getByText('Hanya status: akses Anda tidak mencakup gambar kamera ini.').waitFor({ timeout: 10_000 });
    expect(await page.locator('figure.pic').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'views-status-only.png') });
    const sari = pantau.store.viewings.list({ userId: ids.sari }, 10);
    expect(sari).toHaveLength(0);
  }, 60_000);

  it('tells the owner who watched the camera (English)', async () => {
    await signIn('budi', 'budi-password', true);
    await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraId)}`);
    const section = page.locator('section.camera-views');
    await section.getByRole('heading', { name: 'Who watched' }).waitFor({ timeout: 10_000 });
    await section.locator('li.viewing', { hasText: 'andi' }).first().waitFor({ timeout: 10_000 });
    expect(await section.locator('li.viewing', { hasText: 'andi' }).first().textContent()).toContain('frames');
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'views-owner-en.png') });
    expect(await noSideScroll()).toBe(true);
  }, 60_000);

  it('lets the admin raise a grant from status only to pictures in the grants editor', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.goto(`${pantau.url}/#/registri`);
    const row = page.locator('li.user', { hasText: 'sari' });
    await row.getByRole('button', { name: 'Ubah peran dan akses' }).click();
    await row.locator('.chip', { hasText: 'status saja' }).waitFor({ timeout: 10_000 });
    await row.getByLabel('Jenis', { exact: true }).selectOption({ label: 'OPD' });
    await row.getByLabel('Pilih', { exact: true }).selectOption({ label: AGENCY });
    await row.getByLabel('Boleh melihat', { exact: true }).selectOption({ label: 'gambar' });
    await row.getByRole('button', { name: 'Tambah akses' }).click();
    // The same agency again: its level changes, no second grant appears.
    await row.locator('.chip', { hasText: 'gambar' }).waitFor();
    expect(await row.locator('.chip').count()).toBe(1);
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'views-grant-level.png') });
    await row.getByRole('button', { name: 'Simpan peran dan akses' }).click();
    await page.getByText('sari: Tersimpan').waitFor({ timeout: 10_000 });
    expect(pantau.store.users.get(ids.sari!)!.grants).toEqual([expect.objectContaining({ scope: 'agency', value: AGENCY, level: 'pictures' })]);
  }, 60_000);

  it('lets the admin filter the record by user and download it as CSV', async () => {
    await page.goto(`${pantau.url}/#/registri`);
    await page.getByRole('link', { name: 'Catatan tontonan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Catatan tontonan' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Pengguna').selectOption({ label: 'andi' });
    // The unfiltered list (andi's viewing among others) stays until the filtered one comes.
    await expect.poll(async () => new Set(await page.locator('li.viewing strong').allTextContents()), { timeout: 10_000 }).toEqual(new Set(['andi']));
    // One viewing of andi's: the whole list fits one page, so there is no "show more".
    expect(await page.getByRole('button', { name: 'Tampilkan lagi' }).count()).toBe(0);
    const whoShown = await page.locator('li.viewing strong').allTextContents();
    expect(new Set(whoShown)).toEqual(new Set(['andi']));
    expect(await page.locator('li.viewing').first().textContent()).toContain('gambar berkala');
    const href = await page.getByRole('link', { name: 'Unduh CSV' }).getAttribute('href');
    expect(href).toContain(`userId=${ids.andi}`);
    expect(href).toContain('format=csv');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!);
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,user_id,username,camera_id,camera,kind,start,end,address,client,bytes');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes(',andi,'))).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'views-admin.png'), fullPage: true });
    expect(await noSideScroll()).toBe(true);
  }, 60_000);
});
