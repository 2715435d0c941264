/**
 * Web Push to the dashboard's PWA. `web-push` encrypts the payload (RFC 8291, aes128gcm) and
 * signs the VAPID header; the request itself goes out through `http.ts` like every other
 * channel, so it shares the timeout, cancellation and size cap. The address is the browser's
 * PushSubscription as JSON.
 */
import webpush from 'web-push';
import { classifyStatus, request } from './http.js';
import { renderMessage } from './messages.js';
import { OutboundPolicy, PUBLIC_ONLY } from '../security/outbound-policy.js';
import {
  DEFAULT_TIMEOUT_MS,
  NotifyError,
  type AlertMessage,
  type ContactTarget,
  type Notifier,
  type SendContext,
  type SendResult,
} from './types.js';

export interface VapidKeys {
  /** base64url, 65 bytes decoded; the dashboard subscribes with it. */
  publicKey: string;
  /** base64url, 32 bytes decoded. */
  privateKey: string;
}

export interface WebPushConfig {
  /** `subject` is a `mailto:` or `https:` contact for the push service's operators. */
  vapid: VapidKeys & { subject: string };
  /** How long a push service keeps the message for an offline device. @defaultValue 86400 */
  ttlSec?: number;
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /** Accept `http:` endpoints; only for tests and local push services. @defaultValue false */
  allowInsecureEndpoints?: boolean;
  /** Where endpoints may point: browsers (so users) hand them over. @defaultValue PUBLIC_ONLY */
  policy?: OutboundPolicy;
}

/** What the service worker receives. */
export interface WebPushPayload {
  title: string;
  body: string;
  url: string;
  /** Notifications with one tag replace each other: a recovery replaces its outage. */
  tag: string;
  kind: AlertMessage['kind'];
}

/** Push services refuse more than 4096 encrypted bytes; this leaves room for the framing. */
const MAX_BODY_CHARS = 1000;

export function generateVapidKeys(): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey };
}

export function webPushPayload(msg: AlertMessage, now = Date.now()): WebPushPayload {
  const rendered = renderMessage(msg, now);
  const body = rendered.body.length > MAX_BODY_CHARS ? `${rendered.body.slice(0, MAX_BODY_CHARS - 1)}…` : rendered.body;
  return { title: rendered.title, body, url: msg.dashboardUrl, tag: msg.cameras[0]?.id ?? `pantau-${msg.kind}`, kind: msg.kind };
}

interface Subscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export class WebPushNotifier implements Notifier {
  readonly channel = 'webpush' as const;
  private readonly timeoutMs: number;
  private readonly ttlSec: number;
  private readonly policy: OutboundPolicy;

  constructor(private readonly config: WebPushConfig) {
    this.policy = config.policy ?? PUBLIC_ONLY;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.ttlSec = config.ttlSec ?? 86_400;
    const { subject, publicKey, privateKey } = config.vapid;
    try {
      webpush.getVapidHeaders('https://push.invalid', subject, publicKey, privateKey, 'aes128gcm');
    } catch (err) {
      throw new Error(`webpush: invalid VAPID settings: ${(err as Error).message}`, { cause: err });
    }
  }

  validateAddress(address: string, byAdmin = false): string | null {
    const parsed = this.parse(address, byAdmin ? OutboundPolicy.open : this.policy);
    return typeof parsed === 'string' ? parsed : null;
  }

  async send(msg: AlertMessage, contact: ContactTarget, ctx: SendContext): Promise<SendResult> {
    // Only the subscription's form here: the policy is applied where the connection is made.
    const subscription = this.parse(contact.address, OutboundPolicy.open);
    if (typeof subscription === 'string') {
      throw new NotifyError(`webpush address rejected: ${subscription}`, { permanent: true, code: 'bad_address' });
    }
    const urgent = msg.kind === 'down' || msg.kind === 'group' || msg.kind === 'escalation';
    const details = webpush.generateRequestDetails(subscription, JSON.stringify(webPushPayload(msg)), {
      vapidDetails: this.config.vapid,
      TTL: this.ttlSec,
      contentEncoding: 'aes128gcm',
      urgency: urgent ? 'high' : 'normal',
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(details.headers)) {
      // fetch sets the length itself and refuses a second one.
      if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
    }
    const res = await request({
      url: details.endpoint,
      method: 'POST',
      headers,
      ...(details.body ? { body: new Uint8Array(details.body) } : {}),
      timeoutMs: this.timeoutMs,
      signal: ctx.signal,
      policy: contact.addressByAdmin ? OutboundPolicy.open : this.policy,
    });
    if (res.status === 404 || res.status === 410) {
      throw new NotifyError(`The push subscription is gone (HTTP ${res.status})`, { permanent: true, code: 'gone', httpStatus: res.status });
    }
    // A VAPID key the subscription was not made with: our setting, not the browser's.
    if (res.status === 401 || res.status === 403) {
      throw new NotifyError(`The push service refused our VAPID key (HTTP ${res.status})`, { permanent: false, code: 'config', httpStatus: res.status });
    }
    const failure = classifyStatus(res, 'The push service', { quoteBody: false });
    if (failure) throw failure;
    const location = res.headers.get('location');
    return { ...(location ? { providerMessageId: location } : {}), response: `HTTP ${res.status}` };
  }

  /** The subscription, or why it cannot be used. */
  private parse(address: string, policy: OutboundPolicy): Subscription | string {
    let value: unknown;
    try {
      value = JSON.parse(address);
    } catch {
      return 'not JSON; expected a PushSubscription {endpoint, keys: {p256dh, auth}}';
    }
    const sub = value as Partial<Subscription> | null;
    if (typeof sub?.endpoint !== 'string') return 'the subscription has no endpoint';
    let url: URL;
    try {
      url = new URL(sub.endpoint);
    } catch {
      return 'the endpoint is not a URL';
    }
    const insecureOk = this.config.allowInsecureEndpoints === true && url.protocol === 'http:';
    if (url.protocol !== 'https:' && !insecureOk) return 'the endpoint must be an https URL';
    const refused = policy.checkHost(url.hostname);
    if (refused) return `the endpoint: ${refused}`;
    const { p256dh, auth } = sub.keys ?? {};
    if (typeof p256dh !== 'string' || typeof auth !== 'string') return 'the subscription has no keys.p256dh and keys.auth';
    const point = Buffer.from(p256dh, 'base64url');
    if (point.length !== 65 || point[0] !== 0x04) return 'keys.p256dh is not an uncompressed P-256 public key';
    if (Buffer.from(auth, 'base64url').length !== 16) return 'keys.auth is not a 16-byte secret';
    return { endpoint: sub.endpoint, keys: { p256dh, auth } };
  }
}
