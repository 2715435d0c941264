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

describe('the Content-Security-Policy', () => {
  const policyOf = async (): Promise<string> => {
    const { securityHeaders } = await import('../../src/http/security-headers.js');
    const headers = new Map<string, string>();
    const res = { setHeader: (k: string, v: string) => headers.set(k.toLowerCase(), String(v)), removeHeader: () => undefined };
    await new Promise<void>((resolve) => securityHeaders({ tileUrl: 'none' })({} as never, res as never, () => resolve()));
    return headers.get('content-security-policy') ?? '';
  };

  it('lets live video play from our own MediaSource (blob:) and from nowhere else', async () => {
    const directives = Object.fromEntries((await policyOf()).split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['media-src']).toEqual(["'self'", 'blob:']);
    // Widening media did not widen script, connections or the default.
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['default-src']).toEqual(["'self'"]);
  });
});
