/**
 * The contract every channel keeps, run against all five against their stand-ins: delivery,
 * refusing a bad address before any connection, timeouts and cancellation as temporary errors,
 * and every kind of alert in both languages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EmailNotifier } from '../../src/notifiers/email.js';
import { TelegramNotifier } from '../../src/notifiers/telegram.js';
import { NotifyError, type AlertKind, type Channel, type Notifier } from '../../src/notifiers/types.js';
import { WebhookNotifier } from '../../src/notifiers/webhook.js';
import { generateVapidKeys, WebPushNotifier } from '../../src/notifiers/webpush.js';
import { WhatsappNotifier } from '../../src/notifiers/whatsapp.js';
import { OutboundPolicy } from '../../src/security/outbound-policy.js';
import { alert, CAMERA, contact, ctx, rejection, SNAPSHOT_JPEG } from '../support/fake-alerts.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { createSubscription } from '../support/fake-push-service.js';
import { FakeSmtpServer, SilentSmtpServer } from '../support/fake-smtp.js';

interface Harness {
  notifier: Notifier;
  address: string;
  badAddress: string;
  delivered(): number;
}
type Start = (opts: { hang: boolean; timeoutMs: number }) => Promise<Harness>;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function httpStandIn(hang: boolean): Promise<FakeHttpServer> {
  const server = await new FakeHttpServer({ status: 200, body: { ok: true, result: { message_id: 1 } } }).start();
  if (hang) server.always('hang');
  cleanups.push(() => server.stop());
  return server;
}

const VAPID = { ...generateVapidKeys(), subject: 'mailto:noc@example.go.id' };

const ADAPTERS: Record<Channel, Start> = {
  email: async ({ hang, timeoutMs }) => {
    const server = hang ? await new SilentSmtpServer().start() : await new FakeSmtpServer().start();
    cleanups.push(() => server.stop());
    const notifier = new EmailNotifier({ host: '127.0.0.1', port: server.port, starttls: 'off', from: 'pantau@example.go.id', timeoutMs });
    cleanups.push(() => notifier.close());
    const mails = server instanceof FakeSmtpServer ? server.mails : [];
    return { notifier, address: 'noc@example.go.id', badAddress: 'noc-at-example', delivered: () => mails.length };
  },
  telegram: async ({ hang, timeoutMs }) => {
    const server = await httpStandIn(hang);
    const notifier = new TelegramNotifier({ botToken: '1:t', apiBase: server.origin, timeoutMs });
    return { notifier, address: '-100123', badAddress: 'https://t.me/x', delivered: () => server.requests.length };
  },
  whatsapp: async ({ hang, timeoutMs }) => {
    const server = await httpStandIn(hang);
    const notifier = new WhatsappNotifier({ url: `${server.origin}/send`, timeoutMs });
    return { notifier, address: '6281234567890', badAddress: 'no phone', delivered: () => server.requests.length };
  },
  webhook: async ({ hang, timeoutMs }) => {
    const server = await httpStandIn(hang);
    const notifier = new WebhookNotifier({ timeoutMs, policy: OutboundPolicy.open });
    return { notifier, address: `${server.origin}/hook`, badAddress: 'gopher://x', delivered: () => server.requests.length };
  },
  webpush: async ({ hang, timeoutMs }) => {
    const server = await httpStandIn(hang);
    const sub = createSubscription(`${server.origin}/push/1`);
    const notifier = new WebPushNotifier({ vapid: VAPID, allowInsecureEndpoints: true, timeoutMs, policy: OutboundPolicy.open });
    return { notifier, address: JSON.stringify({ endpoint: sub.endpoint, keys: sub.keys }), badAddress: '{"endpoint":"x"}', delivered: () => server.requests.length };
  },
};

const KINDS: AlertKind[] = ['down', 'degraded', 'recovered', 'reminder', 'escalation', 'group', 'test', 'digest', 'flapping'];

describe.each(Object.entries(ADAPTERS) as Array<[Channel, Start]>)('%s notifier contract', (channel, start) => {
  it('delivers an alert with a snapshot and names its channel', async () => {
    const h = await start({ hang: false, timeoutMs: 3000 });
    expect(h.notifier.channel).toBe(channel);
    expect(h.notifier.validateAddress(h.address)).toBeNull();
    await h.notifier.send(alert({ snapshot: { jpeg: SNAPSHOT_JPEG } }), contact(channel, h.address), ctx());
    expect(h.delivered()).toBe(1);
  });

  it('sends every kind of alert in both languages', async () => {
    const h = await start({ hang: false, timeoutMs: 3000 });
    let sent = 0;
    for (const kind of KINDS) {
      for (const language of ['id', 'en'] as const) {
        const cameras = kind === 'group' ? [CAMERA, { ...CAMERA, id: 'cam-2', name: 'Parkir' }] : kind === 'test' || kind === 'digest' ? [] : [CAMERA];
        const msg = alert({ kind, language, cameras, ...(kind === 'digest' ? { digest: { lines: ['98%'] } } : {}) });
        await h.notifier.send(msg, contact(channel, h.address, { language }), ctx(`k-${kind}-${language}`));
        sent++;
      }
    }
    expect(h.delivered()).toBe(sent);
  });

  it('refuses an invalid address as permanent before contacting anyone', async () => {
    const h = await start({ hang: false, timeoutMs: 3000 });
    expect(h.notifier.validateAddress(h.badAddress)).toEqual(expect.any(String));
    const err = await rejection(h.notifier.send(alert(), contact(channel, h.badAddress), ctx()));
    expect(err).toMatchObject({ permanent: true, code: 'bad_address' });
    expect(h.delivered()).toBe(0);
  });

  it('a far side that never answers is a temporary timeout within the deadline', async () => {
    const h = await start({ hang: true, timeoutMs: 300 });
    const started = Date.now();
    const err = await rejection(h.notifier.send(alert(), contact(channel, h.address), ctx()));
    expect(err).toBeInstanceOf(NotifyError);
    expect(err).toMatchObject({ permanent: false, code: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('the caller’s abort ends a send at once as a temporary cancellation', async () => {
    const h = await start({ hang: true, timeoutMs: 20_000 });
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 150);
    const started = Date.now();
    const err = await rejection(h.notifier.send(alert(), contact(channel, h.address), ctx('k', caller.signal)));
    expect(err).toMatchObject({ permanent: false, code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
