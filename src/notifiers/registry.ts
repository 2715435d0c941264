/**
 * The explicit list of channels a process can send through. Registering a channel twice is a
 * wiring mistake and throws; asking for a channel that is not configured throws too, so the
 * caller records the delivery as failed instead of silently dropping it.
 */
import { EmailNotifier, type EmailConfig } from './email.js';
import { TelegramNotifier, type TelegramConfig } from './telegram.js';
import { CHANNELS, type Channel, type Notifier } from './types.js';
import { WebhookNotifier, type WebhookConfig } from './webhook.js';
import { WebPushNotifier, type WebPushConfig } from './webpush.js';
import { WhatsappNotifier, type WhatsappConfig } from './whatsapp.js';

export class NotifierRegistry {
  private readonly byChannel = new Map<Channel, Notifier>();

  register(notifier: Notifier): this {
    if (!CHANNELS.includes(notifier.channel)) throw new Error(`unknown notifier channel "${notifier.channel}"`);
    if (this.byChannel.has(notifier.channel)) throw new Error(`notifier channel "${notifier.channel}" is already registered`);
    this.byChannel.set(notifier.channel, notifier);
    return this;
  }

  has(channel: Channel): boolean {
    return this.byChannel.has(channel);
  }

  get(channel: Channel): Notifier {
    const notifier = this.byChannel.get(channel);
    if (!notifier) throw new Error(`notifier channel "${channel}" is not configured`);
    return notifier;
  }

  channels(): Channel[] {
    return [...this.byChannel.keys()];
  }

  /** Closes every channel that holds connections; one failing close does not stop the rest. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.byChannel.values()].map((n) => n.close?.()));
  }
}

/** Settings per channel; a channel without settings is not offered. */
export interface NotifiersConfig {
  email?: EmailConfig;
  telegram?: TelegramConfig;
  whatsapp?: WhatsappConfig;
  webhook?: WebhookConfig;
  webpush?: WebPushConfig;
}

/** Builds the registry from configuration; constructors throw on unusable settings. */
export function createNotifierRegistry(config: NotifiersConfig): NotifierRegistry {
  const registry = new NotifierRegistry();
  if (config.email) registry.register(new EmailNotifier(config.email));
  if (config.telegram) registry.register(new TelegramNotifier(config.telegram));
  if (config.whatsapp) registry.register(new WhatsappNotifier(config.whatsapp));
  if (config.webhook) registry.register(new WebhookNotifier(config.webhook));
  if (config.webpush) registry.register(new WebPushNotifier(config.webpush));
  return registry;
}
