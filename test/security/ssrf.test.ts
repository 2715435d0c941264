/**
 * Issue 12, finding 2: any signed-in user could make the server call internal addresses and
 * read the answer (webhook and Web Push contacts, then "send a test"). Replays the attack as a
 * viewer against a secret-holding service on loopback: every spelling of an internal address is
 * refused when saved, a name that resolves to one later (DNS rebinding) is refused where the
 * connection is made, and a test send says only a category, never the far side's words. Owners
 * may not point cameras at this server or at the metadata address either.
 */
import dns from 'node:dns';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { Prober, proberSettings } from '../../src/services/prober.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { OnvifDeviceSimulator } from '../support/onvif-device.js';
import { closedPort } from '../support/fake-smtp.js';
import { signedInClients, startTestPantau, type Client, type TestPantau } from '../support/pantau.js';

const SECRET = 'internal-only-secret-7f3a';
/** Allowed by name only, so a test can make it resolve anywhere. */
const RELAY = 'relay.pantau.test';
const REBIND = 'rebind.pantau.test';

let pantau: TestPantau;
let admin: Client;
let viewer: Client;
let owner: Client;
let ownerId: string;
let internal: FakeHttpServer;

/** Makes `name` resolve to 127.0.0.1, as an attacker's DNS would after the address was saved. */
function resolveToLoopback(...names: string[]): void {
  const real = dns.lookup.bind(dns) as (host: string, options: dns.LookupOptions, cb: (...args: unknown[]) => void) => void;
  vi.spyOn(dns, 'lookup').mockImplementation(((host: string, options: dns.LookupOptions, cb: (...args: unknown[]) => void) =>
    real(names.includes(host) ? '127.0.0.1' : host, options, cb)) as never);
}

beforeAll(async () => {
  internal = await new FakeHttpServer({ status: 403, body: `forbidden: ${SECRET}` }).start();
  // No loopback allowance (the test support adds one); only the relay, by name.
  pantau = await startTestPantau({ outbound: { allow: [RELAY] } });
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  viewer = (await clients.make('penonton', 'viewer')).client;
  const o = await clients.make('pemilik', 'owner');
  owner = o.client;
  ownerId = o.id;
});
afterAll(async () => {
  await pantau?.stop();
  await internal?.stop();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('contacts a viewer sets', () => {
  const port = () => new URL(internal.origin).port;
  const internalUrls = () => [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://127.0.0.1:6379/',
    'http://[::1]:6379/',
    `http://0.0.0.0:${port()}/`,
    `http://2130706433:${port()}/`,
    `http://0x7f.1:${port()}/`,
    `http://localhost:${port()}/`,
    `http://[::ffff:127.0.0.1]:${port()}/`,
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
  ];

  it('refuses every spelling of an internal address as a webhook, naming the field', async () => {
    for (const address of internalUrls()) {
      const res = await viewer.post('/api/contacts', { channel: 'webhook', address });
      expect(res.status, `${address}: ${res.text}`).toBe(400);
      expect(res.body).toMatchObject({ error: 'validation_failed', issues: [{ path: 'address', message: expect.stringMatching(/not allowed/) }] });
    }
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses an internal Web Push endpoint', async () => {
    const keys = { p256dh: `B${'A'.repeat(86)}`, auth: 'AAAAAAAAAAAAAAAAAAAAAA' };
    const res = await viewer.post('/api/contacts', { channel: 'webpush', address: JSON.stringify({ endpoint: 'https://127.0.0.1:6379/push', keys }) });
    expect(res.status, res.text).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ path: 'address', message: expect.stringMatching(/loopback/) });
  });

  it('refuses an existing internal contact (saved before the policy) where the connection is made', async () => {
    const me = (await viewer.get('/api/me')).body as { id: string };
    const stored = pantau.store.contacts.insert({ userId: me.id, channel: 'webhook', address: `${internal.origin}/`, secretEnc: null, language: 'en', addressByAdmin: false }, Date.now());
    const res = await viewer.post(`/api/contacts/${stored.id}/test`);
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('send_refused');
    expect(res.text).not.toContain(SECRET);
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses a name that resolves to loopback only after it was saved (DNS rebinding)', async () => {
    const saved = await viewer.post('/api/contacts', { channel: 'webhook', address: `http://${REBIND}:${port()}/` });
    expect(saved.status, saved.text).toBe(201);
    resolveToLoopback(REBIND);
    const res = await viewer.post(`/api/contacts/${saved.body.id}/test`);
    expect(res.status).toBe(502);
    expect(res.body.error).toBe('send_refused');
    expect(internal.requests).toHaveLength(0);
  });

  it('says only a category of what happened, never the far side’s body or the socket error', async () => {
    // The relay is allowed by name; it resolves to the internal service here.
    resolveToLoopback(RELAY);
    const relay = await viewer.post('/api/contacts', { channel: 'webhook', address: `http://${RELAY}:${port()}/hook` });
    expect(relay.status, relay.text).toBe(201);
    const answered = await viewer.post(`/api/contacts/${relay.body.id}/test`);
    expect(internal.requests).toHaveLength(1);
    expect(answered.status).toBe(502);
    expect(answered.body.error).toBe('send_http_status');
    expect(answered.body.message).toMatch(/HTTP 403/);
    expect(answered.text).not.toContain(SECRET);
    expect(answered.text).not.toContain('forbidden');

    const closed = await viewer.post('/api/contacts', { channel: 'webhook', address: `http://${RELAY}:${await closedPort()}/hook` });
    const unreachable = await viewer.post(`/api/contacts/${closed.body.id}/test`);
    expect(unreachable.status).toBe(502);
    expect(unreachable.body.error).toBe('send_unreachable');
    expect(unreachable.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);

    // Nothing the far side said reaches the contact's stored error either.
    const contacts = (await viewer.get('/api/contacts')).text;
    expect(contacts).not.toContain(SECRET);
  });
});

