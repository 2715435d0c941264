/**
 * Webhooks: a signed JSON POST to the contact's http(s) URL. The body format and how to check
 * `X-Pantau-Signature` are documented in README.md; changing a field here changes a public
 * contract.
 */
import { createHmac } from 'node:crypto';
import { classifyStatus, request } from './http.js';
import { renderMessage } from './messages.js';
import { OutboundPolicy, PUBLIC_ONLY } from '../security/outbound-policy.js';
import {
  assertAddress,
  DEFAULT_TIMEOUT_MS,
  type AlertCamera,
  type AlertMessage,
  type ContactTarget,
  type Notifier,
  type SendContext,
  type SendResult,
} from './types.js';

export interface WebhookConfig {
  /** @defaultValue 10000 */
  timeoutMs?: number;
  /**
   * Where webhooks may connect: users set these URLs. @defaultValue PUBLIC_ONLY
   */
  policy?: OutboundPolicy;
}

export type WebhookEvent =
  | 'camera.down'
  | 'camera.degraded'
  | 'camera.recovered'
  | 'camera.reminder'
  | 'camera.escalation'
  | 'camera.flapping'
  | 'digest'
  | 'test';

export interface WebhookCamera {
  id: string;
  name: string;
  site: string;
  agency: string;
  innovation: string | null;
  status: string;
  reason: string;
  since: string;
  durationSec: number | null;
}

export interface WebhookPayload {
  event: WebhookEvent;
  kind: AlertMessage['kind'];
  camera: Pick<WebhookCamera, 'id' | 'name' | 'site' | 'agency'> | null;
  cameras: WebhookCamera[];
  status: string | null;
  reason: string | null;
  since: string | null;
  durationSec: number | null;
  text: string;
  dashboardUrl: string;
  ackUrl: string | null;
  digest: string[] | null;
  idempotencyKey: string;
  sentAt: string;
}

export const SIGNATURE_HEADER = 'X-Pantau-Signature';

/** `sha256=<hex>` of the raw body; receivers recompute it over the bytes they received. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function webhookEvent(msg: AlertMessage): WebhookEvent {
  switch (msg.kind) {
    case 'group':
      return msg.cameras.every((c) => c.status === 'down') ? 'camera.down' : 'camera.degraded';
    case 'test':
    case 'digest':
      return msg.kind;
    default:
      return `camera.${msg.kind}`;
  }
}

export function webhookPayload(msg: AlertMessage, idempotencyKey: string, now = Date.now()): WebhookPayload {
  const first = msg.cameras[0];
  return {
    event: webhookEvent(msg),
    kind: msg.kind,
    camera: first ? { id: first.id, name: first.name, site: first.site, agency: first.agency } : null,
    cameras: msg.cameras.map(toWebhookCamera),
    status: first?.status ?? null,
    reason: first?.reason ?? null,
    since: first ? new Date(first.since).toISOString() : null,
    durationSec: first?.durationSec ?? null,
    text: renderMessage(msg, now).text,
    dashboardUrl: msg.dashboardUrl,
    ackUrl: msg.ackUrl ?? null,
    digest: msg.digest?.lines ?? null,
    idempotencyKey,
    sentAt: new Date(now).toISOString(),
  };
}

function toWebhookCamera(c: AlertCamera): WebhookCamera {
  return {
    id: c.id,
    name: c.name,
    site: c.site,
    agency: c.agency,
    innovation: c.innovation ?? null,
    status: c.status,
    reason: c.reason,
    since: new Date(c.since).toISOString(),
    durationSec: c.durationSec ?? null,
  };
}

/** Only absolute http(s) URLs without credentials, to a host the policy allows (as far as can be told before DNS). */
export function checkHttpUrl(address: string, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs are allowed';
  if (url.username || url.password) return 'put credentials in headers, not in the URL';
  if (!url.hostname) return 'the URL has no host';
  return policy.checkHost(url.hostname);
}

export class WebhookNotifier implements Notifier {
  readonly channel = 'webhook' as const;
  private readonly timeoutMs: number;
  private readonly policy: OutboundPolicy;

  constructor(config: WebhookConfig = {}) {
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.policy = config.policy ?? PUBLIC_ONLY;
  }

  validateAddress(address: string, byAdmin = false): string | null {
    return checkHttpUrl(address, byAdmin ? OutboundPolicy.open : this.policy);
  }

  async send(msg: AlertMessage, contact: ContactTarget, ctx: SendContext): Promise<SendResult> {
    // Only the URL's form here: the policy is applied where the connection is made.
    assertAddress({ channel: this.channel, validateAddress: (a) => checkHttpUrl(a, OutboundPolicy.open) }, contact.address);
    const body = JSON.stringify(webhookPayload(msg, ctx.idempotencyKey));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Pantau',
      'x-pantau-event': webhookEvent(msg),
      'x-pantau-delivery': ctx.idempotencyKey,
    };
    if (contact.secret) headers[SIGNATURE_HEADER.toLowerCase()] = signBody(body, contact.secret);
    const res = await request({ url: contact.address, method: 'POST', headers, body, timeoutMs: this.timeoutMs, signal: ctx.signal, policy: contact.addressByAdmin ? OutboundPolicy.open : this.policy });
    const failure = classifyStatus(res, 'The webhook', { quoteBody: false });
    if (failure) throw failure;
    return { response: `HTTP ${res.status}` };
  }
}
