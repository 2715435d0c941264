/**
 * One language at a time: an admin and a viewer walk every page on a 360×740 phone, first in
 * Bahasa Indonesia, then in English, and every word on the screen (text, labels, options,
 * placeholders) must be of that language: no word that betrays the other one, and no raw
 * string key (`statusDown`, `reason_black`, `win_24h`). Camera, site and agency names are
 * the users' data and are picked to hold neither language's giveaway words.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ID } from '../../web/src/strings.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';
import { buildDashboard, CHROMIUM, launchPhone, type Phone } from './browser.js';

/** Words that only English says, and words that only Indonesian says (whole words, any case). */
const BETRAYS = {
  en: /\b(hours?|days|Profiles?|Save|Cameras?|Sign (in|out)|Loading|Report|Account|Registry|Uptime|streams?|Delete|Edit|Add|since|ago|Agency|Site|Owners?|Viewer|Language|Checks?|failed|Phone notification)\b/i,
  id: /\b(Simpan|kamera|jam|hari|Keluar|Masuk|Hapus|Ubah|Tambah|Laporan|Akun|Lokasi|sejak|lalu|Memuat|Belum|Semua|siaran|aliran|Pengguna|Pemilik|Pengamat|Mati|Aktif|Bahasa|Gambar|gagal|Periode|Peran|Kontak|Bisukan|Notifikasi)\b/i,
} as const;
/** A key name as the code spells it: camelCase or snake_case, never a word a person writes. */
const KEY_SHAPE = /^[a-z]+[A-Z][a-zA-Z]+$|^[a-z]+_[a-z0-9_]+$/;
const KEYS = new Set(Object.keys(ID).filter((k) => /[A-Z_]/.test(k)));
/** A code the server or the code uses, shown as it is: a window, a role, a channel. */
const RAW_CODE = /^(\d+[hd]|admin|owner|viewer|email|telegram|whatsapp|webhook|webpush)$/;
/** Grammar neither language allows: "1 hours". */
const BAD_PLURAL = /\b1 (hours|days|minutes|rows|cameras)\b/;
/** Each language's own name, in itself, as the language picker offers them. */
const LANGUAGE_NAMES = new Set(['Bahasa Indonesia', 'English']);

const VIEWER = 'pengamat1';
/** Usernames are the users' data: "admin" the username is not "admin" the role. */
const USERNAMES = new Set(['admin', VIEWER]);
let pantau: TestPantau;
let phone: Phone;
let page: Page;
let cameraId = '';

