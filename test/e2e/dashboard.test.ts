/**
 * The dashboard in Chromium on a phone-sized screen, against a real Pantau and simulated
 * cameras: sign in, see the grid, watch a camera go down without reloading, see fresh frames
 * on a camera page, acknowledge the outage (when the alerts API exists), switch to English,
 * and open offline from the saved data. Screenshots go to test-artifacts/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HttpSnapshotSimulator } from '../support/index.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

const SHOTS = path.resolve('test-artifacts/screenshots');
const INTERVAL_S = 5;

let pantau: TestPantau;
let admin: Client;
let phone: Phone;
let page: Page;
const sims: Record<string, HttpSnapshotSimulator> = {};
const ids: Record<string, string> = {};

const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
const tile = (name: string) => page.locator('.grid .tile', { hasText: name });

describe.skipIf(!existsSync(CHROMIUM))('dashboard on a phone', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500, imageTimeoutMs: 5000 } });
    ({ admin } = await signedInClients(pantau));
    const cams = [
      { key: 'masjid', name: 'CCTV Masjid Agung', site: 'Masjid Agung Lasusua', agency: 'Diskominfo', mode: 'live', location: { lat: -3.4587, lng: 120.8236, address: 'Jl. Poros Lasusua' } },
      { key: 'pasar', name: 'CCTV Pasar Sentral', site: 'Pasar Sentral', agency: 'Dinas Perdagangan', mode: 'live' },
      { key: 'kantor', name: 'CCTV Kantor Bupati', site: 'Kantor Bupati', agency: 'Bagian Umum', mode: 'black' },
    ] as const;
    for (const c of cams) {
      sims[c.key] = new HttpSnapshotSimulator({ mode: c.mode });
      await sims[c.key]!.start();
      const res = await admin.post('/api/cameras', {
        name: c.name, site: c.site, agency: c.agency, snapshotUrl: sims[c.key]!.url,
        checkIntervalSec: INTERVAL_S, imageCheckIntervalSec: INTERVAL_S,
        ...('location' in c ? { location: c.location, innovation: { name: 'Pantau Masjid', launchedOn: '2021-08-17' } } : {}),
      });
      expect(res.status, res.text).toBe(201);
      ids[c.key] = res.body.id;
    }
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await Promise.allSettled(Object.values(sims).map((s) => s.stop()));
  });

  it('serves the shell fresh and gzipped, and hashed assets for good', async () => {
    const shell = await fetch(`${pantau.url}/cameras/anything`, { headers: { 'accept-encoding': 'gzip' } });
    expect(shell.headers.get('cache-control')).toBe('no-cache'); // small: sent as is
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await shell.text())![1]!;
    const js = await fetch(pantau.url + asset, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
  });

  it('signs in and shows the grid with statuses in Bahasa Indonesia', async () => {
    await page.goto(pantau.url);
    await page.getByLabel('Nama pengguna').waitFor();
    await shot('login');
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await expect.poll(() => page.locator('.grid .tile').count(), { timeout: 15_000 }).toBe(3);
    await tile('CCTV Masjid Agung').locator('.status', { hasText: 'Aktif' }).waitFor({ timeout: 30_000 });
    await tile('CCTV Kantor Bupati').locator('.status', { hasText: 'gambar hitam' }).waitFor({ timeout: 30_000 });
    // Thumbnails arrive over the socket, each with its age (below the dark-now cards: scrolled to).
    await tile('CCTV Masjid Agung').scrollIntoViewIfNeeded();
    await tile('CCTV Masjid Agung').locator('.pic:not(.empty) img[src^="blob:"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => tile('CCTV Masjid Agung').locator('.pic-age').textContent()).toMatch(/Gambar: \d+ dtk lalu/);
    await tile('CCTV Masjid Agung').locator('.uptime:not(.placeholder)').waitFor({ timeout: 10_000 });
    await shot('grid');
  }, 60_000);

  it('shows a camera going down without a reload', async () => {
    await tile('CCTV Pasar Sentral').locator('.status', { hasText: 'Aktif' }).waitFor({ timeout: 30_000 });
    const marker = await page.evaluate(() => ((globalThis as any).__noReload = 'still here'));
    const stoppedAt = Date.now();
    await sims.pasar!.stop();
    await tile('CCTV Pasar Sentral').locator('.status', { hasText: 'Mati' }).waitFor({ timeout: 4 * INTERVAL_S * 1000 + 5000 });
    const tookMs = Date.now() - stoppedAt;
    // Two failed rounds confirm it: about two intervals plus a check's deadline, pushed at once.
    expect(tookMs).toBeLessThan(3 * INTERVAL_S * 1000 + 5000);
    expect(await page.evaluate(() => (globalThis as any).__noReload)).toBe(marker);
    await page.locator('.dark-list .dark-row', { hasText: 'CCTV Pasar Sentral' }).waitFor();
    await expect.poll(() => page.locator('.dark-list').textContent()).toContain('tidak dapat dihubungi');
    await shot('grid-camera-down');
  }, 60_000);

  it('opens a camera and sees fresh pictures arrive', async () => {
    await tile('CCTV Masjid Agung').click();
    await page.locator('.camera-page h1', { hasText: 'CCTV Masjid Agung' }).waitFor();
    const pic = page.locator('.pic.full');
    await pic.locator('img[src^="blob:"]').waitFor({ timeout: 15_000 });
    const first = await pic.getAttribute('data-at');
    await expect.poll(() => pic.getAttribute('data-at'), { timeout: 15_000 }).not.toBe(first);
    expect(Number(await pic.getAttribute('data-at'))).toBeGreaterThan(Number(first));
    // Minutes old: no figure over windows it has not lived, only since when it is watched.
    await expect.poll(() => page.locator('.uptimes').innerText(), { timeout: 10_000 }).toMatch(/^Baru dipantau sejak \d{2}\.\d{2} WITA$/);
    await expect.poll(() => page.locator('.daily .day').count(), { timeout: 10_000 }).toBe(90);
    expect((await page.locator('.daily-bars').boundingBox())!.width).toBeLessThanOrEqual(360);
    await page.locator('.map-fallback, .map').first().waitFor();
    await page.waitForTimeout(6500); // tiles cannot load here: let the map give way to the plain box
    await shot('camera');
  }, 60_000);

  it('acknowledges the outage from the camera page, when the alerts API exists', async (ctx) => {
    const alerts = await admin.get('/api/alerts');
    if (alerts.status === 404) {
      console.warn('alerts API not on this server (GET /api/alerts → 404): acknowledge step skipped');
      ctx.skip();
    }
    await page.goto(`${pantau.url}/#/kamera/${ids.pasar}`);
    await page.locator('.outages li').first().waitFor();
    await shot('camera-down');
    const ack = page.getByRole('button', { name: 'Tangani' });
    await ack.first().waitFor({ timeout: 15_000 });
    await ack.first().click();
    await page.locator('.outage', { hasText: 'Ditangani oleh' }).waitFor({ timeout: 10_000 });
    // Kept by the server, not this phone: a fresh load still says who acknowledged it.
    await page.reload();
    await page.locator('.outage', { hasText: 'Ditangani oleh' }).waitFor({ timeout: 10_000 });
    await shot('camera-acknowledged');
  }, 90_000);

  it('shows the agency report, the registry and the account page', async () => {
    await page.goto(`${pantau.url}/#/laporan`);
    await page.locator('.report table tbody tr').first().waitFor();
    await shot('report');
    await page.emulateMedia({ media: 'print' });
    await shot('report-print');
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${pantau.url}/#/registri`);
    await page.locator('.admin-camera').first().waitFor();
    await shot('registry');
    await page.goto(`${pantau.url}/#/akun`);
    await page.locator('.account h1').waitFor();
    await shot('account');
  }, 30_000);

  it('switches to English', async () => {
    const muted = await admin.post('/api/mutes', { cameraId: ids.kantor, until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'perbaikan' });
    expect(muted.status, muted.text).toBe(201);
    await page.goto(`${pantau.url}/#/`);
    await page.locator('.grid .tile').first().waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: /^DOWN \d+ · DEGRADED \d+$/ }).waitFor();
    expect(await page.locator('nav.bottom').textContent()).toContain('Cameras');
    await tile('CCTV Pasar Sentral').locator('.status', { hasText: 'Down' }).waitFor();
    await expect.poll(() => tile('CCTV Pasar Sentral').textContent()).toContain('unreachable');
    await expect.poll(() => tile('CCTV Kantor Bupati').textContent()).toContain('Muted until');
    await shot('grid-english');
  }, 30_000);

  it('opens offline with the last statuses and their age, pictures marked old', async () => {
    await page.reload();
    await page.locator('.grid .tile').first().waitFor();
    await page.evaluate(() => (globalThis as any).navigator.serviceWorker.ready.then(() => true));
    await phone.context.setOffline(true);
    await page.reload();
    await page.locator('.banner', { hasText: 'Offline' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => page.locator('.grid .tile').count()).toBe(3);
    await tile('CCTV Pasar Sentral').locator('.status', { hasText: 'Down' }).waitFor();
    await shot('offline');
    await phone.context.setOffline(false);
  }, 45_000);
});
