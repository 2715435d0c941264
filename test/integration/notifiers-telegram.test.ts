import { afterEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/notifiers/messages.js';
import { TelegramNotifier } from '../../src/notifiers/telegram.js';
import { alert, CAMERA, contact, ctx, rejection, SNAPSHOT_JPEG } from '../support/fake-alerts.js';
import { FakeHttpServer, formDataOf } from '../support/fake-http.js';

const TOKEN = '123456789:AAH-secret_token';
const CHAT = '-1001234567890';
const servers: FakeHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function setup(timeoutMs = 2000): Promise<{ api: FakeHttpServer; telegram: TelegramNotifier }> {
  const api = await new FakeHttpServer({ status: 200, body: { ok: true, result: { message_id: 42 } } }).start();
  servers.push(api);
  return { api, telegram: new TelegramNotifier({ botToken: TOKEN, apiBase: api.origin, timeoutMs }) };
}

describe('TelegramNotifier', () => {
  it('sends the HTML text with sendMessage to the chat', async () => {
    const { api, telegram } = await setup();
    const msg = alert();
    const result = await telegram.send(msg, contact('telegram', CHAT), ctx());
    const req = api.single();
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/bot${TOKEN}/sendMessage`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('Pantau');
    expect(JSON.parse(req.body.toString('utf8'))).toEqual({
      chat_id: CHAT,
      text: renderMessage(msg).telegramHtml,
      parse_mode: 'HTML',
      disable_web_page_preview: true,
    });
    expect(result.providerMessageId).toBe('42');
  });

  it('sends the snapshot with sendPhoto as multipart, the text as caption', async () => {
    const { api, telegram } = await setup();
    const msg = alert({ snapshot: { jpeg: SNAPSHOT_JPEG } });
    await telegram.send(msg, contact('telegram', '@pantau_kominfo'), ctx());
    const req = api.single();
    expect(req.path).toBe(`/bot${TOKEN}/sendPhoto`);
    expect(req.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await formDataOf(req);
    expect(form.get('chat_id')).toBe('@pantau_kominfo');
    expect(form.get('caption')).toBe(renderMessage(msg).telegramHtml);
    expect(form.get('parse_mode')).toBe('HTML');
    const photo = form.get('photo') as File;
    expect(photo.name).toBe('snapshot.jpg');
    expect(photo.type).toBe('image/jpeg');
    expect(Buffer.from(await photo.arrayBuffer()).equals(SNAPSHOT_JPEG)).toBe(true);
  });

  it('falls back to sendMessage when the text is too long for a caption', async () => {
    const { api, telegram } = await setup();
    const cameras = Array.from({ length: 15 }, (_, i) => ({ ...CAMERA, id: `c${i}`, name: `Kamera Serambi Nomor ${i + 1}` }));
    await telegram.send(alert({ kind: 'group', cameras, snapshot: { jpeg: SNAPSHOT_JPEG } }), contact('telegram', CHAT), ctx());
    expect(api.single().path).toBe(`/bot${TOKEN}/sendMessage`);
  });

  it('"chat not found" and a blocked bot are permanent: the address is bad', async () => {
    const { api, telegram } = await setup();
    api.reply(
      { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } },
      { status: 403, body: { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' } },
    );
    const notFound = await rejection(telegram.send(alert(), contact('telegram', CHAT), ctx()));
    expect(notFound).toMatchObject({ permanent: true, code: 'bad_address' });
    expect(notFound.message).toContain('chat not found');
    const blocked = await rejection(telegram.send(alert(), contact('telegram', CHAT), ctx()));
    expect(blocked).toMatchObject({ permanent: true, code: 'bad_address' });
  });

  it('429 is temporary and carries retry_after', async () => {
    const { api, telegram } = await setup();
    api.reply({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } } });
    const err = await rejection(telegram.send(alert(), contact('telegram', CHAT), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'rate_limited', retryAfterMs: 7000 });
  });

  it('500 is temporary; a wrong bot token is a temporary config error that never shows the token', async () => {
    const { api, telegram } = await setup();
    api.reply({ status: 500, body: 'Internal Server Error' }, { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await rejection(telegram.send(alert(), contact('telegram', CHAT), ctx()))).toMatchObject({ permanent: false, code: 'server_error' });
    const unauthorized = await rejection(telegram.send(alert(), contact('telegram', CHAT), ctx()));
    expect(unauthorized).toMatchObject({ permanent: false, code: 'config' });
    expect(unauthorized.message).not.toContain('secret_token');
  });

  it('a hanging API is a temporary timeout within the deadline, without the token in the message', async () => {
    const { api, telegram } = await setup(300);
    api.always('hang');
    const started = Date.now();
    const err = await rejection(telegram.send(alert(), contact('telegram', CHAT), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err.message).not.toContain(TOKEN);
  });

  it('validates chat ids and channel names, and refuses a bad one before sending', async () => {
    const { api, telegram } = await setup();
    expect(telegram.validateAddress('123456789')).toBeNull();
    expect(telegram.validateAddress(CHAT)).toBeNull();
    expect(telegram.validateAddress('@pantau_kominfo')).toBeNull();
    expect(telegram.validateAddress('https://t.me/pantau')).toMatch(/chat id/);
    expect(telegram.validateAddress('')).not.toBeNull();
    expect(await rejection(telegram.send(alert(), contact('telegram', 'bukan chat'), ctx()))).toMatchObject({ permanent: true, code: 'bad_address' });
    expect(api.requests).toHaveLength(0);
  });
});
