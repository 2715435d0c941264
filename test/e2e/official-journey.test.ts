/**
 * The official's (viewer's) journey on a 360×740 phone, in Bahasa Indonesia and in English:
 * "which cameras are dark, and is anyone on it?". Against a real Pantau and HTTP snapshot
 * cameras on loopback (live, black, frozen, one that dies). Asserts what the user reads: no
 * access said as such, down and impaired counted apart, a calm header when all is well, dark
 * cards with site, last picture and who is on it, the verdict on the picture, young cameras
 * without a 90-day figure, "loading" below the fold, a day's details on tap, and the
 * connection banner following the network both ways within seconds.
 * Screenshots go to test-artifacts/screenshots/official-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { HttpSnapshotSimulator, type SnapshotMode } from '../support/index.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

const SHOTS = path.resolve('test-artifacts/screenshots');
const INTERVAL_S = 5;
const AGENCY = 'Bagian Umum Setda';

/** What the user reads, per language. */
const WORDS = {
  id: {
    noAccessTitle: 'Belum ada kamera untuk Anda',
    askAdmin: 'Minta admin Pantau',
    allOn: 'Semua kamera menyala',
    counts: (down: number, degraded: number) => `MATI ${down} · TERGANGGU ${degraded}`,
    nobody: 'Belum ada yang menangani',
    handledBy: /Ditangani oleh admin sejak \d{2}\.\d{2} WITA/,
    unreachable: 'tidak dapat dihubungi',
    frozen: 'GAMBAR BEKU',
    black: 'GAMBAR HITAM',
    lastPicture: /^Gambar terakhir: \d+ (dtk|mnt) lalu/,
    stale: 'LAMA',
    young: /^Baru dipantau sejak \d{2}\.\d{2} WITA$/,
    fullUptime: /^Aktif 90 hari\s+100,0\s%$/,
    lowerUptime: /^Aktif 90 hari\s+\d{1,2},\d+\s%$/,
    loading: 'Memuat gambar…',
    noPicture: 'Belum ada gambar',
    dayHint: 'Ketuk satu hari',
    dayToday: (d: Date) => `${d.toLocaleDateString('id-ID', { timeZone: 'Asia/Makassar', day: 'numeric', month: 'short', year: 'numeric' })}`,
    dayOutages: 'Gangguan: 1',
    dayQuiet: /tanpa gangguan|belum dipantau/,
    banner: /Menyambung ulang|Tidak tersambung/,
    english: 'English',
  },
  en: {
    noAccessTitle: 'No cameras for you yet',
    askAdmin: 'Ask a Pantau admin',
    allOn: 'Every camera is on',
    counts: (down: number, degraded: number) => `DOWN ${down} · DEGRADED ${degraded}`,
    nobody: 'Nobody on it yet',
    handledBy: /Handled by admin since \d{2}:\d{2} WITA/,
    unreachable: 'unreachable',
    frozen: 'FROZEN PICTURE',
    black: 'BLACK PICTURE',
    lastPicture: /^Last picture: \d+ (s|min) ago/,
    stale: 'OLD',
    young: /^Monitored only since \d{2}:\d{2} WITA$/,
    fullUptime: /^Up 90 days\s+100\.0\s%$/,
    lowerUptime: /^Up 90 days\s+\d{1,2}\.\d+\s%$/,
    loading: 'Loading picture…',
    noPicture: 'No picture yet',
    dayHint: 'Tap a day',
    dayToday: (d: Date) => d.toLocaleDateString('en-GB', { timeZone: 'Asia/Makassar', day: 'numeric', month: 'short', year: 'numeric' }),
    dayOutages: 'Outages: 1',
    dayQuiet: /no outages|not monitored/,
    banner: /Reconnecting|Offline/,
    english: 'Bahasa Indonesia',
  },
} as const;

const CAMERAS: { key: string; name: string; site: string; agency: string; mode: SnapshotMode }[] = [
  { key: 'ronda', name: 'CCTV Pos Ronda', site: 'Pos Ronda Desa Lapai', agency: AGENCY, mode: 'live' },
  { key: 'camat', name: 'CCTV Kantor Camat', site: 'Kantor Camat Lasusua', agency: AGENCY, mode: 'frozen' },
  { key: 'lobi', name: 'CCTV Lobi Setda', site: 'Kantor Setda', agency: AGENCY, mode: 'black' },
  { key: 'alun', name: 'CCTV Alun-alun', site: 'Alun-alun Lasusua', agency: AGENCY, mode: 'live' },
  { key: 'parkir', name: 'CCTV Parkir Setda', site: 'Kantor Setda', agency: AGENCY, mode: 'live' },
  { key: 'gerbang', name: 'CCTV Gerbang Setda', site: 'Kantor Setda', agency: AGENCY, mode: 'live' },
  { key: 'aula', name: 'CCTV Aula Setda', site: 'Kantor Setda', agency: AGENCY, mode: 'live' },
  // Dark, and not the official's to see: it must never show, nor make anyone's view "all fine".
  { key: 'pelabuhan', name: 'CCTV Pelabuhan', site: 'Pelabuhan Lasusua', agency: 'Dinas Perhubungan', mode: 'down' },
];

