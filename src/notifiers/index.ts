/** The notifiers' public surface: the port, the channels, rendering and the registry. */
export * from './types.js';
export { renderMessage, SNAPSHOT_CID, MAX_LISTED_CAMERAS, type RenderedMessage } from './messages.js';
export { formatDuration, formatTime, reasonText } from './message-words.js';
export { EmailNotifier, type EmailConfig } from './email.js';
export { TelegramNotifier, type TelegramConfig } from './telegram.js';
export { WhatsappNotifier, fillTemplate, type WhatsappConfig } from './whatsapp.js';
export {
  WebhookNotifier,
  signBody,
  webhookEvent,
  webhookPayload,
  SIGNATURE_HEADER,
  type WebhookConfig,
  type WebhookEvent,
  type WebhookPayload,
} from './webhook.js';
export {
  WebPushNotifier,
  generateVapidKeys,
  webPushPayload,
  type WebPushConfig,
  type WebPushPayload,
  type VapidKeys,
} from './webpush.js';
export { NotifierRegistry, createNotifierRegistry, type NotifiersConfig } from './registry.js';
