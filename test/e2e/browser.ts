/**
 * Chromium as a cheap Android phone for the e2e test and the load benchmark: 360×740, touch,
 * a mobile user agent, a fresh profile, and no request leaving this machine (map tiles and
 * anything else off-host are refused before they go out).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'vite';
import { chromium, type BrowserContext } from 'playwright-core';
import { PACKAGE_ROOT } from '../../src/config/load.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';

/** Builds web/dist from the current sources, as `npm run build:web` does. */
export async function buildDashboard(): Promise<void> {
  await build({ configFile: path.join(PACKAGE_ROOT, 'web', 'vite.config.ts'), root: path.join(PACKAGE_ROOT, 'web'), mode: 'production', logLevel: 'warn' });
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
