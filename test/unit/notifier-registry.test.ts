import { describe, expect, it } from 'vitest';
import { createNotifierRegistry, NotifierRegistry } from '../../src/notifiers/registry.js';
import type { Notifier } from '../../src/notifiers/types.js';
import { generateVapidKeys } from '../../src/notifiers/webpush.js';

const stub = (channel: Notifier['channel'], closed: string[] = []): Notifier => ({
  channel,
  validateAddress: () => null,
  send: async () => ({}),
  close: async () => {
    closed.push(channel);
  },
});

describe('NotifierRegistry', () => {
  it('throws when a channel is registered twice', () => {
    const registry = new NotifierRegistry().register(stub('email'));
    expect(() => registry.register(stub('email'))).toThrow(/"email" is already registered/);
  });

  it('throws for an unknown channel name and for a channel that is not configured', () => {
    const registry = new NotifierRegistry();
    expect(() => registry.register(stub('sms' as Notifier['channel']))).toThrow(/unknown notifier channel "sms"/);
    expect(() => registry.get('telegram')).toThrow(/"telegram" is not configured/);
    expect(registry.has('telegram')).toBe(false);
  });

  it('closes every channel even when one close fails', async () => {
    const closed: string[] = [];
    const failing: Notifier = { ...stub('webhook'), close: async () => Promise.reject(new Error('boom')) };
    const registry = new NotifierRegistry().register(stub('email', closed)).register(failing).register(stub('telegram', closed));
    await registry.close();
    expect(closed.sort()).toEqual(['email', 'telegram']);
  });

  it('builds only the configured channels, each under its own name', async () => {
    const registry = createNotifierRegistry({
      telegram: { botToken: '1:x' },
      webhook: {},
      webpush: { vapid: { ...generateVapidKeys(), subject: 'mailto:noc@example.go.id' } },
      whatsapp: { url: 'https://gw.example/send' },
      email: { host: '127.0.0.1', port: 2525, from: 'Pantau <pantau@example.go.id>' },
    });
    expect(registry.channels().sort()).toEqual(['email', 'telegram', 'webhook', 'webpush', 'whatsapp']);
    for (const channel of registry.channels()) expect(registry.get(channel).channel).toBe(channel);
    await registry.close();
    expect(createNotifierRegistry({ webhook: {} }).channels()).toEqual(['webhook']);
  });

  it('refuses unusable settings when it is built', () => {
    expect(() => createNotifierRegistry({ telegram: { botToken: '' } })).toThrow(/botToken/);
    expect(() => createNotifierRegistry({ email: { host: 'smtp.example.go.id', from: '' } })).toThrow(/from/);
  });
});
