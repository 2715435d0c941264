/**
 * Outage causes and the leadership report on a 360×740 phone, in Bahasa Indonesia and in
 * English: the owner acknowledges an outage from the camera's page with one tap, and the cause
 * form opens under it (a note without a cause is refused under the cause field); the record shows
 * under the outage,
 * then opens the report and finds the innovation's card with its state and the cause counted;
 * printed, the navigation is gone and the page is A4. An owner also records a cause from the
 * camera's list of notifications sent, under the alert of that outage. Screenshots and the PDF go
 * to test-artifacts/screenshots/report-*.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FakeHttpServer } from '../support/fake-http.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

const SHOTS = path.resolve('test-artifacts/screenshots');
const DAY = 86_400_000;

const W = {
  id: {
    username: 'Nama pengguna', password: 'Kata sandi', signIn: 'Masuk',
    acknowledge: 'Tangani', cause: 'Penyebab', note: 'Catatan', fixedBy: 'Diperbaiki oleh', publicNote: 'Catatan untuk publik', power: 'Listrik padam',
    causeNeeded: 'Wajib diisi.', save: 'Simpan', recorded: 'Penyebab: Listrik padam', acked: 'Ditangani oleh', navReport: 'Laporan',
    innovations: 'Laporan inovasi', healthy: 'Sehat', byCause: 'Listrik padam: 1', uptimeSinceLaunch: 'Aktif sejak peluncuran',
  },
  en: {
    username: 'Username', password: 'Password', signIn: 'Sign in',
    acknowledge: 'Acknowledge', cause: 'Cause', note: 'Note', fixedBy: 'Fixed by', publicNote: 'Public note', power: 'Power',
    causeNeeded: 'Required.', save: 'Save', recorded: 'Cause: Power', acked: 'Acknowledged by', navReport: 'Report',
    innovations: 'Innovation report', healthy: 'Healthy', byCause: 'Power: 1', uptimeSinceLaunch: 'Uptime since launch',
  },
} as const;
const CASES = {
  id: { owner: 'budi', camera: 'CCTV Masjid Agung', innovation: 'Masjid Aman' },
  en: { owner: 'rina', camera: 'CCTV Terminal Lasusua', innovation: 'Terminal Tertib' },
} as const;

let pantau: TestPantau;
let phone: Phone;
let page: Page;
let hook: FakeHttpServer;

describe.skipIf(!existsSync(CHROMIUM))('an owner records why a camera went dark, and leadership sees it in the report', () => {
  const cameraIds: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    pantau = await startTestPantau();
    const { admin } = await signedInClients(pantau);
    const now = Date.now();
    for (const [lang, c] of Object.entries(CASES)) {
      const user = await admin.post('/api/users', { username: c.owner, role: 'owner', password: `${c.owner}-password`, language: lang });
      expect(user.status, user.text).toBe(201);
      // Written to the store with its history (not probed): up for three weeks, dark for the last two hours.
      const id = pantau.store.cameras.insert(
        {
          name: c.camera, site: c.camera, agency: 'Diskominfo', location: null, innovation: { name: c.innovation, launchedOn: new Date(now - 21 * DAY).toISOString().slice(0, 10) },
          owners: [user.body.id], onvif: null, rtsp: { url: 'rtsp://127.0.0.1:9/x', username: null, passwordEnc: null }, snapshot: null,
          checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 120, enabled: true, private: false, public: false, tags: [], parentId: null, externalId: null,
        },
        now - 21 * DAY,
      ).id;
      pantau.store.flips.insert({ cameraId: id, at: now - 21 * DAY, from: 'unknown', to: 'up', reason: 'ok' });
      pantau.store.flips.insert({ cameraId: id, at: now - 2 * 3_600_000, from: 'up', to: 'down', reason: 'unreachable' });
      cameraIds[lang] = id;
    }
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
  }, 180_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await hook?.stop();
  });

  for (const lang of ['id', 'en'] as const) {
    const w = W[lang];
    const c = CASES[lang];

    it(`acknowledges with one tap and records the cause in the form that opens, on the camera's page (${lang})`, async () => {
      await phone.context.clearCookies();
      await page.goto('about:blank');
      await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraIds[lang]!)}`);
      // The language chosen on this phone wins over the account's: switch it on the sign-in page.
      if (lang === 'en') await page.getByRole('button', { name: 'English' }).click();
      await page.getByLabel(w.username).fill(c.owner);
      await page.getByLabel(w.password).fill(`${c.owner}-password`);
      await page.getByRole('button', { name: w.signIn }).click();
      await page.getByRole('heading', { level: 1, name: c.camera }).waitFor({ timeout: 15_000 });

      // One tap acknowledges; the cause form then opens under the outage.
      await page.getByRole('button', { name: w.acknowledge, exact: true }).click();
      const form = page.locator('form.record-form');
      await form.waitFor();
      await page.locator('li.outage', { hasText: `${w.acked} ${c.owner}` }).waitFor();
      // A note without a cause: refused under the cause field, nothing sent.
      await form.getByLabel(w.note, { exact: true }).fill('PLN padam sejak subuh');
      await form.getByRole('button', { name: w.save, exact: true }).click();
      await expect.poll(() => form.locator('.field-error:visible').first().textContent()).toBe(w.causeNeeded);
      expect(await form.getByLabel(w.cause, { exact: true }).getAttribute('aria-invalid')).toBe('true');

      await form.getByLabel(w.cause, { exact: true }).selectOption({ label: w.power });
      await form.getByLabel(w.fixedBy, { exact: true }).fill('Pak Rahmat');
      await form.getByLabel(w.publicNote, { exact: true }).fill('Listrik padam di sekitar lokasi.');
      await form.getByRole('button', { name: w.save, exact: true }).click();
      const outage = page.locator('li.outage').first();
      await outage.getByText(w.recorded).waitFor({ timeout: 10_000 });
      await outage.getByText(`${w.acked} ${c.owner}`, { exact: false }).waitFor();
      await outage.getByText('PLN padam sejak subuh').waitFor();
      // Nothing wider than the phone.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await outage.screenshot({ path: path.join(SHOTS, `report-cause-${lang}.png`) });
    }, 90_000);

    it(`finds the innovation's card with its state and the cause in the report, and prints it on A4 (${lang})`, async () => {
      await page.getByRole('link', { name: w.navReport }).click();
      await page.getByRole('heading', { level: 2, name: w.innovations }).waitFor({ timeout: 15_000 });
      const card = page.locator('li.innovation', { has: page.getByRole('heading', { level: 3, name: new RegExp(c.innovation) }) });
      await card.waitFor();
      expect(await card.locator('.state-chip').textContent()).toBe(w.healthy);
      await card.getByText(w.byCause).waitFor();
      await card.getByText(w.uptimeSinceLaunch).waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      await page.screenshot({ path: path.join(SHOTS, `report-innovations-${lang}.png`), fullPage: true });

      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('nav.bottom').isVisible()).toBe(false);
      expect(await card.isVisible()).toBe(true);
      const pdf = path.join(SHOTS, `report-a4-${lang}.pdf`);
      await page.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
      expect(statSync(pdf).size).toBeGreaterThan(10_000);
      await page.emulateMedia({ media: 'screen' });
    }, 60_000);
  }

  it('records a cause from the notifications sent, under the alert of that outage (id)', async () => {
    // A camera of Budi's that goes dark now: an alert is sent to his webhook, and the camera's
    // list of notifications sent shows it.
    hook = await new FakeHttpServer().start();
    const { admin } = await signedInClients(pantau);
    const budi = ((await admin.get('/api/users')).body as { id: string; username: string }[]).find((u) => u.username === 'budi')!;
    const created = await admin.post('/api/cameras', { name: 'CCTV Pasar Sentral', site: 'Pasar Sentral', agency: 'Diskominfo', owners: [budi.id], rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 1 });
    expect(created.status, created.text).toBe(201);
    const cameraId = created.body.id as string;
    expect((await admin.post('/api/contacts', { userId: budi.id, channel: 'webhook', address: `${hook.origin}/budi` })).status).toBe(201);
    for (let i = 0; i < 2; i++) pantau.monitor.record({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } }, 'liveness');
    await expect
      .poll(() => {
        pantau.alerting.alerts.tick();
        return hook.requests.some((r) => r.body.toString().includes(cameraId));
      }, { timeout: 20_000, interval: 300 })
      .toBe(true);

    await phone.context.clearCookies();
    await page.goto('about:blank');
    await page.goto(`${pantau.url}/#/kamera/${encodeURIComponent(cameraId)}`);
    // The phone may still be in English from the tests before: back to Indonesian.
    await page.getByRole('button', { name: new RegExp(`^(${W.id.signIn}|${W.en.signIn})$`) }).waitFor({ timeout: 15_000 });
    if (await page.getByRole('button', { name: 'Bahasa Indonesia' }).isVisible()) await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
    await page.getByLabel(W.id.username).fill('budi');
    await page.getByLabel(W.id.password).fill('budi-password');
    await page.getByRole('button', { name: W.id.signIn }).click();
    await page.getByRole('heading', { level: 1, name: 'CCTV Pasar Sentral' }).waitFor({ timeout: 15_000 });
    const sent = page.locator('section.camera-notifications');
    const line = sent.locator('li.notification', { hasText: 'Peringatan' }).first();
    await line.getByRole('button', { name: 'Catat penyebab', exact: true }).click({ timeout: 15_000 });
    const form = line.locator('form.record-form');
    await form.getByLabel(W.id.cause, { exact: true }).selectOption({ label: 'Jaringan / ISP' });
    await form.getByLabel(W.id.note, { exact: true }).fill('Modem di pasar mati');
    await form.getByRole('button', { name: W.id.save, exact: true }).click();
    // Recorded: under the alert, and in the camera's outage list above it.
    await sent.getByText('Penyebab: Jaringan / ISP').waitFor({ timeout: 10_000 });
    await sent.getByRole('button', { name: 'Ubah penyebab', exact: true }).waitFor();
    await page.locator('li.outage').first().getByText('Penyebab: Jaringan / ISP').waitFor({ timeout: 10_000 });
    const outageId = pantau.alerting.alerts.openOutageId(cameraId)!;
    expect(pantau.store.outageNotes.latest(outageId)).toMatchObject({ cause: 'network', note: 'Modem di pasar mati', by: 'budi' });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await sent.screenshot({ path: path.join(SHOTS, 'report-cause-notifications-id.png') });
  }, 90_000);
});
