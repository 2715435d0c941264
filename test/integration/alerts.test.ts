/**
 * Alerts through a running Pantau: flips from the monitor reach owners by email (a real SMTP
 * server), Telegram and a signed webhook (local stand-ins, exact requests checked); recoveries
 * say how long the outage lasted; acknowledging stops reminders; mutes hold alerts until they
 * end; a bad address is permanent and marks the contact broken; a 5xx is retried.
 */
import { createHmac } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/domain/status.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { FakeSmtpServer } from '../support/fake-smtp.js';
import { signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';

const SECRET = 'webhook-signing-secret';
let pantau: TestPantau;
let admin: Client;
let owner: Client;
let ownerId: string;
let smtp: FakeSmtpServer;
let telegram: FakeHttpServer;
let hook: FakeHttpServer;
let gateway: FakeHttpServer;
let adminHook: FakeHttpServer;

const down = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: false, reason: 'refused', reached: false } } });
const up = (cameraId: string): ProbeResult => ({ cameraId, at: Date.now(), layers: { tcp: { ok: true, reached: true, latencyMs: 2 } } });
/** Two rounds confirm a change (the default). */
function report(cameraId: string, result: (id: string) => ProbeResult): void {
  for (let i = 0; i < 2; i++) pantau.monitor.record(result(cameraId), 'liveness');
}

async function camera(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await admin.post('/api/cameras', { name, site: `Situs ${name}`, agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, alertGraceSec: 0, owners: [ownerId], innovation: { name: `Inovasi ${name}` }, ...extra });
  expect(res.status, res.text).toBe(201);
  return res.body.id;
}
const hookEvents = () => hook.requests.map((r) => JSON.parse(r.body.toString()) as { event: string; camera: { id: string }; durationSec?: number });

beforeAll(async () => {
  smtp = await new FakeSmtpServer().start();
  telegram = await new FakeHttpServer({ status: 200, body: { ok: true, result: { message_id: 7 } } }).start();
  hook = await new FakeHttpServer().start();
  gateway = await new FakeHttpServer().start();
  adminHook = await new FakeHttpServer().start();
  pantau = await startTestPantau({
    server: { port: 0, host: '127.0.0.1', publicUrl: 'https://pantau.kolutkab.go.id' },
    // graceSec 0: a camera saved without its own grace is alerted at once (see "grace periods").
    alerts: { graceSec: 0, groupWindowSec: 0, delivery: { baseDelayMs: 200, maxDelayMs: 400, maxAttempts: 3, claimMs: 5000 } },
    notifiers: {
      email: { host: '127.0.0.1', port: smtp.port, from: 'Pantau <pantau@kolutkab.go.id>', starttls: 'off' },
      telegram: { botToken: '123456:TEST-token-abc', apiBase: telegram.origin },
      whatsapp: { url: `${gateway.origin}/send`, bodyTemplate: '{"target":"{{to}}","message":"{{text}}"}' },
    },
  });
  const clients = await signedInClients(pantau);
  admin = clients.admin;
  const o = await clients.make('pak-kadis', 'owner');
  owner = o.client;
  ownerId = o.id;
  for (const body of [
    { channel: 'email', address: 'kadis@kolutkab.go.id' },
    { channel: 'telegram', address: '987654321' },
    { channel: 'webhook', address: `${hook.origin}/pantau`, secret: SECRET, language: 'en' },
  ]) expect((await owner.post('/api/contacts', body)).status).toBe(201);
});
afterAll(async () => {
  await pantau?.stop();
  await Promise.all([smtp?.stop(), telegram?.stop(), hook?.stop(), gateway?.stop(), adminHook?.stop()]);
});

