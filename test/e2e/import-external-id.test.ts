/**
 * Onboarding by inventory id in the dashboard, in both languages: a CSV whose rows carry
 * external ids says, in a dry run and after the real import, how many cameras are new, updated
 * or unchanged, and each row's action; the camera form refuses an inventory id another camera
 * has, under the field, naming that camera.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

let pantau: TestPantau;
let admin: Client;
let phone: Phone;
let page: Page;

const W = {
  id: {
    username: 'Nama pengguna', password: 'Kata sandi', signIn: 'Masuk', signOut: 'Keluar', navAdmin: 'Registri', navAccount: 'Akun',
    dryRun: 'Coba dulu (tanpa menyimpan)', importButton: 'Impor', addCamera: 'Tambah kamera', save: 'Simpan',
    name: 'Nama', site: 'Lokasi', agency: 'OPD', rtsp: 'URL RTSP', externalId: 'ID inventaris',
    ready: 'Siap: 1 kamera baru, 1 diperbarui, 1 tanpa perubahan.', done: 'Selesai: 1 kamera baru, 1 diperbarui, 1 tanpa perubahan.',
    rows: 'Per baris', created: 'baru', updated: 'diperbarui', unchanged: 'tanpa perubahan', taken: 'ID ini sudah dipakai kamera "CCTV Balai Desa id".',
  },
  en: {
    username: 'Username', password: 'Password', signIn: 'Sign in', signOut: 'Sign out', navAdmin: 'Registry', navAccount: 'Account',
    dryRun: 'Try first (save nothing)', importButton: 'Import', addCamera: 'Add a camera', save: 'Save',
    name: 'Name', site: 'Site', agency: 'Agency', rtsp: 'RTSP URL', externalId: 'Inventory ID',
    ready: 'Ready: 1 new camera, 1 updated, 1 unchanged.', done: 'Done: 1 new camera, 1 updated, 1 unchanged.',
    rows: 'Row by row', created: 'new', updated: 'updated', unchanged: 'unchanged', taken: 'This ID is already used by camera "CCTV Balai Desa en".',
  },
} as const;

describe.skipIf(!existsSync(CHROMIUM))('the admin onboards by inventory id on a phone', () => {
  beforeAll(async () => {
    await buildDashboard();
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500 } });
    admin = (await signedInClients(pantau)).admin;
    for (const lang of ['id', 'en']) {
      for (const [n, name] of [[1, `CCTV Balai Desa ${lang}`], [2, `CCTV Puskesmas ${lang}`]] as const) {
        const res = await admin.request('PUT', `/api/cameras/by-external-id/INV-${lang}-${n}`, { name, site: 'Balai Desa', agency: 'Diskominfo', snapshotUrl: `http://127.0.0.1:9/${lang}${n}.jpg` });
        expect(res.status, res.text).toBe(201);
      }
    }
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
    await page.goto(pantau.url);
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
  });

  for (const lang of ['id', 'en'] as const) {
    const w = W[lang];
    it(`says per row what an import with inventory ids does, and refuses a taken id in the form (${lang})`, async () => {
      if (lang === 'en') await page.getByRole('button', { name: 'English' }).click();
      await page.getByLabel(w.username).fill('admin');
      await page.getByLabel(w.password).fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: w.signIn }).click();
      await page.getByRole('link', { name: w.navAdmin }).click();
      await page.locator('.admin-camera').first().waitFor({ timeout: 10_000 });

      const csv = [
        'external_id,name,site,agency,snapshot_url',
        `INV-${lang}-1,CCTV Balai Desa ${lang},Balai Desa,Diskominfo,http://127.0.0.1:9/${lang}1.jpg`,
        `INV-${lang}-2,CCTV Puskesmas ${lang} Baru,Balai Desa,Diskominfo,http://127.0.0.1:9/${lang}2.jpg`,
        `INV-${lang}-3,CCTV Sekolah ${lang},Balai Desa,Diskominfo,http://127.0.0.1:9/${lang}3.jpg`,
      ].join('\n');
      const form = page.locator('form', { has: page.locator('input[type=file]') });
      await form.locator('input[type=file]').setInputFiles({ name: 'kamera.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await form.getByRole('button', { name: w.importButton, exact: true }).click();
      const result = form.locator('.import-result');
      await result.getByText(w.ready).waitFor({ timeout: 10_000 });
      await result.getByText(w.rows).click();
      const actions = result.locator('.import-actions li');
      expect(await actions.allTextContents()).toEqual([
        `${lang === 'id' ? 'Baris' : 'Row'} 2: CCTV Balai Desa ${lang} — ${w.unchanged}`,
        `${lang === 'id' ? 'Baris' : 'Row'} 3: CCTV Puskesmas ${lang} Baru — ${w.updated}`,
        `${lang === 'id' ? 'Baris' : 'Row'} 4: CCTV Sekolah ${lang} — ${w.created}`,
      ]);

      await form.getByLabel(w.dryRun).uncheck();
      await form.getByRole('button', { name: w.importButton, exact: true }).click();
      await page.locator('.import-result').getByText(w.done).waitFor({ timeout: 10_000 });
      const mine = ((await admin.get('/api/cameras')).body as any[]).filter((c) => c.externalId?.startsWith(`INV-${lang}-`));
      expect(mine.map((c) => [c.externalId, c.name]).sort()).toEqual([
        [`INV-${lang}-1`, `CCTV Balai Desa ${lang}`], [`INV-${lang}-2`, `CCTV Puskesmas ${lang} Baru`], [`INV-${lang}-3`, `CCTV Sekolah ${lang}`],
      ]);

      await page.getByRole('button', { name: w.addCamera }).click();
      const cam = page.locator('form.camera-form');
      await cam.getByLabel(w.name, { exact: true }).fill(`CCTV Duplikat ${lang}`);
      await cam.getByLabel(w.site, { exact: true }).fill('Balai Desa');
      await cam.getByLabel(w.agency, { exact: true }).fill('Diskominfo');
      await cam.getByLabel(w.rtsp, { exact: true }).fill('rtsp://127.0.0.1:9/dup');
      const inventory = cam.getByLabel(w.externalId, { exact: true });
      await inventory.fill(`INV-${lang}-1`);
      await cam.getByRole('button', { name: w.save, exact: true }).click();
      const problem = page.locator(`[id="${await inventory.getAttribute('aria-describedby')}"]`);
      await expect.poll(() => problem.textContent(), { timeout: 10_000 }).toBe(w.taken);
      expect(((await admin.get('/api/cameras')).body as any[]).some((c) => c.name === `CCTV Duplikat ${lang}`)).toBe(false);

      await page.getByRole('link', { name: w.navAccount }).click();
      await page.getByRole('button', { name: w.signOut }).click();
      await page.getByLabel(w.username).waitFor();
    }, 90_000);
  }
});