describe('contacts an admin sets', () => {
  it('may point inside (an internal relay): the admin’s call, until a user changes the address', async () => {
    const me = (await viewer.get('/api/me')).body as { id: string };
    const relay = await admin.post('/api/contacts', { userId: me.id, channel: 'webhook', address: `${internal.origin}/relay` });
    expect(relay.status, relay.text).toBe(201);
    const before = internal.requests.length;
    expect((await viewer.post(`/api/contacts/${relay.body.id}/test`)).body.error).toBe('send_http_status');
    expect(internal.requests.length).toBe(before + 1);
    // The user may change the language, not point the admin's allowance elsewhere.
    expect((await viewer.patch(`/api/contacts/${relay.body.id}`, { language: 'id' })).status).toBe(200);
    const moved = await viewer.patch(`/api/contacts/${relay.body.id}`, { address: `${internal.origin}/other` });
    expect(moved.status).toBe(400);
    expect(moved.body.issues[0].path).toBe('address');
  });
});

describe('camera addresses an owner edits', () => {
  let cameraId: string;
  beforeAll(async () => {
    const res = await admin.post('/api/cameras', { name: 'Gerbang', site: 'Kantor Bupati', agency: 'Diskominfo', rtspUrl: 'rtsp://192.168.1.64:554/stream1', owners: [ownerId], checkIntervalSec: 3600, imageCheckIntervalSec: 86_400 });
    expect(res.status, res.text).toBe(201);
    cameraId = res.body.id;
  });

  it.each([
    [{ onvif: { host: '127.0.0.1', port: 6379 } }, 'onvif.host'],
    [{ onvif: { host: '169.254.169.254', port: 80 } }, 'onvif.host'],
    [{ onvif: { host: 'localhost', port: 80 } }, 'onvif.host'],
    [{ onvif: { host: '[::1]', port: 80 } }, 'onvif.host'],
    [{ rtspUrl: 'rtsp://2130706433:554/x' }, 'rtspUrl'],
    [{ rtspUrl: 'rtsp://0.0.0.0:554/x' }, 'rtspUrl'],
    [{ snapshotUrl: 'http://169.254.169.254/latest/meta-data/' }, 'snapshotUrl'],
    [{ snapshotUrl: 'http://[::ffff:127.0.0.1]:8080/' }, 'snapshotUrl'],
  ])('refuses %j', async (patch, field) => {
    const res = await owner.patch(`/api/cameras/${cameraId}`, patch);
    expect(res.status, res.text).toBe(400);
    expect(res.body.issues).toEqual([{ path: field, message: expect.stringMatching(/not allowed/) }]);
  });

  it('does not connect to a camera name that resolves to this server when probed (DNS rebinding): ONVIF, RTSP, snapshot', async () => {
    let connections = 0;
    const rtsp = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => rtsp.listen(0, '127.0.0.1', resolve));
    const rtspPort = (rtsp.address() as net.AddressInfo).port;
    const device = new OnvifDeviceSimulator();
    await device.start();
    try {
      const res = await owner.patch(`/api/cameras/${cameraId}`, {
        onvif: { host: REBIND, port: device.port },
        rtspUrl: `rtsp://${REBIND}:${rtspPort}/live`,
        snapshotUrl: `http://${REBIND}:${new URL(internal.origin).port}/snap.jpg`,
      });
      expect(res.status, res.text).toBe(200);
      resolveToLoopback(REBIND);
      const before = internal.requests.length;
      // The server's probing settings, from the same configuration.
      const settings = proberSettings(configSchema.parse({ outbound: { allow: [RELAY] } }), undefined);
      const prober = new Prober({ box: SecretBox.fromSecret('s'.repeat(32)), log: createLogger('silent'), ...settings, livenessTimeoutMs: 1000, imageTimeoutMs: 1000 });
      const camera = pantau.store.cameras.get(cameraId)!;
      const live = await prober.liveness(camera, new AbortController().signal);
      const image = await prober.image(camera, new AbortController().signal);
      expect(live.layers.rtsp?.ok).toBe(false);
      expect(live.layers.onvif?.ok).toBe(false);
      expect(image.layers.image?.ok).toBe(false);
      expect(connections).toBe(0);
      expect(internal.requests.length).toBe(before);
      expect(device.requests).toEqual({});
    } finally {
      await new Promise((resolve) => rtsp.close(resolve));
      await device.stop();
    }
  });

  it.skipIf(ffmpegUnavailableReason())('does not let ffmpeg reach a camera name that resolves to this server either', async () => {
    let connections = 0;
    const rtsp = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => rtsp.listen(0, '127.0.0.1', resolve));
    try {
      // ffmpeg asks the system resolver, not Node's: a name that resolves to loopback there. Only an
      // admin may save `localhost`, and even theirs is refused when probed (names are judged then).
      const res = await admin.patch(`/api/cameras/${cameraId}`, { onvif: null, snapshotUrl: null, rtspUrl: `rtsp://localhost:${(rtsp.address() as net.AddressInfo).port}/live` });
      expect(res.status, res.text).toBe(200);
      const settings = proberSettings(configSchema.parse({ outbound: { allow: [RELAY] } }), 'ffmpeg');
      const prober = new Prober({ box: SecretBox.fromSecret('s'.repeat(32)), log: createLogger('silent'), ...settings, imageTimeoutMs: 3000 });
      const image = await prober.image(pantau.store.cameras.get(cameraId)!, new AbortController().signal);
      expect(image.layers.image).toMatchObject({ ok: false, reason: 'unreachable' });
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => rtsp.close(resolve));
    }
  });

  it('accepts LAN addresses, and leaves an admin’s loopback address (a simulator) alone', async () => {
    expect((await owner.patch(`/api/cameras/${cameraId}`, { rtspUrl: 'rtsp://10.20.30.40:554/live' })).status).toBe(200);
    expect((await admin.patch(`/api/cameras/${cameraId}`, { onvif: { host: '127.0.0.1', port: 8000 } })).status).toBe(200);
    expect((await owner.patch(`/api/cameras/${cameraId}`, { name: 'Gerbang Utama' })).status).toBe(200);
  });
});