describe('an outage, told to the owner on every channel', () => {
  it('notes at start-up that groupWindowSec, set here, no longer delays alerts', () => {
    expect(pantau.logText()).toContain('alerts.groupWindowSec no longer delays alerts');
  });

  it('sends the alert and then the recovery with its duration', async () => {
    const id = await camera('Masjid Agung');
    report(id, down);
    await hook.waitFor(1, 10_000);
    await telegram.waitFor(1, 10_000);
    await waitFor('the email', async () => (smtp.mails.length >= 1 ? true : undefined), 10_000);

    // Webhook: exact body fields and an HMAC over the raw bytes.
    const req = hook.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/pantau');
    expect(req.headers['x-pantau-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`);
    expect(req.headers['x-pantau-delivery']).toMatch(new RegExp(`^${id}:\\d+:alert\\|`));
    const event = JSON.parse(req.body.toString());
    expect(event).toMatchObject({ event: 'camera.down', camera: { id, name: 'Masjid Agung', site: 'Situs Masjid Agung', agency: 'Diskominfo' }, status: 'down', reason: 'unreachable' });
    expect(Date.parse(event.since)).toBeGreaterThan(Date.now() - 60_000);

    // Telegram: the bot token in the path, the chat id, Indonesian words and a signed ack link.
    const tg = telegram.requests[0]!;
    expect(tg.path).toBe('/bot123456:TEST-token-abc/sendMessage');
    const tgBody = JSON.parse(tg.body.toString());
    expect(tgBody.chat_id).toBe('987654321');
    expect(tgBody.text).toContain('Masjid Agung');
    expect(tgBody.text).toContain('tidak dapat dihubungi');
    expect(tgBody.text).toContain('https://pantau.kolutkab.go.id/ack/');
    expect(tgBody.text).toMatch(/\/ack\/[^\s"<]+\?lang=id/); // its page in the message's language

    // Email: to the owner, in Indonesian, with the dashboard link.
    const mail = await simpleParser(smtp.mails[0]!.raw);
    expect(smtp.mails[0]!.to).toEqual(['kadis@kolutkab.go.id']);
    expect(mail.subject).toContain('Masjid Agung');
    expect(mail.text).toContain(`https://pantau.kolutkab.go.id/#/kamera/${id}`);

    await new Promise((r) => setTimeout(r, 1100));
    report(id, up);
    await hook.waitFor(2, 10_000);
    const recovered = hookEvents()[1]!;
    expect(recovered).toMatchObject({ event: 'camera.recovered', camera: { id } });
    expect(recovered.durationSec).toBeGreaterThanOrEqual(1);

    const alerts = await waitFor('every delivery sent', async () => {
      const list = (await owner.get(`/api/alerts?cameraId=${id}`)).body as { kind: string; deliveries: { status: string; channel: string }[] }[];
      return list.length === 2 && list.every((a) => a.deliveries.every((d) => d.status === 'sent')) ? list : undefined;
    }, 10_000);
    expect(alerts.map((a) => a.kind).sort()).toEqual(['alert', 'recovery']);
    for (const a of alerts) expect(a.deliveries.map((d) => [d.channel, d.status]).sort()).toEqual([['email', 'sent'], ['telegram', 'sent'], ['webhook', 'sent']]);
  });

  it('sends nothing while a camera is muted, and alerts when the mute ends with the camera still dark', async () => {
    const id = await camera('Pasar Sentral');
    const before = hook.requests.length;
    const mute = await owner.post('/api/mutes', { cameraId: id, until: new Date(Date.now() + 2500).toISOString(), reason: 'ganti kabel' });
    expect(mute.status).toBe(201);
    report(id, down);
    await new Promise((r) => setTimeout(r, 2000));
    expect(hook.requests.length).toBe(before);
    await hook.waitFor(before + 1, 15_000);
    expect(hookEvents()[before]).toMatchObject({ event: 'camera.down', camera: { id } });
  });

  it('records an acknowledgement from the dashboard and from the signed link', async () => {
    const id = await camera('Kantor Camat');
    report(id, down);
    const [alert] = await waitFor('the alert', async () => {
      const list = (await owner.get(`/api/alerts?cameraId=${id}`)).body as { outageIds: string[] }[];
      return list.length ? list : undefined;
    }, 10_000);
    const outageId = alert!.outageIds[0]!;
    const ack = await owner.post(`/api/alerts/${encodeURIComponent(outageId)}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ outageId, by: 'pak-kadis' });
    const listed = (await admin.get(`/api/alerts?cameraId=${id}`)).body[0];
    expect(listed.acknowledged.by).toBe('pak-kadis');

    // The link in a Telegram message: GET only shows a button (link previews must not acknowledge).
    const text = JSON.parse(telegram.requests.at(-1)!.body.toString()).text as string;
    const link = /https:\/\/pantau\.kolutkab\.go\.id(\/ack\/[\w.-]+)/.exec(text)![1]!;
    const page = await fetch(pantau.url + link);
    expect(await page.text()).toContain('<form method="post"');
    const posted = await fetch(pantau.url + link, { method: 'POST' });
    expect(posted.status).toBe(200);
    const forged = await fetch(pantau.url + link.slice(0, -3) + 'xyz', { method: 'POST' });
    expect(forged.status).toBe(400);
  });
});

describe('delivery failures', () => {
  it('marks a contact broken on a permanent refusal, and retries a temporary one until it goes through', async () => {
    expect((await admin.post('/api/contacts', { channel: 'webhook', address: `${adminHook.origin}/admin` })).status).toBe(201);
    const wa = await owner.post('/api/contacts', { channel: 'whatsapp', address: '+6281234567890' });
    expect(wa.status).toBe(201);
    gateway.reply({ status: 503, body: 'busy' }, { status: 200, body: { status: true } });
    // Earlier tests may still have Telegram messages in flight: every one now meets the refusal.
    await new Promise((r) => setTimeout(r, 500));
    telegram.always({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } });
    const id = await camera('Puskesmas');
    report(id, down);
    await gateway.waitFor(2, 15_000);
    expect(JSON.parse(gateway.requests[1]!.body.toString())).toMatchObject({ target: '+6281234567890' });
    const contacts = (await owner.get('/api/contacts')).body as { channel: string; broken: string | null }[];
    expect(contacts.find((c) => c.channel === 'telegram')!.broken).toMatch(/chat not found/);
    const notes = await waitFor('deliveries settled', async () => {
      const n = (await owner.get(`/api/notifications?cameraId=${id}`)).body as { channel: string; status: string; attempts: { ok: boolean; permanent: boolean }[] }[];
      return n.every((d) => d.status === 'sent' || d.status === 'failed') ? n : undefined;
    }, 15_000);
    const byChannel = Object.fromEntries(notes.map((n) => [n.channel, n]));
    expect(byChannel.whatsapp).toMatchObject({ status: 'sent' });
    expect(byChannel.whatsapp!.attempts.map((a) => a.ok)).toEqual([false, true]);
    expect(byChannel.telegram, JSON.stringify(notes)).toMatchObject({ status: 'failed' });
    expect(byChannel.telegram!.attempts).toEqual([expect.objectContaining({ ok: false, permanent: true })]);
    // Admins hear of it, through their own contacts.
    const noticeFor = (r: { body: Buffer }) => JSON.parse(r.body.toString()).event === 'digest';
    await waitFor('the admin notice', async () => (adminHook.requests.some(noticeFor) ? true : undefined), 10_000);
    expect(JSON.parse(adminHook.requests.find(noticeFor)!.body.toString()).digest.join('\n')).toMatch(/pak-kadis.*telegram 987654321/);
    // A broken contact is left out of later alerts until its address is fixed.
    const before = telegram.requests.length;
    const other = await camera('Terminal');
    report(other, down);
    await hook.waitFor(hook.requests.length + 1, 10_000);
    expect(telegram.requests.length).toBe(before);
  });
});

describe('grace periods', () => {
  it("gives a camera saved without its own grace the configuration's alerts.graceSec, and keeps a camera's own", async () => {
    const base = { agency: 'Diskominfo', rtspUrl: 'rtsp://127.0.0.1:9/x', checkIntervalSec: 3600, imageCheckIntervalSec: 86_400, owners: [ownerId] };
    const plain = await admin.post('/api/cameras', { ...base, name: 'Kantor Lurah', site: 'Situs Kantor Lurah' });
    const own = await admin.post('/api/cameras', { ...base, name: 'Gudang Logistik', site: 'Situs Gudang Logistik', alertGraceSec: 3600 });
    expect([plain.status, own.status], plain.text + own.text).toEqual([201, 201]);
    expect(plain.body.alertGraceSec).toBe(0);
    expect(own.body.alertGraceSec).toBe(3600);
    // An edit that leaves the grace out keeps it.
    expect((await admin.patch(`/api/cameras/${own.body.id}`, { tags: ['gudang'] })).body.alertGraceSec).toBe(3600);

    // The one with its own grace goes dark first: flips are taken in order, so when the other's
    // alert is out, this one's flip has been weighed too.
    report(own.body.id, down);
    report(plain.body.id, down);
    await waitFor('the alert of the camera without its own grace', async () =>
      hookEvents().some((e) => e.event === 'camera.down' && e.camera.id === plain.body.id) ? true : undefined, 10_000);
    expect((await admin.get(`/api/alerts?cameraId=${own.body.id}`)).body).toEqual([]);
    expect(hookEvents().filter((e) => e.camera.id === own.body.id)).toEqual([]);

    // null asks for the configuration's value again, copied at this save.
    const reset = await admin.patch(`/api/cameras/${own.body.id}`, { alertGraceSec: null });
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body.alertGraceSec).toBe(0);
  });
});
