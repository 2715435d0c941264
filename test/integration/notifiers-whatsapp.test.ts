import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/notifiers/messages.js';
import { WhatsappNotifier, type WhatsappConfig } from '../../src/notifiers/whatsapp.js';
import { alert, CAMERA, contact, ctx, rejection } from '../support/fake-alerts.js';
import { FakeHttpServer } from '../support/fake-http.js';

const PHONE = '6281234567890';
const servers: FakeHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function gateway(): Promise<FakeHttpServer> {
  const server = await new FakeHttpServer({ status: 200, body: { status: true, id: ['9001'] } }).start();
  servers.push(server);
  return server;
}

/** The plain text with its headline in WhatsApp bold. */
const expectedText = (msg: ReturnType<typeof alert>): string => renderMessage(msg).text.replace(/^([^\n]+)/, '*$1*');

describe('WhatsappNotifier', () => {
  it('fills the default JSON template, escaping quotes, backslashes and newlines', async () => {
    const gw = await gateway();
    const msg = alert({ cameras: [{ ...CAMERA, name: 'Pos "Utara" \\ Blok\tB' }] });
    await new WhatsappNotifier({ url: `${gw.origin}/api/send` }).send(msg, contact('whatsapp', PHONE), ctx());
    const req = gw.single();
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/send');
    expect(req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req.body.toString('utf8'))).toEqual({ to: PHONE, text: expectedText(msg) });
    expect(expectedText(msg)).toMatch(/^\*🔴 Kamera mati: Pos "Utara" \\ Blok\tB\*\n/);
  });

  it('fills a form template (Fonnte-like) with the configured token header', async () => {
    const gw = await gateway();
    const config: WhatsappConfig = {
      url: `${gw.origin}/send`,
      headers: { Authorization: 'tok-abc123' },
      bodyTemplate: 'target={{to}}&message={{text}}&countryCode=62',
    };
    const msg = alert({ language: 'en' });
    await new WhatsappNotifier(config).send(msg, contact('whatsapp', PHONE), ctx());
    const req = gw.single();
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.headers.authorization).toBe('tok-abc123');
    const form = new URLSearchParams(req.body.toString('utf8'));
    expect([...form.keys()]).toEqual(['target', 'message', 'countryCode']);
    expect(form.get('target')).toBe(PHONE);
    expect(form.get('message')).toBe(expectedText(msg));
  });

  it('puts placeholders in the URL, URL-encoded, for GET gateways', async () => {
    const gw = await gateway();
    const msg = alert();
    await new WhatsappNotifier({ url: `${gw.origin}/api/send-message?token=t0k&phone={{to}}&message={{text}}`, method: 'GET' }).send(
      msg,
      contact('whatsapp', PHONE),
      ctx(),
    );
    const req = gw.single();
    expect(req.method).toBe('GET');
    expect(req.body).toHaveLength(0);
    const query = new URL(req.path, gw.origin).searchParams;
    expect(query.get('token')).toBe('t0k');
    expect(query.get('phone')).toBe(PHONE);
    expect(query.get('message')).toBe(expectedText(msg));
  });

  it('with a success field, a 200 that says "not sent" is a temporary failure', async () => {
    const gw = await gateway();
    const wa = new WhatsappNotifier({ url: `${gw.origin}/send`, successField: { path: 'status', equals: true } });
    gw.reply({ status: 200, body: { status: false, reason: 'device disconnected' } });
    const err = await rejection(wa.send(alert(), contact('whatsapp', PHONE), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'rejected' });
    expect(err.message).toContain('device disconnected');
    await expect(wa.send(alert(), contact('whatsapp', PHONE), ctx())).resolves.toMatchObject({ response: expect.stringContaining('HTTP 200') });
  });

  it.each([
    [400, true, 'rejected'],
    [500, false, 'server_error'],
    [502, false, 'server_error'],
  ])('HTTP %i → permanent=%s (%s)', async (status, permanent, code) => {
    const gw = await gateway();
    gw.reply({ status, body: { status: false } });
    const err = await rejection(new WhatsappNotifier({ url: `${gw.origin}/send` }).send(alert(), contact('whatsapp', PHONE), ctx()));
    expect(err).toMatchObject({ permanent, code });
  });

  it('429 is temporary with Retry-After; a hanging gateway times out within the deadline', async () => {
    const gw = await gateway();
    const wa = new WhatsappNotifier({ url: `${gw.origin}/send`, timeoutMs: 300 });
    gw.reply({ status: 429, headers: { 'retry-after': '30' }, body: 'quota' }, 'hang');
    expect(await rejection(wa.send(alert(), contact('whatsapp', PHONE), ctx()))).toMatchObject({ permanent: false, retryAfterMs: 30_000 });
    const started = Date.now();
    expect(await rejection(wa.send(alert(), contact('whatsapp', PHONE), ctx()))).toMatchObject({ permanent: false, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses unusable configuration at construction', () => {
    expect(() => new WhatsappNotifier({ url: 'ftp://gw.example/send' })).toThrow(/http/);
    expect(() => new WhatsappNotifier({ url: 'https://gw.example/send', bodyTemplate: '{"to":"{{phone}}"}' })).toThrow(/\{\{phone\}\}/);
    expect(() => new WhatsappNotifier({ url: 'https://gw.example/send', bodyTemplate: '{"to":{{to}}}' })).toThrow(/JSON/);
  });

  it('validates phone numbers and group ids', () => {
    const wa = new WhatsappNotifier({ url: 'https://gw.example/send' });
    expect(wa.validateAddress(PHONE)).toBeNull();
    expect(wa.validateAddress('+6281234567890')).toBeNull();
    expect(wa.validateAddress('081234567890')).toBeNull();
    expect(wa.validateAddress('120363025246125486@g.us')).toBeNull();
    expect(wa.validateAddress('0812-3456-7890')).toMatch(/phone/);
    expect(wa.validateAddress('halo')).not.toBeNull();
  });
});
