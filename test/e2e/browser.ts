/**
 * Chromium as a cheap Android phone for the e2e test and the load benchmark: 360×740, touch,
 * a mobile user agent, a fresh profile, and no request leaving this machine (map tiles and
 * anything else off-host are refused before they go out).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { chromium, type BrowserContext } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/config/load.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';

const WEB = path.join(PACKAGE_ROOT, 'web');
const STAMP = path.join(WEB, 'dist', '.sources');
const LOCK = path.join(WEB, '.build-lock');

/**
 * Builds web/dist from the current sources, as `npm run build:web` does — once for those
 * sources. The e2e files run in parallel workers: each rebuilding (and emptying) web/dist
 * would pull the dashboard from under another file's browser. So a build is stamped with a
 * hash of its sources, skipped when the stamp matches, and made under a lock directory
 * (mkdir is atomic) that the other workers wait on.
 */
export async function buildDashboard(): Promise<void> {
  const sources = sourcesHash();
  for (const deadline = Date.now() + 180_000; ; ) {
    if (readStamp() === sources) return;
    if (takeLock()) break;
    if (Date.now() > deadline) throw new Error(`waited 180 s for another test's dashboard build (${LOCK})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    if (readStamp() === sources) return;
    await build({ configFile: path.join(WEB, 'vite.config.ts'), root: WEB, mode: 'production', logLevel: 'warn' });
    writeFileSync(STAMP, sources);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function takeLock(): boolean {
  try {
    mkdirSync(LOCK);
    return true;
  } catch {
    // A lock left by a killed run: older than any build takes.
    const lock = statSync(LOCK, { throwIfNoEntry: false });
    if (lock && Date.now() - lock.mtimeMs > 120_000) rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

function readStamp(): string | undefined {
  try {
    return readFileSync(STAMP, 'utf8');
  } catch {
    return undefined;
  }
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(`${path.relative(WEB, full)}\0`).update(readFileSync(full));
    }
  };
  for (const part of ['src', 'public']) walk(path.join(WEB, part));
  for (const file of ['index.html', 'vite.config.ts']) hash.update(readFileSync(path.join(WEB, file)));
  return hash.digest('hex');
}

export interface Phone {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchPhone(allowedOrigin: string): Promise<Phone> {
  const profile = mkdtempSync(path.join(tmpdir(), 'pantau-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 360, height: 740 },
    deviceScaleFactor: 2,
    userAgent: ANDROID_UA,
    isMobile: true,
    hasTouch: true,
    locale: 'id-ID',
    timezoneId: 'Asia/Makassar',
  });
  await context.route(
    (url) => url.origin !== allowedOrigin,
    (route) => route.abort('internetdisconnected'),
  );
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
