/**
 * The admin's journey on a 360×740 phone, in Bahasa Indonesia and in English: register a
 * camera through the form (a wrong save first: every problem under its field, in the chosen
 * language, from the browser's checks and then from the server's), read the device over ONVIF
 * (a refused password, then the profiles, the sub-stream picked first, what was filled in),
 * pick an owner, grant a viewer the new camera's agency from the picker, and sign in as that
 * viewer to see the camera. Screenshots go to test-artifacts/screenshots/admin-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { OnvifDeviceSimulator } from '../support/onvif-device.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

const SHOTS = path.resolve('test-artifacts/screenshots');
const DEVICE_PASSWORD = 'device-password';

let pantau: TestPantau;
let admin: Client;
let device: OnvifDeviceSimulator;
let phone: Phone;
let page: Page;
const userIds: Record<string, string> = {};

const W = {
  id: {
    username: 'Nama pengguna', password: 'Kata sandi', signIn: 'Masuk', signOut: 'Keluar', navAdmin: 'Registri', navAccount: 'Akun',
    addCamera: 'Tambah kamera', save: 'Simpan', name: 'Nama', site: 'Lokasi', agency: 'OPD', host: 'Alamat ONVIF', port: 'Port',
    rtsp: 'URL RTSP', snapshot: 'URL snapshot', required: 'Wajib diisi.', needEndpoint: 'Isi paling sedikit satu: alamat ONVIF, URL RTSP, atau URL snapshot.',
    count: /Periksa isian bertanda merah \(\d+\)\./, rtspScheme: 'Harus URL rtsp:// atau rtsps:// dengan alamat perangkat.', inspect: 'Baca dari perangkat',
    refused: 'Perangkat menolak nama pengguna atau kata sandi.', found: 'HIKVISION DS-2CD2143G2-I: 2 profil siaran ditemukan.', filledIn: 'Diisi dari perangkat:',
    smallest: 'terkecil, cocok untuk ponsel', innovation: 'Nama inovasi', launched: 'Tanggal peluncuran', tags: 'Label', grace: 'Tenggang peringatan (menit)',
    parent: 'Perangkat induk', editAccess: 'Ubah peran dan akses', kind: 'Jenis', pick: 'Pilih', agencyScope: 'OPD', addGrant: 'Tambah akses',
    saveAccess: 'Simpan peran dan akses', saved: 'Tersimpan', noAccess: 'Belum ada akses: pengguna ini belum melihat kamera apa pun.',
    edit: 'Ubah', addUser: 'Tambah', addUserHeading: 'Tambah pengguna', tooShort: 'Terlalu pendek: paling sedikit 8 karakter.', siteScope: 'Lokasi', newPassword: 'Kata sandi baru',
    resetPassword: 'Atur ulang kata sandi', passwordReset: 'kata sandi diganti; sesi lamanya berakhir.', disable: 'Nonaktifkan', disabled: 'nonaktif',
    deleteUser: 'Hapus pengguna', deleted: 'dihapus.', sitePrefix: 'Lokasi: ',
    dryRun: 'Coba dulu (tanpa menyimpan)', importButton: 'Impor', ready: '2 baris siap diimpor.', badRows: '1 baris bermasalah:',
    badOwner: 'Baris 4: owners — tidak ada pengguna bernama "siapa".', nothingWritten: 'Tidak ada yang disimpan: 1 baris bermasalah.',
    goodRows: 'Impor 2 baris yang baik saja', imported: '2 kamera diimpor.', template: 'Unduh templat CSV',
  },
  en: {
    username: 'Username', password: 'Password', signIn: 'Sign in', signOut: 'Sign out', navAdmin: 'Registry', navAccount: 'Account',
    addCamera: 'Add a camera', save: 'Save', name: 'Name', site: 'Site', agency: 'Agency', host: 'ONVIF address', port: 'Port',
    rtsp: 'RTSP URL', snapshot: 'Snapshot URL', required: 'Required.', needEndpoint: 'Fill in at least one: the ONVIF address, the RTSP URL or the snapshot URL.',
    count: /Check the fields marked in red \(\d+\)\./, rtspScheme: 'Must be an rtsp:// or rtsps:// URL with the device address.', inspect: 'Read from the device',
    refused: 'The device refused the username or password.', found: 'HIKVISION DS-2CD2143G2-I: 2 stream profiles found.', filledIn: 'Filled in from the device:',
    smallest: 'smallest, suits phones', innovation: 'Innovation name', launched: 'Launch date', tags: 'Tags', grace: 'Alert grace (minutes)',
    parent: 'Parent device', editAccess: 'Edit role and access', kind: 'Kind', pick: 'Pick', agencyScope: 'Agency', addGrant: 'Add access',
    saveAccess: 'Save role and access', saved: 'Saved', noAccess: 'No access yet: this user sees no cameras.',
    edit: 'Edit', addUser: 'Add', addUserHeading: 'Add a user', tooShort: 'Too short: at least 8 characters.', siteScope: 'Site', newPassword: 'New password',
    resetPassword: 'Reset password', passwordReset: 'password changed; its old sessions have ended.', disable: 'Disable', disabled: 'disabled',
    deleteUser: 'Delete user', deleted: 'deleted.', sitePrefix: 'Site: ',
    dryRun: 'Try first (save nothing)', importButton: 'Import', ready: '2 rows ready to import.', badRows: '1 row has problems:',
    badOwner: 'Row 4: owners — no user named "siapa".', nothingWritten: 'Nothing was saved: 1 row has problems.',
    goodRows: 'Import the 2 good rows alone', imported: '2 cameras imported.', template: 'Download the CSV template',
  },
} as const;

/** Each language registers its own camera for its own owner and viewer. */
const CASES = {
  id: { camera: 'CCTV Puskesmas Lasusua', site: 'Puskesmas Lasusua', agency: 'Dinas Kesehatan', owner: 'budi', viewer: 'sari', innovation: 'Puskesmas Terpantau', newcomer: 'andi' },
  en: { camera: 'CCTV Terminal Lasusua', site: 'Terminal Lasusua', agency: 'Dinas Perhubungan', owner: 'rina', viewer: 'tono', innovation: 'Terminal Aman', newcomer: 'joko' },
} as const;

