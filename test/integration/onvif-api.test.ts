/** ONVIF onboarding through the API: what an admin sees for a good device and for each failure. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnvifDeviceSimulator } from '../support/index.js';
import type { Client} from '../support/pantau.js';
import { signedInClients, startTestPantau, type TestPantau } from '../support/pantau.js';

const PASS = 'Onvif-Rahasia-99';
let pantau: TestPantau;
let admin: Client;
let device: OnvifDeviceSimulator;
let punctual: OnvifDeviceSimulator;
let html: http.Server;

beforeAll(async () => {
  pantau = await startTestPantau({ onvif: { timeoutMs: 2000, discoveryTimeoutMs: 500 } });
  ({ admin } = await signedInClients(pantau));
  device = new OnvifDeviceSimulator({ vendor: 'dahua', username: 'admin', password: PASS, lanAddress: '192.168.1.108', clockOffsetMs: 45_000 });
  await device.start();
  // Wrong credentials are told apart from clock skew only when the clocks agree.
  punctual = new OnvifDeviceSimulator({ vendor: 'hikvision', username: 'admin', password: PASS });
  await punctual.start();
  html = http.createServer((_req, res) => res.end('<html><body>router login</body></html>'));
  await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await device.stop();
  await punctual.stop();
  html.close();
  await pantau.stop();
});

const inspect = (body: Record<string, unknown>) => admin.post('/api/onvif/inspect', { host: '127.0.0.1', username: 'admin', ...body });

describe('POST /api/onvif/inspect', () => {
  it('reports the device, its clock offset and its streams on the host the admin gave', async () => {
    const res = await inspect({ port: device.port, password: PASS });
    expect(res.status).toBe(200);
    expect(res.body.manufacturer).toMatch(/dahua/i);
    expect(Math.abs(res.body.clockOffsetMs - 45_000)).toBeLessThan(2000);
    expect(res.body.profiles.length).toBeGreaterThan(0);
    for (const p of res.body.profiles.filter((x: { rtspUrl: string | null }) => x.rtspUrl)) {
      expect(new URL(p.rtspUrl).hostname).toBe('127.0.0.1');
      expect(p.rtspUrl).not.toContain('192.168.1.108');
    }
    expect(res.text).not.toContain(PASS);
  });

  it.each([
    ['wrong credentials', () => ({ port: punctual.port, password: 'salah' }), 422, 'onvif_unauthorized'],
    ['a skewed clock that refuses us either way', () => ({ port: device.port, password: 'salah' }), 502, 'onvif_clock_skew'],
    ['nothing listening', () => ({ port: 1, password: PASS }), 502, 'onvif_unreachable'],
    ['not an ONVIF device', () => ({ port: (html.address() as AddressInfo).port, password: PASS }), 502, 'onvif_not_onvif'],
  ])('answers %s with a distinct error', async (_what, body, status, code) => {
    const res = await inspect(body());
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(code);
    expect(res.body.message.length).toBeGreaterThan(10);
    expect(res.text).not.toContain(PASS);
  });

  it('rejects a host with a scheme or path', async () => {
    const res = await inspect({ host: 'http://10.0.0.1/onvif', port: 80 });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe('host');
  });
});
