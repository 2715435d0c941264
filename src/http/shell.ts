/**
 * The dashboard's shell (web/dist/index.html) with the map settings from the config written
 * into its <meta> tags, so the tile server is named once, in the config, for both the map and
 * the Content-Security-Policy. Read once at start: the built shell does not change while running.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../log.js';

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderShell(file: string, map: { tileUrl: string; attribution: string }, log: Logger): string {
  let html = readFileSync(file, 'utf8');
  for (const [name, value] of [['pantau-tiles', map.tileUrl], ['pantau-tiles-attribution', map.attribution]] as const) {
    const tag = new RegExp(`(<meta name="${name}" content=")[^"]*(")`);
    // An older build without the tag still works: its map shows coordinates instead of tiles.
    if (!tag.test(html)) log.warn({ file, meta: name }, 'dashboard shell lacks a map setting: rebuild it (npm run build:web)');
    html = html.replace(tag, (_m, open: string, close: string) => `${open}${escapeAttr(value)}${close}`);
  }
  return html;
}
