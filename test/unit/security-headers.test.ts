/** The map tile setting: what the config accepts, and the CSP source it becomes. */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { tileSource } from '../../src/http/security-headers.js';

const parse = (tileUrl: string) => configSchema.safeParse({ map: { tileUrl } });

describe('map.tileUrl', () => {
  it('becomes the tile server origin in img-src, a {s} subdomain as a wildcard, and nothing for a path on Pantau', () => {
    expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://tile.openstreetmap.org');
    expect(tileSource('https://{s}.tile.example.org/{z}/{x}/{y}.png')).toBe('https://*.tile.example.org');
    expect(tileSource('http://10.1.2.3:8081/tiles/{z}/{x}/{y}.png')).toBe('http://10.1.2.3:8081');
    expect(tileSource('/tiles/{z}/{x}/{y}.png')).toBeNull();
  });

  it('defaults to OpenStreetMap and accepts URLs and paths with the placeholders', () => {
    expect(configSchema.parse({}).map.tileUrl).toBe('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
    for (const ok of ['https://{s}.tile.example.org/{z}/{x}/{y}.png', 'http://10.1.2.3:8081/{z}/{x}/{y}.png', '/tiles/{z}/{x}/{y}.png']) expect(parse(ok).success, ok).toBe(true);
  });

  it('takes none (or empty) for no tiles at all: no map, and no tile server in the policy', () => {
    for (const none of ['none', '']) expect(configSchema.parse({ map: { tileUrl: none } }).map.tileUrl).toBe('none');
    expect(tileSource('none')).toBeNull();
  });

  it('refuses what could widen the policy or break out of the page', () => {
    for (const bad of [
      'javascript:alert(1)//{z}/{x}/{y}',
      'data:image/png,{z}{x}{y}',
      'https://tiles.{s}.example.org/{z}/{x}/{y}.png',
      'https://*/{z}/{x}/{y}.png',
      'https://tile.example.org/{z}/{x}/{y}.png" onload="x',
      "https://tile.example.org 'unsafe-inline'/{z}/{x}/{y}.png",
      'https://tile.example.org/tiles.png',
      '//tile.example.org/{z}/{x}/{y}.png',
    ]) expect(parse(bad).success, bad).toBe(false);
  });
});
