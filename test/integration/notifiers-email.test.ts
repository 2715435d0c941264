import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { EmailNotifier, type EmailConfig } from '../../src/notifiers/email.js';
import { renderMessage, SNAPSHOT_CID } from '../../src/notifiers/messages.js';
import { alert, contact, ctx, rejection, SNAPSHOT_JPEG } from '../support/fake-alerts.js';
import { closedPort, FakeSmtpServer, SilentSmtpServer, type FakeSmtpOptions } from '../support/fake-smtp.js';

const TO = 'kepala.seksi@diskominfo.example.go.id';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function mailer(config: Partial<EmailConfig> & { port: number }): EmailNotifier {
  const email = new EmailNotifier({ host: '127.0.0.1', secure: false, starttls: 'off', from: 'Pantau <pantau@diskominfo.example.go.id>', timeoutMs: 5000, ...config });
  cleanups.push(() => email.close());
  return email;
}

async function smtp(opts: FakeSmtpOptions = {}): Promise<FakeSmtpServer> {
  const server = await new FakeSmtpServer(opts).start();
  cleanups.push(() => server.stop());
  return server;
}

describe('EmailNotifier', () => {
  it('delivers subject, text, HTML and the snapshot inline to a real SMTP server', async () => {
    const server = await smtp();
    const msg = alert({ snapshot: { jpeg: SNAPSHOT_JPEG } });
    const email = mailer({ port: server.port });
    const result = await email.send(msg, contact('email', TO), ctx('notif-501'));

    expect(server.mails).toHaveLength(1);
    const received = server.mails[0]!;
    expect(received.from).toBe('pantau@diskominfo.example.go.id');
    expect(received.to).toEqual([TO]);
    const parsed = await simpleParser(received.raw, { keepCidLinks: true });
    const rendered = renderMessage(msg);
    expect(parsed.subject).toBe('[Pantau] Kamera mati: Gerbang Utama (Masjid Raya Al-Falah)');
    expect(parsed.subject).toBe(rendered.subject);
    expect(parsed.text?.trim()).toBe(rendered.text);
    expect(parsed.text).toContain('Masalah: tidak dapat dihubungi');
    expect(parsed.text).toContain('Sejak: 29 Nov 2026 13.05 WITA');
    expect(parsed.html).toContain(`src="cid:${SNAPSHOT_CID}"`);
    expect(parsed.headers.get('content-language')).toBe('id');
    expect(parsed.headers.get('x-pantau-delivery')).toBe('notif-501');

    expect(parsed.attachments).toHaveLength(1);
    const image = parsed.attachments[0]!;
    expect(image.contentType).toBe('image/jpeg');
    expect(image.contentDisposition).toBe('inline');
    expect(image.cid).toBe(SNAPSHOT_CID);
    expect(image.content.equals(SNAPSHOT_JPEG)).toBe(true);

    expect(parsed.messageId).toBe(email.messageIdFor('notif-501'));
    expect(result.providerMessageId).toBe(parsed.messageId);
  });

  it('derives the Message-ID from the idempotency key: a resend is recognisably the same message', async () => {
    const server = await smtp();
    const email = mailer({ port: server.port });
    await email.send(alert(), contact('email', TO), ctx('notif-9'));
    await email.send(alert(), contact('email', TO), ctx('notif-9'));
    await email.send(alert(), contact('email', TO), ctx('notif-10'));
    const ids = await Promise.all(server.mails.map(async (m) => (await simpleParser(m.raw)).messageId));
    expect(ids[0]).toMatch(/^<pantau\.[0-9a-f]{32}@diskominfo\.example\.go\.id>$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('sends no attachment without a snapshot, and English when the contact reads English', async () => {
    const server = await smtp();
    await mailer({ port: server.port }).send(alert({ language: 'en', kind: 'recovered' }), contact('email', TO, { language: 'en' }), ctx());
    const parsed = await simpleParser(server.mails[0]!.raw, { keepCidLinks: true });
    expect(parsed.subject).toBe('[Pantau] Camera recovered: Gerbang Utama (Masjid Raya Al-Falah)');
    expect(parsed.attachments).toHaveLength(0);
    expect(parsed.html).not.toContain('cid:');
  });

  it('logs in when the server requires it; a wrong password is a temporary config error', async () => {
    const server = await smtp({ auth: { user: 'pantau', pass: 'rahasia' } });
    await mailer({ port: server.port, auth: { user: 'pantau', pass: 'rahasia' } }).send(alert(), contact('email', TO), ctx());
    expect(server.mails).toHaveLength(1);
    const err = await rejection(mailer({ port: server.port, auth: { user: 'pantau', pass: 'salah' } }).send(alert(), contact('email', TO), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'config' });
    expect(server.mails).toHaveLength(1);
  });

  it('a recipient rejected with 550 is permanent; with 450 it is temporary', async () => {
    const server = await smtp({ rejectRecipients: ['pensiun@diskominfo.example.go.id'], deferRecipients: ['penuh@diskominfo.example.go.id'] });
    const email = mailer({ port: server.port });
    const gone = await rejection(email.send(alert(), contact('email', 'pensiun@diskominfo.example.go.id'), ctx()));
    expect(gone).toMatchObject({ permanent: true, code: 'bad_address' });
    expect(gone.message).toContain('550');
    const full = await rejection(email.send(alert(), contact('email', 'penuh@diskominfo.example.go.id'), ctx()));
    expect(full).toMatchObject({ permanent: false });
    expect(server.mails).toHaveLength(0);
  });

  it('a server that is down is temporary', async () => {
    const err = await rejection(mailer({ port: await closedPort() }).send(alert(), contact('email', TO), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'network' });
  });

  it('a server that never greets is a temporary timeout within the deadline', async () => {
    const silent = await new SilentSmtpServer().start();
    cleanups.push(() => silent.stop());
    const started = Date.now();
    const err = await rejection(mailer({ port: silent.port, timeoutMs: 400 }).send(alert(), contact('email', TO), ctx()));
    expect(err).toMatchObject({ permanent: false, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('validates addresses and refuses a bad one before connecting', async () => {
    const server = await smtp();
    const email = mailer({ port: server.port });
    expect(email.validateAddress(TO)).toBeNull();
    expect(email.validateAddress('tanpa-at.example.go.id')).toMatch(/email/);
    expect(email.validateAddress('a@b')).not.toBeNull();
    expect(email.validateAddress('a b@c.id')).not.toBeNull();
    expect(await rejection(email.send(alert(), contact('email', 'x@'), ctx()))).toMatchObject({ permanent: true, code: 'bad_address' });
    expect(server.mails).toHaveLength(0);
  });
});