/** What the phone's screen shows with `at` scrolled to its top, as the admin sees it. */
async function shot(name: string, at: Locator): Promise<void> {
  await at.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.evaluate(() => (globalThis as any).scrollBy(0, -60)); // below the sticky header
  await page.screenshot({ path: path.join(SHOTS, `admin-${name}.png`) });
}
/** The problem shown under a field: the element the control's aria-describedby names. */
async function problemOf(control: Locator): Promise<Locator> {
  const id = await control.getAttribute('aria-describedby');
  return page.locator(`[id="${id}"]`);
}

async function signIn(w: (typeof W)[keyof typeof W], username: string, password: string): Promise<void> {
  await page.getByLabel(w.username).fill(username);
  await page.getByLabel(w.password).fill(password);
  await page.getByRole('button', { name: w.signIn }).click();
}

/** Signs in as the admin on the sign-in page and opens the registry from the navigation. */
async function openRegistry(w: (typeof W)[keyof typeof W]): Promise<void> {
  await page.getByRole('button', { name: w.signIn }).waitFor();
  await signIn(w, 'admin', ADMIN_PASSWORD);
  await page.getByRole('link', { name: w.navAdmin }).click();
  await page.locator('.admin-camera').first().waitFor({ timeout: 10_000 });
}

describe.skipIf(!existsSync(CHROMIUM))('the admin registers and grants on a phone', () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500 } });
    const clients = await signedInClients(pantau);
    admin = clients.admin;
    for (const c of Object.values(CASES)) {
      for (const [username, role] of [[c.owner, 'owner'], [c.viewer, 'viewer']] as const) {
        const res = await admin.post('/api/users', { username, role, password: `${username}-password`, displayName: username[0]!.toUpperCase() + username.slice(1) });
        expect(res.status, res.text).toBe(201);
        userIds[username] = res.body.id;
      }
    }
    // A camera of another agency, so the pickers offer a real choice.
    const other = await admin.post('/api/cameras', { name: 'CCTV Pasar Sentral', site: 'Pasar Sentral', agency: 'Dinas Perdagangan', snapshotUrl: 'http://127.0.0.1:9/snap.jpg' });
    expect(other.status, other.text).toBe(201);
    device = new OnvifDeviceSimulator({ username: 'admin', password: DEVICE_PASSWORD });
    await device.start();
    phone = await launchPhone(new URL(pantau.url).origin);
    page = await phone.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await pantau?.stop();
    await device?.stop();
  });

  for (const lang of ['id', 'en'] as const) {
    const w = W[lang];
    const c = CASES[lang];

    it(`registers a camera through the form (${lang})`, async () => {
      // Indonesian on a fresh phone; English picked on the sign-in page the last test left.
      if (lang === 'id') await page.goto(pantau.url);
      else await page.getByRole('button', { name: 'English' }).click();
      await openRegistry(w);
      await page.getByRole('button', { name: w.addCamera }).click();
      const form = page.locator('form.camera-form');

      // Saving the empty form: every problem at once, under its field, in this language.
      await form.getByRole('button', { name: w.save, exact: true }).click();
      await expect.poll(async () => (await problemOf(form.getByLabel(w.name, { exact: true }))).textContent()).toBe(w.required);
      expect(await (await problemOf(form.getByLabel(w.site, { exact: true }))).textContent()).toBe(w.required);
      expect(await (await problemOf(form.getByLabel(w.agency, { exact: true }))).textContent()).toBe(w.required);
      expect(await (await problemOf(form.getByLabel(w.host, { exact: true }))).textContent()).toBe(w.needEndpoint);
      await expect.poll(() => form.locator('.form-errors').textContent()).toMatch(w.count);
      expect(await form.getByLabel(w.name, { exact: true }).getAttribute('aria-invalid')).toBe('true');
      const errorColour = await (await problemOf(form.getByLabel(w.name, { exact: true }))).evaluate((el) => (globalThis as any).getComputedStyle(el).color);
      expect(errorColour).toBe('rgb(176, 0, 32)');
      await shot(`${lang}-form-errors`, form.locator('.group').nth(1));
      await shot(`${lang}-form-errors-top`, form);

      // Read from the device: a wrong password is said by the button, in words.
      await form.getByLabel(w.host, { exact: true }).fill('127.0.0.1');
      await form.getByLabel(w.port, { exact: true }).fill(String(device.port));
      await form.getByLabel(w.username, { exact: true }).fill('admin');
      await form.getByLabel(w.password, { exact: true }).fill('wrong-password');
      await form.getByRole('button', { name: w.inspect }).click();
      await form.locator('.inspect-status', { hasText: w.refused }).waitFor({ timeout: 15_000 });
      await form.getByLabel(w.password, { exact: true }).fill(DEVICE_PASSWORD);
      await form.getByRole('button', { name: w.inspect }).click();
      await form.locator('.inspect-status', { hasText: w.found }).waitFor({ timeout: 15_000 });
      // The smallest profile (the sub-stream) comes first and is chosen; the main stream can be picked.
      const sub = form.getByRole('radio', { name: new RegExp(w.smallest.replace(/[()]/g, '\\$&')) });
      expect(await sub.isChecked()).toBe(true);
      const rtsp = form.getByLabel(w.rtsp, { exact: true });
      expect(await rtsp.inputValue()).toContain('/Streaming/Channels/102');
      await expect.poll(() => form.locator('.filled-list').textContent()).toContain(w.filledIn);
      expect(await form.locator('.filled-list').textContent()).toContain('/Streaming/Channels/102');
      expect(await form.getByLabel(w.name, { exact: true }).inputValue()).toBe('HIKVISION DS-2CD2143G2-I');
      await form.getByRole('radio', { name: /mainStream/ }).check();
      expect(await rtsp.inputValue()).toContain('/Streaming/Channels/101');
      await sub.check();
      expect(await rtsp.inputValue()).toContain('/Streaming/Channels/102');
      await shot(`${lang}-inspected`, form.getByRole('button', { name: w.inspect }));

      // The rest of the form, with an RTSP URL the browser takes but the server refuses.
      await form.getByLabel(w.name, { exact: true }).fill(c.camera);
      await form.getByLabel(w.site, { exact: true }).fill(c.site);
      await form.getByLabel(w.agency, { exact: true }).fill(c.agency);
      await form.getByLabel(w.innovation, { exact: true }).fill(c.innovation);
      await form.getByLabel(w.launched, { exact: true }).fill('2024-08-17');
      await form.getByLabel(w.tags, { exact: true }).fill('kesehatan, pintu masuk');
      await form.getByLabel(w.grace, { exact: true }).fill('5');
      await form.getByRole('checkbox', { name: new RegExp(`\\(${c.owner}\\)`) }).check();
      await shot(`${lang}-owners`, form.locator('fieldset.owners'));
      const subUrl = await rtsp.inputValue();
      await rtsp.fill('http://127.0.0.1/stream');
      await form.getByRole('button', { name: w.save, exact: true }).click();
      await expect.poll(async () => (await problemOf(rtsp)).textContent(), { timeout: 10_000 }).toBe(w.rtspScheme);
      expect(await (await problemOf(form.getByLabel(w.name, { exact: true }))).isHidden()).toBe(true);
      await shot(`${lang}-server-error`, rtsp);

      await rtsp.fill(subUrl);
      await form.getByRole('button', { name: w.save, exact: true }).click();
      await page.locator('.admin-camera', { hasText: c.camera }).waitFor({ timeout: 10_000 });

      const cams = (await admin.get('/api/cameras')).body as any[];
      const saved = cams.find((x) => x.name === c.camera);
      expect(saved).toMatchObject({
        site: c.site, agency: c.agency, owners: [userIds[c.owner]], tags: ['kesehatan', 'pintu masuk'], alertGraceSec: 300,
        innovation: { name: c.innovation, launchedOn: '2024-08-17' }, onvif: { host: '127.0.0.1', port: device.port, username: 'admin', hasPassword: true },
      });
      expect(saved.rtspUrl).toContain('/Streaming/Channels/102');
    }, 90_000);

    it(`grants a viewer the camera's agency from the picker, and the viewer sees it (${lang})`, async () => {
      const row = page.locator('li.user', { hasText: c.viewer });
      expect(await row.textContent()).toContain(w.noAccess);
      await row.getByRole('button', { name: w.editAccess }).click();
      await row.getByLabel(w.kind, { exact: true }).selectOption({ label: w.agencyScope });
      // Only agencies that exist are offered: the new camera's and the other one.
      const options = await row.getByLabel(w.pick, { exact: true }).locator('option').allTextContents();
      expect(options).toEqual(expect.arrayContaining([c.agency, 'Dinas Perdagangan']));
      await row.getByLabel(w.pick, { exact: true }).selectOption({ label: c.agency });
      await row.getByRole('button', { name: w.addGrant }).click();
      await row.locator('.chip', { hasText: c.agency }).waitFor();
      await shot(`${lang}-grant`, row);
      await row.getByRole('button', { name: w.saveAccess }).click();
      await page.getByText(`${c.viewer}: ${w.saved}`).waitFor({ timeout: 10_000 });
      const viewer = (await admin.get('/api/users')).body.find((u: any) => u.username === c.viewer);
      expect(viewer.grants).toEqual([expect.objectContaining({ scope: 'agency', value: c.agency })]);

      // Sign out, sign in as the viewer: the camera is on the grid, the other agency's is not.
      await page.getByRole('link', { name: w.navAccount }).click();
      await page.getByRole('button', { name: w.signOut }).click();
      await signIn(w, c.viewer, `${c.viewer}-password`);
      await page.getByText(c.camera).first().waitFor({ timeout: 15_000 });
      expect(await page.getByText('CCTV Pasar Sentral').count()).toBe(0);
      await page.getByRole('link', { name: w.navAccount }).click();
      await page.getByRole('button', { name: w.signOut }).click();
      await page.getByLabel(w.username).waitFor();
    }, 60_000);

    it(`adds a user with a site picked, edits the camera's parent, resets the user's password, disables and deletes it (${lang})`, async () => {
      await openRegistry(w);
      // The camera's parent device is picked from the registry.
      await page.locator('.admin-camera', { hasText: c.camera }).getByRole('button', { name: w.edit, exact: true }).click();
      const form = page.locator('form.camera-form');
      await form.getByLabel(w.parent, { exact: true }).selectOption({ label: 'CCTV Pasar Sentral · Pasar Sentral' });
      await form.getByRole('button', { name: w.save, exact: true }).click();
      await form.waitFor({ state: 'detached', timeout: 10_000 });
      const cams = (await admin.get('/api/cameras')).body as any[];
      expect(cams.find((x) => x.name === c.camera).parentId).toBe(cams.find((x) => x.name === 'CCTV Pasar Sentral').id);

      const add = page.locator('form', { has: page.getByRole('heading', { name: w.addUserHeading }) });
      await add.getByLabel(w.username, { exact: true }).fill(c.newcomer);
      await add.getByLabel(w.password, { exact: true }).fill('short');
      await add.getByLabel(w.kind, { exact: true }).selectOption({ label: w.siteScope });
      await add.getByLabel(w.pick, { exact: true }).selectOption({ label: c.site });
      await add.getByRole('button', { name: w.addGrant }).click();
      await add.getByRole('button', { name: w.addUser, exact: true }).click();
      expect(await (await problemOf(add.getByLabel(w.password, { exact: true }))).textContent()).toBe(w.tooShort);
      await add.getByLabel(w.password, { exact: true }).fill(`${c.newcomer}-password`);
      await add.getByRole('button', { name: w.addUser, exact: true }).click();
      const row = page.locator('li.user', { hasText: `${c.newcomer} ·` });
      await row.waitFor({ timeout: 10_000 });
      expect(await row.textContent()).toContain(`${w.sitePrefix}${c.site}`);

      await row.getByRole('button', { name: w.editAccess }).click();
      await row.getByLabel(w.newPassword, { exact: true }).fill(`${c.newcomer}-new-password`);
      await row.getByRole('button', { name: w.resetPassword }).click();
      await page.getByText(`${c.newcomer}: ${w.passwordReset}`).waitFor({ timeout: 10_000 });
      const login = await fetch(`${pantau.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: c.newcomer, password: `${c.newcomer}-new-password` }) });
      expect(login.status).toBe(200);

      await row.getByRole('button', { name: w.disable, exact: true }).click();
      await expect.poll(() => page.locator('li.user', { hasText: `${c.newcomer} ·` }).textContent(), { timeout: 10_000 }).toContain(w.disabled);
      expect((await admin.get('/api/users')).body.find((u: any) => u.username === c.newcomer).disabled).toBe(true);

      await page.locator('li.user', { hasText: `${c.newcomer} ·` }).getByRole('button', { name: w.editAccess }).click();
      page.once('dialog', (d) => void d.accept());
      await page.locator('li.user', { hasText: `${c.newcomer} ·` }).getByRole('button', { name: w.deleteUser }).click();
      await page.getByText(`${c.newcomer}: ${w.deleted}`).waitFor({ timeout: 10_000 });
      expect(await page.locator('li.user', { hasText: `${c.newcomer} ·` }).count()).toBe(0);
      expect((await admin.get('/api/users')).body.some((u: any) => u.username === c.newcomer)).toBe(false);
      await shot(`${lang}-users`, page.locator('.users-section'));
    }, 60_000);

    it(`imports cameras from CSV: a dry run, a refused import that offers the good rows, a result that stays (${lang})`, async () => {
      const form = page.locator('form', { has: page.locator('input[type=file]') });
      expect(await form.getByRole('link', { name: w.template }).getAttribute('download')).toBe('pantau-kamera.csv');
      const csv = [
        'name,site,agency,snapshot_url,owners',
        `CSV ${lang} Satu,Pasar Sentral,Dinas Perdagangan,http://127.0.0.1:9/a.jpg,${c.owner}`,
        `CSV ${lang} Dua,Pasar Sentral,Dinas Perdagangan,http://127.0.0.1:9/b.jpg,`,
        `CSV ${lang} Tiga,Pasar Sentral,Dinas Perdagangan,http://127.0.0.1:9/c.jpg,siapa`,
      ].join('\n');
      await form.locator('details.columns summary').click();
      await shot(`${lang}-import`, form);
      await form.locator('input[type=file]').setInputFiles({ name: 'kamera.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      expect(await form.getByLabel(w.dryRun).isChecked()).toBe(true);
      await form.getByRole('button', { name: w.importButton, exact: true }).click();
      const result = form.locator('.import-result');
      await result.getByText(w.ready).waitFor({ timeout: 10_000 });
      expect(await result.textContent()).toContain(w.badRows);
      expect(await result.textContent()).toContain(w.badOwner);

      await form.getByLabel(w.dryRun).uncheck();
      await form.getByRole('button', { name: w.importButton, exact: true }).click();
      await result.getByText(w.nothingWritten, { exact: false }).waitFor({ timeout: 10_000 });
      expect((await admin.get('/api/cameras')).body.some((x: any) => x.name.startsWith(`CSV ${lang}`))).toBe(false);
      await shot(`${lang}-import-refused`, result);
      await result.getByRole('button', { name: w.goodRows }).click();
      // The list reloads with the new cameras, and the result is still there.
      await page.locator('.admin-camera', { hasText: `CSV ${lang} Satu` }).waitFor({ timeout: 10_000 });
      await page.locator('.import-result').getByText(w.imported).waitFor();
      const names = ((await admin.get('/api/cameras')).body as any[]).map((x) => x.name).filter((n) => n.startsWith(`CSV ${lang}`));
      expect(names.sort()).toEqual([`CSV ${lang} Dua`, `CSV ${lang} Satu`]);

      await page.getByRole('link', { name: w.navAccount }).click();
      await page.getByRole('button', { name: w.signOut }).click();
      await page.getByLabel(w.username).waitFor();
    }, 60_000);
  }
});
