/**
 * Every link in a message opens the dashboard page it speaks of: the app routes on the hash
 * (`#/kamera/<id>`), so a link to `/cameras/<id>` opened the grid.
 */
import { describe, expect, it } from 'vitest';
import type { ActionCamera, AlertAction } from '../../src/domain/alert-policy.js';
import { cameraLink, gridLink, reportLink, siteLink } from '../../src/notifiers/links.js';
import { renderMessage } from '../../src/notifiers/messages.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { messageFor, type StoredAction } from '../../src/services/alert-messages.js';
import type { Camera } from '../../src/store/cameras.js';

const box = SecretBox.fromSecret('s'.repeat(32));
const NOW = Date.UTC(2026, 11, 1);
// Cameras named `pasar-…` stand at the market; the others at the mosque.
const camera = (id: string) => ({ id, name: `Kamera ${id}`, site: id.startsWith('pasar') ? 'Pasar Lasusua' : 'Masjid Agung', agency: 'Dinas PU', owners: [], innovation: null }) as unknown as Camera;
const cam = (cameraId: string): ActionCamera => ({
  cameraId, outageId: `${cameraId}:1`, status: 'down', cause: 'unreachable', reason: 'unreachable', worst: 'down', since: NOW - 60_000, end: null, durationSec: 60, acknowledged: null, behind: [],
});
const action = (kind: AlertAction['kind'], ids: string[]): AlertAction => ({ key: `k:${kind}`, kind, site: 'Masjid Agung', at: NOW, cameras: ids.map(cam), outageIds: ids.map((id) => `${id}:1`) });
const everyone = { userId: 'u1', language: 'id' as const, timeZone: 'Asia/Makassar', sees: () => true, acknowledges: () => true };

function linkOf(a: StoredAction, publicUrl = 'https://pantau.kolutkab.go.id/'): string {
  return messageFor(a, everyone, { publicUrl, box, camera, lastGoodFrame: () => undefined, now: NOW })!.dashboardUrl;
}

describe('links into the dashboard', () => {
  it('name the hash routes the dashboard has, with the id encoded, whatever the public URL ends with', () => {
    expect(cameraLink('https://p.example/', 'cam 1/a')).toBe('https://p.example/#/kamera/cam%201%2Fa');
    expect(cameraLink('https://p.example/pantau//', 'c1')).toBe('https://p.example/pantau/#/kamera/c1');
    expect(gridLink('https://p.example')).toBe('https://p.example/#/');
    expect(reportLink('https://p.example')).toBe('https://p.example/#/laporan');
    expect(siteLink('https://p.example/', 'Masjid Agung / Lt. 2')).toBe('https://p.example/#/lokasi/Masjid%20Agung%20%2F%20Lt.%202');
    expect(cameraLink('', 'c1')).toBe('/#/kamera/c1');
  });

  it.each(['alert', 'reminder', 'escalation', 'recovery', 'flapping'] as const)('open the camera’s page from a %s about one camera', (kind) => {
    expect(linkOf(action(kind, ['cam-7']))).toBe('https://pantau.kolutkab.go.id/#/kamera/cam-7');
  });

  it.each(['group', 'recovery', 'reminder'] as const)('open the grid filtered to the site from a %s about several cameras of one site', (kind) => {
    expect(linkOf(action(kind, ['cam-1', 'cam-2']))).toBe('https://pantau.kolutkab.go.id/#/lokasi/Masjid%20Agung');
  });

  it('open the whole grid from a message about cameras of several sites', () => {
    expect(linkOf(action('group', ['cam-1', 'pasar-1']))).toBe('https://pantau.kolutkab.go.id/#/');
  });

  it('open the site of the cameras the reader may see, when it may see one site of several', () => {
    const own = { ...everyone, sees: (id: string) => id.startsWith('pasar') };
    const a = action('group', ['cam-1', 'pasar-1', 'pasar-2']);
    expect(messageFor(a, own, { publicUrl: 'https://p.example', box, camera, lastGoodFrame: () => undefined, now: NOW })!.dashboardUrl).toBe('https://p.example/#/lokasi/Pasar%20Lasusua');
  });

  it('open the report from a digest', () => {
    const digest: StoredAction = { key: 'digest:x', kind: 'digest', site: '', at: NOW, cameras: [], outageIds: [], digest: { title: 'Ringkasan', lines: ['a'] } };
    expect(linkOf(digest)).toBe('https://pantau.kolutkab.go.id/#/laporan');
  });

  it('carry the camera’s page into every rendering of the message', () => {
    const msg = messageFor(action('alert', ['cam-7']), everyone, { publicUrl: 'https://p.example', box, camera, lastGoodFrame: () => undefined, now: NOW })!;
    const r = renderMessage(msg, NOW);
    expect(r.text).toContain('Dasbor: https://p.example/#/kamera/cam-7');
    expect(r.telegramHtml).toContain('href="https://p.example/#/kamera/cam-7"');
    expect(r.emailHtml).toContain('href="https://p.example/#/kamera/cam-7"');
  });
});
