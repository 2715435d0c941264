import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/notifiers/messages.js';
import { WebhookNotifier } from '../../src/notifiers/webhook.js';
import { OutboundPolicy } from '../../src/security/outbound-policy.js';
import { alert, CAMERA, contact, ctx, rejection, SINCE } from '../support/fake-alerts.js';
import { FakeHttpServer } from '../support/fake-http.js';

const SECRET = 'whsec-4f1c9a';
/** The receivers listen on loopback, which the default policy refuses (test/security/ssrf.test.ts). */
const LOOPBACK_OK = { policy: OutboundPolicy.open };
const servers: FakeHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function receiver(): Promise<FakeHttpServer> {
  const server = await new FakeHttpServer({ status: 204 }).start();
  servers.push(server);
  return server;
}

/** What a receiver does: HMAC-SHA256 over the raw bytes, compared in constant time. */
function verifySignature(rawBody: Buffer, header: string | string[] | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('WebhookNotifier', () => {
  it('POSTs the documented JSON with delivery headers and a signature over the raw body', async () => {
    const hook = await receiver();
    const url = `${hook.origin}/hooks/pantau?team=noc`;
    const msg = alert();
    const before = Date.now();
    const result = await new WebhookNotifier(LOOPBACK_OK).send(msg, contact('webhook', url, { secret: SECRET }), ctx('notif-88'));
    const req = hook.single();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/pantau?team=noc');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('Pantau');
    expect(req.headers['x-pantau-event']).toBe('camera.down');
    expect(req.headers['x-pantau-delivery']).toBe('notif-88');
    expect(verifySignature(req.body, req.headers['x-pantau-signature'], SECRET)).toBe(true);
    expect(verifySignature(req.body, req.headers['x-pantau-signature'], 'another-secret')).toBe(false);

    const body = JSON.parse(req.body.toString('utf8'));
    expect(body).toEqual({
      event: 'camera.down',
      kind: 'down',
      camera: { id: CAMERA.id, name: CAMERA.name, site: CAMERA.site, agency: CAMERA.agency },
      cameras: [
        {
          id: CAMERA.id, name: CAMERA.name, site: CAMERA.site, agency: CAMERA.agency, innovation: 'Masjid Aman',
          status: 'down', reason: 'unreachable', since: '2026-11-29T05:05:00.000Z', durationSec: null,
        },
      ],
      status: 'down',
      reason: 'unreachable',
      since: '2026-11-29T05:05:00.000Z',
      durationSec: null,
      text: renderMessage(msg).text,
      dashboardUrl: msg.dashboardUrl,
      ackUrl: msg.ackUrl,
      digest: null,
      idempotencyKey: 'notif-88',
      sentAt: expect.any(String),
    });
    expect(Date.parse(body.sentAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(result.response).toBe('HTTP 204');
  });

  it('sends no signature header without a secret', async () => {
    const hook = await receiver();
    await new WebhookNotifier(LOOPBACK_OK).send(alert(), contact('webhook', `${hook.origin}/h`), ctx());
    expect(hook.single().headers['x-pantau-signature']).toBeUndefined();
  });

  it('names each kind as an event; a recovery carries its duration, a group all its cameras', async () => {
    const hook = await receiver();
    const wh = new WebhookNotifier(LOOPBACK_OK);
    const to = contact('webhook', `${hook.origin}/h`);
    const recovered = { ...CAMERA, status: 'up', durationSec: 8040 };
    await wh.send(alert({ kind: 'recovered', cameras: [recovered] }), to, ctx());
    await wh.send(alert({ kind: 'group', cameras: [CAMERA, { ...CAMERA, id: 'cam-2', status: 'degraded', reason: 'black' }] }), to, ctx());
    await wh.send(alert({ kind: 'test', cameras: [] }), to, ctx());
    for (const kind of ['degraded', 'reminder', 'escalation'] as const) await wh.send(alert({ kind }), to, ctx());

    const bodies = hook.requests.map((r) => JSON.parse(r.body.toString('utf8')));
    expect(hook.requests.map((r) => r.headers['x-pantau-event'])).toEqual([
      'camera.recovered', 'camera.degraded', 'test', 'camera.degraded', 'camera.reminder', 'camera.escalation',
    ]);
    expect(bodies[0]).toMatchObject({ event: 'camera.recovered', status: 'up', durationSec: 8040, since: new Date(SINCE).toISOString() });
    expect(bodies[1].cameras.map((c: { id: string }) => c.id)).toEqual([CAMERA.id, 'cam-2']);
    expect(bodies[2]).toMatchObject({ event: 'test', camera: null, cameras: [], status: null });
  });

  it.each([
    [400, true, 'rejected'],
    [404, true, 'bad_address'],
    [410, true, 'gone'],
    [500, false, 'server_error'],
    [503, false, 'server_error'],
    [302, true, 'bad_address'],
  ])('HTTP %i → permanent=%s (%s)', async (status, permanent, code) => {
    const hook = await receiver();
    hook.reply({ status, headers: status === 302 ? { location: 'https://elsewhere.example/' } : {}, body: 'nope' });
    const err = await rejection(new WebhookNotifier(LOOPBACK_OK).send(alert(), contact('webhook', `${hook.origin}/h`), ctx()));
    expect(err).toMatchObject({ permanent, code });
    expect(hook.requests).toHaveLength(1);
  });

  it('429 with Retry-After is temporary and says when to come back', async () => {
    const hook = await receiver();
    hook.reply({ status: 429, headers: { 'retry-after': '120' }, body: 'slow down' });
    const err = await rejection(new WebhookNotifier(LOOPBACK_OK).send(alert(), contact('webhook', `${hook.origin}/h`), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'rate_limited', retryAfterMs: 120_000 });
  });

  it('a hanging receiver is a temporary timeout within the deadline', async () => {
    const hook = await receiver();
    hook.always('hang');
    const started = Date.now();
    const err = await rejection(new WebhookNotifier({ ...LOOPBACK_OK, timeoutMs: 300 }).send(alert(), contact('webhook', `${hook.origin}/h`), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('accepts only http(s) URLs without credentials', async () => {
    const wh = new WebhookNotifier(LOOPBACK_OK);
    expect(wh.validateAddress('https://noc.example.go.id/hooks/pantau')).toBeNull();
    expect(wh.validateAddress('http://10.0.0.5:8080/x')).toBeNull();
    expect(new WebhookNotifier().validateAddress('http://10.0.0.5:8080/x')).toMatch(/private/);
    expect(wh.validateAddress('ftp://example.com/x')).toMatch(/http/);
    expect(wh.validateAddress('javascript:alert(1)')).not.toBeNull();
    expect(wh.validateAddress('https://user:pass@example.com/')).toMatch(/credentials/);
    expect(wh.validateAddress('not a url')).not.toBeNull();
    expect(await rejection(wh.send(alert(), contact('webhook', 'file:///etc/passwd'), ctx()))).toMatchObject({ permanent: true, code: 'bad_address' });
  });
});
