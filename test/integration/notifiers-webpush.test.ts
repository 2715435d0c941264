import { afterEach, describe, expect, it } from 'vitest';
import { generateVapidKeys, WebPushNotifier, webPushPayload } from '../../src/notifiers/webpush.js';
import { OutboundPolicy } from '../../src/security/outbound-policy.js';
import { alert, CAMERA, contact, ctx, rejection } from '../support/fake-alerts.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { createSubscription, decryptPushBody, verifyVapid, type TestSubscription } from '../support/fake-push-service.js';

const servers: FakeHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

const VAPID = { ...generateVapidKeys(), subject: 'mailto:noc@diskominfo.example.go.id' };

async function pushService(): Promise<{ service: FakeHttpServer; sub: TestSubscription; address: string }> {
  const service = await new FakeHttpServer({ status: 201, headers: { location: '/m/abc123' } }).start();
  servers.push(service);
  const sub = createSubscription(`${service.origin}/wpush/v2/gAAAAAB-device-1`);
  return { service, sub, address: JSON.stringify({ endpoint: sub.endpoint, expirationTime: null, keys: sub.keys }) };
}

const notifier = (over: Partial<ConstructorParameters<typeof WebPushNotifier>[0]> = {}): WebPushNotifier =>
  new WebPushNotifier({ vapid: VAPID, allowInsecureEndpoints: true, policy: OutboundPolicy.open, ...over });

describe('WebPushNotifier', () => {
  it('delivers an aes128gcm payload that the subscription’s keys decrypt to the alert JSON', async () => {
    const { service, sub, address } = await pushService();
    const msg = alert();
    const result = await notifier({ ttlSec: 3600 }).send(msg, contact('webpush', address), ctx());
    const req = service.single();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/wpush/v2/gAAAAAB-device-1');
    expect(req.headers['content-encoding']).toBe('aes128gcm');
    expect(req.headers['content-type']).toBe('application/octet-stream');
    expect(req.headers.ttl).toBe('3600');
    expect(req.headers.urgency).toBe('high');

    const payload = JSON.parse(decryptPushBody(req.body, sub).toString('utf8'));
    expect(payload).toEqual(webPushPayload(msg, Date.now()));
    expect(payload).toMatchObject({
      title: '🔴 Kamera mati: Gerbang Utama',
      url: msg.dashboardUrl,
      tag: CAMERA.id,
      kind: 'down',
    });
    expect(payload.body).toContain('tidak dapat dihubungi');
    expect(result.providerMessageId).toBe('/m/abc123');
  });

  it('signs a VAPID JWT for the push service’s origin with our public key', async () => {
    const { service, address } = await pushService();
    await notifier().send(alert({ kind: 'recovered', cameras: [{ ...CAMERA, status: 'up', durationSec: 600 }] }), contact('webpush', address), ctx());
    const req = service.single();
    expect(req.headers.authorization).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]+, k=[\w-]+$/);
    const { claims, publicKey } = verifyVapid(req.headers.authorization);
    expect(publicKey).toBe(VAPID.publicKey);
    expect(claims.aud).toBe(service.origin);
    expect(claims.sub).toBe(VAPID.subject);
    expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    expect(req.headers.urgency).toBe('normal');
  });

  it('a payload decrypted with the wrong keys fails: the test checks real encryption', async () => {
    const { service, address } = await pushService();
    await notifier().send(alert(), contact('webpush', address), ctx());
    const stranger = createSubscription('http://127.0.0.1/other');
    expect(() => decryptPushBody(service.single().body, stranger)).toThrow();
  });

  it.each([
    [410, true, 'gone'],
    [404, true, 'gone'],
    [413, true, 'rejected'],
    [403, false, 'config'],
    [500, false, 'server_error'],
  ])('HTTP %i → permanent=%s (%s)', async (status, permanent, code) => {
    const { service, address } = await pushService();
    service.reply({ status, body: 'push service says no' });
    const err = await rejection(notifier().send(alert(), contact('webpush', address), ctx()));
    expect(err).toMatchObject({ permanent, code });
  });

  it('429 is temporary with Retry-After; a hanging service times out within the deadline', async () => {
    const { service, address } = await pushService();
    service.reply({ status: 429, headers: { 'retry-after': '60' } }, 'hang');
    const push = notifier({ timeoutMs: 300 });
    expect(await rejection(push.send(alert(), contact('webpush', address), ctx()))).toMatchObject({ permanent: false, retryAfterMs: 60_000 });
    const started = Date.now();
    expect(await rejection(push.send(alert(), contact('webpush', address), ctx()))).toMatchObject({ permanent: false, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('validates the subscription JSON and its keys', async () => {
    const { sub, address } = await pushService();
    const strict = notifier({ allowInsecureEndpoints: false });
    const withEndpoint = (endpoint: string): string => JSON.stringify({ endpoint, keys: sub.keys });
    expect(notifier().validateAddress(address)).toBeNull();
    expect(strict.validateAddress(withEndpoint('https://fcm.googleapis.com/fcm/send/abc'))).toBeNull();
    expect(strict.validateAddress(address)).toMatch(/https/);
    expect(strict.validateAddress('{"endpoint":')).toMatch(/JSON/);
    expect(strict.validateAddress(JSON.stringify({ endpoint: 'https://push.example/x' }))).toMatch(/keys/);
    expect(strict.validateAddress(JSON.stringify({ endpoint: 'https://push.example/x', keys: { p256dh: 'AAAA', auth: sub.keys.auth } }))).toMatch(/P-256/);
    expect(strict.validateAddress(JSON.stringify({ endpoint: 'https://push.example/x', keys: { p256dh: sub.keys.p256dh, auth: 'AAAA' } }))).toMatch(/16-byte/);
    expect(await rejection(strict.send(alert(), contact('webpush', address), ctx()))).toMatchObject({ permanent: true, code: 'bad_address' });
  });

  it('generates usable VAPID keys and refuses unusable VAPID settings', () => {
    const keys = generateVapidKeys();
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    expect(() => new WebPushNotifier({ vapid: { ...keys, subject: 'noc@example.go.id' } })).toThrow(/VAPID/);
    expect(() => new WebPushNotifier({ vapid: { ...keys, privateKey: 'short', subject: 'mailto:a@b.id' } })).toThrow(/VAPID/);
  });
});