let pantau: TestPantau;
let admin: Client;
const sims: Record<string, HttpSnapshotSimulator> = {};
const ids: Record<string, string> = {};
const phones: Phone[] = [];

async function signIn(username: string): Promise<Page> {
  const phone = await launchPhone(new URL(pantau.url).origin);
  phones.push(phone);
  const page = await phone.context.newPage();
  await page.goto(pantau.url);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(`${username}-password`);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('.grid-page').waitFor({ timeout: 15_000 });
  return page;
}

/** The whole page, and what the phone's screen shows first (`-screen`). */
const shot = async (page: Page, name: string) => {
  await page.screenshot({ path: path.join(SHOTS, `official-${name}.png`), fullPage: true });
  await page.screenshot({ path: path.join(SHOTS, `official-${name}-screen.png`) });
};
const darkHeading = (page: Page) => page.locator('#dark-h');
const card = (page: Page, name: string) => page.locator('.dark-list .dark-row', { hasText: name });
const tile = (page: Page, name: string) => page.locator('.grid .tile', { hasText: name });

describe.skipIf(!existsSync(CHROMIUM))("the official's journey on a phone", () => {
  let official: Page;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await buildDashboard();
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1500, imageTimeoutMs: 5000, failuresToConfirm: 1, recoveriesToConfirm: 1 } });
    const clients = await signedInClients(pantau);
    admin = clients.admin;
    for (const c of CAMERAS) {
      sims[c.key] = new HttpSnapshotSimulator({ mode: c.mode });
      await sims[c.key]!.start();
      const res = await admin.post('/api/cameras', {
        name: c.name, site: c.site, agency: c.agency, snapshotUrl: sims[c.key]!.url,
        checkIntervalSec: INTERVAL_S, imageCheckIntervalSec: INTERVAL_S,
      });
      expect(res.status, res.text).toBe(201);
      ids[c.key] = res.body.id;
    }
    // Monitored for 100 days: its tile shows a 90-day figure, which must move when it dies.
    pantau.store.db.prepare('UPDATE cameras SET created_at = ? WHERE id = ?').run(Date.now() - 100 * 86_400_000, ids.ronda);
    await clients.make('camat', 'viewer', [{ scope: 'agency', value: AGENCY }]);
    await clients.make('baru', 'viewer');
    await clients.make('alun', 'viewer', [{ scope: 'site', value: 'Alun-alun Lasusua' }]);
    // The harbour camera is dark before anyone looks.
    await waitFor('the harbour camera down', async () => ((await admin.get(`/api/cameras/${ids.pelabuhan}`)).body.status.status === 'down' ? true : undefined), 30_000);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled(phones.map((p) => p.close()));
    await pantau?.stop();
    await Promise.allSettled(Object.values(sims).map((s) => s.stop()));
  });

  it('tells a viewer without access that it has none, and whom to ask, in both languages', async () => {
    const page = await signIn('baru');
    for (const lang of ['id', 'en'] as const) {
      const w = WORDS[lang];
      await darkHeading(page).filter({ hasText: w.noAccessTitle }).waitFor();
      const text = await page.locator('main').innerText();
      expect(text).toContain(w.askAdmin);
      expect(text).not.toContain(w.allOn);
      expect(text).not.toContain('CCTV Pelabuhan');
      await shot(page, `no-access-${lang}`);
      if (lang === 'id') await page.getByRole('button', { name: 'English' }).click();
    }
  }, 60_000);

  it('shows a calm header when nothing the viewer sees is dark', async () => {
    const page = await signIn('alun');
    await tile(page, 'CCTV Alun-alun').locator('.status', { hasText: 'Aktif' }).waitFor({ timeout: 30_000 });
    await darkHeading(page).filter({ hasText: WORDS.id.allOn }).waitFor();
    expect(await page.evaluate("getComputedStyle(document.getElementById('dark-h')).color")).not.toBe('rgb(176, 0, 32)'); // not the alarm red
    await page.getByRole('button', { name: 'English' }).click();
    await darkHeading(page).filter({ hasText: WORDS.en.allOn }).waitFor();
  }, 60_000);

  it('counts impaired apart from down, marks black and frozen on the picture, and says "loading" below the fold', async () => {
    official = await signIn('camat');
    const w = WORDS.id;
    await expect.poll(() => page().locator('.grid .tile').count(), { timeout: 15_000 }).toBe(7);
    // Below the fold, never looked at: loading, not "no picture".
    const last = page().locator('.grid .tile').last();
    await expect.poll(async () => (await last.boundingBox())?.y ?? 0).toBeGreaterThan(740 + 100);
    expect(await last.locator('.pic-age').innerText()).toBe(w.loading);
    await darkHeading(page()).filter({ hasText: w.counts(0, 2) }).waitFor({ timeout: 40_000 });
    expect(await last.locator('.pic-age').innerText()).not.toBe(w.noPicture);
    await expect.poll(() => tile(page(), 'CCTV Kantor Camat').locator('.pic-verdict').innerText(), { timeout: 10_000 }).toBe(w.frozen);
    expect(await tile(page(), 'CCTV Lobi Setda').locator('.pic-verdict').innerText()).toBe(w.black);
    expect(await tile(page(), 'CCTV Alun-alun').locator('.pic-verdict').isVisible()).toBe(false);
    for (const name of ['CCTV Kantor Camat', 'CCTV Lobi Setda']) {
      await expect.poll(() => card(page(), name).innerText()).toContain(w.nobody);
    }
    expect(await card(page(), 'CCTV Kantor Camat').innerText()).toContain('Kantor Camat Lasusua');
    // A camera minutes old has no 90-day figure.
    await expect.poll(() => tile(page(), 'CCTV Alun-alun').locator('.uptime').innerText(), { timeout: 10_000 }).toMatch(w.young);
    await last.scrollIntoViewIfNeeded();
    await last.locator('img[src^="blob:"]').waitFor({ timeout: 15_000 });
    await page().evaluate('scrollTo(0, 0)');
  }, 90_000);

  it('shows a camera that died as MATI with its site, last picture and who is on it', async () => {
    const w = WORDS.id;
    await card(page(), 'CCTV Kantor Camat').locator('figure.pic:not(.last-good) img[src^="blob:"]').waitFor({ timeout: 15_000 });
    await tile(page(), 'CCTV Pos Ronda').scrollIntoViewIfNeeded();
    await tile(page(), 'CCTV Pos Ronda').locator('img[src^="blob:"]').waitFor({ timeout: 15_000 });
    await page().evaluate('scrollTo(0, 0)');
    const uptime = tile(page(), 'CCTV Pos Ronda').locator('.uptime');
    await expect.poll(() => uptime.innerText(), { timeout: 10_000 }).toMatch(w.fullUptime);
    await sims.ronda!.stop();
    await darkHeading(page()).filter({ hasText: w.counts(1, 2) }).waitFor({ timeout: 4 * INTERVAL_S * 1000 });
    // The 90-day figure follows the status change, without a reload.
    await expect.poll(() => uptime.innerText(), { timeout: 10_000 }).toMatch(w.lowerUptime);
    const ronda = card(page(), 'CCTV Pos Ronda');
    await expect.poll(() => ronda.innerText()).toContain('Pos Ronda Desa Lapai');
    expect(await ronda.innerText()).toContain(w.unreachable);
    // The outage is read with the list, soon after it opens.
    await expect.poll(() => ronda.innerText(), { timeout: 10_000 }).toContain(w.nobody);
    expect(await ronda.locator('.pic-age').innerText()).toMatch(w.lastPicture);
    expect(await ronda.locator('.pic-stale').innerText()).toContain(w.stale);
    // Down cards come first: the official reads the worst at the top.
    expect(await page().locator('.dark-list .dark-row').first().innerText()).toContain('CCTV Pos Ronda');

    const cam = await admin.get(`/api/cameras/${ids.ronda}`);
    const outageId = cam.body.status.outage?.id;
    expect(outageId, cam.text).toBeTruthy();
    const ack = await admin.post(`/api/alerts/${encodeURIComponent(outageId)}/ack`);
    expect(ack.status, ack.text).toBe(200);
    await page().reload();
    await expect.poll(() => card(page(), 'CCTV Pos Ronda').innerText(), { timeout: 15_000 }).toMatch(w.handledBy);
    await card(page(), 'CCTV Pos Ronda').locator('figure.pic:not(.last-good) img[src^="blob:"]').waitFor({ timeout: 10_000 });
    await shot(page(), 'grid-id');
  }, 90_000);

  it('finds cameras by name, site or agency, and folds paused cameras away until asked', async () => {
    const search = page().getByLabel('Cari');
    // Every word, anywhere in name, site or agency: the camat's office is an office of the Setda too.
    await search.fill('kantor setda');
    await expect.poll(() => page().locator('.grid .tile').count()).toBe(5);
    await search.fill('CAMAT');
    await expect.poll(() => page().locator('.grid .tile').count()).toBe(1);
    expect(await page().locator('.grid .tile h3').innerText()).toBe('CCTV Kantor Camat');
    await search.fill('');
    await expect.poll(() => page().locator('.grid .tile').count()).toBe(7);
    const paused = await admin.patch(`/api/cameras/${ids.gerbang}`, { enabled: false });
    expect(paused.status, paused.text).toBe(200);
    await expect.poll(() => page().locator('.grid .tile').count(), { timeout: 15_000 }).toBe(6);
    await page().getByRole('button', { name: 'Tampilkan 1 kamera yang dijeda' }).click();
    await tile(page(), 'CCTV Gerbang Setda').locator('.status', { hasText: 'Dijeda' }).waitFor();
    await page().evaluate('scrollTo(0, 0)');
  }, 45_000);

  for (const lang of ['id', 'en'] as const) {
    it(`tells a day's date, uptime and outages on tap (${lang})`, async () => {
      const w = WORDS[lang];
      await page().goto(`${pantau.url}/#/kamera/${ids.ronda}`);
      const strip = page().locator('.daily-bars');
      await strip.waitFor({ timeout: 15_000 });
      expect(await page().locator('.daily-picked').innerText()).toContain(w.dayHint);
      const box = (await strip.boundingBox())!;
      await strip.tap({ position: { x: box.width - 1, y: box.height / 2 } });
      const picked = page().locator('.daily-picked');
      await expect.poll(() => picked.innerText()).toContain(w.dayToday(new Date()));
      expect(await picked.innerText()).toContain(w.dayOutages);
      expect(await picked.innerText()).toContain(w.unreachable);
      await shot(page(), `camera-day-${lang}`);
      // The keyboard reaches the day before, which had no outage of this camera.
      await strip.focus();
      await page().keyboard.press('ArrowLeft');
      await expect.poll(() => picked.innerText()).toMatch(w.dayQuiet);
      expect(await strip.getAttribute('aria-valuetext')).toMatch(w.dayQuiet);
      await page().goto(`${pantau.url}/#/`);
    }, 45_000);

    it(`shows the connection banner within seconds of a drop, and clears it within seconds of the return (${lang})`, async () => {
      const w = WORDS[lang];
      const banner = page().locator('.banner');
      // Below the dark cards: scrolled to, as the official would.
      await tile(page(), 'CCTV Alun-alun').scrollIntoViewIfNeeded();
      await tile(page(), 'CCTV Alun-alun').locator('img[src^="blob:"]').waitFor({ timeout: 15_000 });
      await expect.poll(() => banner.isVisible(), { timeout: 10_000 }).toBe(false);
      const context = page().context();
      let t0 = Date.now();
      await context.setOffline(true);
      await banner.filter({ hasText: w.banner }).waitFor({ timeout: 5000 });
      expect(Date.now() - t0).toBeLessThan(5000);
      // Pictures say they are not live while the link is down.
      await expect.poll(() => tile(page(), 'CCTV Alun-alun').locator('.pic-stale').isVisible(), { timeout: 5000 }).toBe(true);
      t0 = Date.now();
      await context.setOffline(false);
      await expect.poll(() => banner.isVisible(), { timeout: 8000, interval: 250 }).toBe(false);
      expect(Date.now() - t0).toBeLessThan(8000);
      await expect.poll(() => tile(page(), 'CCTV Alun-alun').locator('.pic-stale').isVisible(), { timeout: 10_000 }).toBe(false);
      if (lang === 'id') {
        await page().getByRole('button', { name: w.english }).click();
        await page().locator('nav.bottom', { hasText: 'Cameras' }).waitFor();
      }
    }, 45_000);
  }

  it('reads the same story in English', async () => {
    const w = WORDS.en;
    await darkHeading(page()).filter({ hasText: w.counts(1, 2) }).waitFor({ timeout: 10_000 });
    await expect.poll(() => card(page(), 'CCTV Pos Ronda').innerText(), { timeout: 15_000 }).toMatch(w.handledBy);
    expect(await card(page(), 'CCTV Kantor Camat').innerText()).toContain(w.nobody);
    expect(await card(page(), 'CCTV Pos Ronda').locator('.pic-age').innerText()).toMatch(w.lastPicture);
    expect(await tile(page(), 'CCTV Kantor Camat').locator('.pic-verdict').innerText()).toBe(w.frozen);
    expect(await tile(page(), 'CCTV Lobi Setda').locator('.pic-verdict').innerText()).toBe(w.black);
    expect(await tile(page(), 'CCTV Alun-alun').locator('.uptime').innerText()).toMatch(w.young);
    expect(await tile(page(), 'CCTV Pos Ronda').locator('.uptime').innerText()).toMatch(w.lowerUptime);
    const text = await page().locator('main').innerText();
    expect(text).not.toContain('CCTV Pelabuhan');
    for (const word of ['Mati', 'Terganggu', 'Belum', 'Gambar', 'sejak']) expect(text).not.toContain(word);
    await shot(page(), 'grid-en');
  }, 45_000);

  function page(): Page {
    return official;
  }
});