/** Every string a person can see or hear on the page: visible text, select options, labels. */
async function wordsOnScreen(lang: 'id' | 'en'): Promise<string[]> {
  // Runs in the page; the tests' TypeScript has no DOM types, hence `any`.
  return page.evaluate((lang) => {
    const doc = (globalThis as any).document;
    const out: string[] = [];
    // The language switch is the one control that speaks the other language, and says so (lang="en").
    const langOf = (el: any): string => el.closest('[lang]')?.lang.slice(0, 2) ?? lang;
    const walker = doc.createTreeWalker(doc.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text: string | undefined = n.textContent?.trim();
      const parent = n.parentElement;
      if (!text || !parent || langOf(parent) !== lang) continue;
      const inSelect = parent.closest('select');
      if ((inSelect ?? parent).checkVisibility()) out.push(text);
    }
    for (const el of doc.querySelectorAll('[aria-label], [placeholder], [title]')) {
      if (!el.checkVisibility() || langOf(el) !== lang) continue;
      for (const a of ['aria-label', 'placeholder', 'title']) {
        const v: string | null = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    return out;
  }, lang);
}

/** What on this page is not in `lang`: the other language's words, or raw keys. */
async function foreign(lang: 'id' | 'en'): Promise<string[]> {
  const other = BETRAYS[lang === 'id' ? 'en' : 'id'];
  const raw = (s: string) =>
    s
      .split(/ · |: /)
      .map((part) => part.trim())
      .some((part) => !USERNAMES.has(part) && (KEY_SHAPE.test(part) || KEYS.has(part) || RAW_CODE.test(part)));
  return (await wordsOnScreen(lang)).filter((s) => !LANGUAGE_NAMES.has(s)).filter((s) => other.test(s) || BAD_PLURAL.test(s) || raw(s));
}

async function visit(hash: string, ready: string): Promise<void> {
  await page.evaluate((h) => ((globalThis as any).location.hash = h), hash);
  await page.locator(ready).first().waitFor({ timeout: 10_000 });
  // Late parts (uptime bars, outages, the map box) fill in after the page shows.
  await page.waitForTimeout(1200);
}

async function signInAs(lang: 'id' | 'en', username: string, password: string): Promise<void> {
  // A fresh start: no session, no saved answers, this language remembered on the phone.
  await phone.context.clearCookies();
  await page.goto(pantau.url);
  await page.evaluate((l) => {
    const storage = (globalThis as any).localStorage;
    storage.clear();
    storage.setItem('pantau.lang', l);
  }, lang);
  await page.reload();
  await page.locator('input[type=password]').waitFor();
  await page.locator('input[autocomplete=username], input[name=username]').first().fill(username);
  await page.locator('input[type=password]').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.locator('nav a').first().waitFor({ timeout: 10_000 });
}

describe.skipIf(!existsSync(CHROMIUM))('one language at a time', () => {
  beforeAll(async () => {
    await buildDashboard();
    pantau = await startTestPantau({ probes: { livenessTimeoutMs: 1000 } });
    const { admin, make } = await signedInClients(pantau);
    const cam = await admin.post('/api/cameras', {
      name: 'CCTV Puskesmas Lasusua',
      site: 'Puskesmas Lasusua',
      agency: 'Dinas Kesehatan',
      snapshotUrl: 'http://127.0.0.1:9/snap.jpg',
      location: { lat: -3.45, lng: 121.08, address: 'Jl. Poros Lasusua' },
    });
    expect(cam.status, cam.text).toBe(201);
    cameraId = cam.body.id;
    phone = await launchPhone(new URL(pantau.url).origin);
    [page] = await Promise.all([phone.context.newPage(), make(VIEWER, 'viewer', [{ scope: 'agency', value: 'Dinas Kesehatan' }])]);
  }, 120_000);

  // The phone first: it holds connections the server would wait for.
  afterAll(() => phone?.close().finally(() => pantau?.stop()));

  for (const lang of ['id', 'en'] as const) {
    it(`the admin sees every page in one language (${lang})`, async () => {
      await signInAs(lang, 'admin', ADMIN_PASSWORD);
      const found: Record<string, string[]> = {};
      const pages: [string, string, string][] = [
        ['grid', '#/', 'main#page:not([aria-busy])'],
        ['camera', `#/kamera/${cameraId}`, '.camera-page .uptime'],
        ['report', '#/laporan', '.report table'],
        ['registry', '#/registri', '.admin-camera'],
        ['account', '#/akun', '.account'],
      ];
      for (const [name, hash, ready] of pages) {
        await visit(hash, ready);
        found[name] = await foreign(lang);
      }
      // What the far side answered, in this language: a test send to a webhook nobody listens on.
      // (The form offers only the channels this server has, so an unconfigured one cannot be asked for.)
      await visit('#/akun', '.account form.stack');
      const contactForm = page.locator('form.stack', { has: page.locator('h3') });
      await contactForm.locator('select').first().selectOption('webhook');
      await contactForm.locator('input').first().fill(`http://127.0.0.1:9/hook-${lang}`);
      await contactForm.locator('button[type=submit]').click();
      const contact = page.locator('li.contact', { hasText: `hook-${lang}` });
      await contact.getByRole('button', { name: lang === 'id' ? 'Kirim tes' : 'Send a test' }).click();
      await contact.locator('.error.contact-answer').waitFor();
      expect(await contact.locator('.error.contact-answer').textContent()).not.toMatch(/ECONNREFUSED|send_\w+/);
      found['contact refused'] = await foreign(lang);
      // The camera form, as it opens in the registry.
      await visit('#/registri', '.admin-camera');
      await page.locator('button', { hasText: lang === 'id' ? 'Tambah kamera' : 'Add a camera' }).click();
      await page.locator('form.camera-form').waitFor();
      found['camera form'] = await foreign(lang);
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    }, 90_000);

    it(`a viewer sees every page in one language (${lang})`, async () => {
      await signInAs(lang, VIEWER, `${VIEWER}-password`);
      const found: Record<string, string[]> = {};
      for (const [name, hash, ready] of [
        ['grid', '#/', 'main#page:not([aria-busy])'],
        ['camera', `#/kamera/${cameraId}`, '.camera-page .uptime'],
        ['report', '#/laporan', '.report table'],
        ['account', '#/akun', '.account'],
      ] as const) {
        await visit(hash, ready);
        found[name] = await foreign(lang);
      }
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
    }, 90_000);
  }
});
