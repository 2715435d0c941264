/**
 * WhatsApp through an HTTP gateway of the kind Indonesian offices rent (Fonnte-, Wablas-like).
 * Gateways differ only in URL, headers and field names, so those are configuration: a body
 * template with `{{to}}`, `{{text}}` and `{{subject}}`, each escaped for where it stands (JSON
 * string, form field or URL). No gateway's API is built in.
 */
import { classifyStatus, excerpt, request } from './http.js';
import { renderMessage } from './messages.js';
import {
  assertAddress,
  DEFAULT_TIMEOUT_MS,
  NotifyError,
  type AlertMessage,
  type ContactTarget,
  type Notifier,
  type SendContext,
  type SendResult,
} from './types.js';

export interface WhatsappConfig {
  /** Gateway endpoint. Placeholders in it are URL-encoded. */
  url: string;
  /** @defaultValue 'POST' */
  method?: 'POST' | 'PUT' | 'GET';
  /** Sent as given, e.g. `{ Authorization: '<gateway token>' }`. */
  headers?: Record<string, string>;
  /**
   * The request body; ignored for GET.
   * @defaultValue '{"to":"{{to}}","text":"{{text}}"}'
   */
  bodyTemplate?: string;
  /**
   * Content type of the body; decides how placeholders are escaped.
   * @defaultValue 'application/json' when the template starts with `{` or `[`, otherwise
   * 'application/x-www-form-urlencoded'
   */
  contentType?: string;
  /**
   * For gateways that answer 200 to a refused message: the JSON reply must have this field
   * (dotted path) with this value, e.g. `{ path: 'status', equals: true }`.
   */
  successField?: { path: string; equals: string | number | boolean };
  /** @defaultValue 10000 */
  timeoutMs?: number;
}

const DEFAULT_TEMPLATE = '{"to":"{{to}}","text":"{{text}}"}';
const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
const KNOWN = new Set(['to', 'text', 'subject']);
type Escape = (value: string) => string;

const jsonEscape: Escape = (v) => JSON.stringify(v).slice(1, -1);
const urlEscape: Escape = (v) => encodeURIComponent(v);
const rawEscape: Escape = (v) => v;

/** Fills `{{name}}` placeholders, escaping each value for its context. */
export function fillTemplate(template: string, values: Record<string, string>, escape: Escape): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : escape(value);
  });
}

export class WhatsappNotifier implements Notifier {
  readonly channel = 'whatsapp' as const;
  private readonly method: 'POST' | 'PUT' | 'GET';
  private readonly template: string;
  private readonly contentType: string;
  private readonly bodyEscape: Escape;
  private readonly isJson: boolean;
  private readonly timeoutMs: number;

  constructor(private readonly config: WhatsappConfig) {
    this.method = config.method ?? 'POST';
    this.template = config.bodyTemplate ?? DEFAULT_TEMPLATE;
    this.contentType = config.contentType ?? (/^\s*[{[]/.test(this.template) ? 'application/json' : 'application/x-www-form-urlencoded');
    this.isJson = /json/i.test(this.contentType);
    this.bodyEscape = this.isJson ? jsonEscape : /x-www-form-urlencoded/i.test(this.contentType) ? urlEscape : rawEscape;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.checkConfig();
  }

  /** Fails at start-up, not at the first outage, when the template cannot work. */
  private checkConfig(): void {
    const url = fillTemplate(this.config.url, { to: '0', text: 'x', subject: 'x' }, urlEscape);
    if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new Error(`whatsapp: url must be an http(s) URL, got ${this.config.url}`);
    for (const source of [this.config.url, this.template]) {
      for (const m of source.matchAll(PLACEHOLDER)) {
        if (!KNOWN.has(m[1] ?? '')) throw new Error(`whatsapp: unknown placeholder ${m[0]}; use {{to}}, {{text}} or {{subject}}`);
      }
    }
    if (this.isJson && this.method !== 'GET') {
      try {
        // Samples that only parse when the template puts each placeholder inside a JSON string.
        const sample = 'a "b"\nc';
        JSON.parse(fillTemplate(this.template, { to: sample, text: sample, subject: sample }, jsonEscape));
      } catch (err) {
        throw new Error(`whatsapp: bodyTemplate is not valid JSON once filled in: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  validateAddress(address: string): string | null {
    if (/^\+?\d{8,15}$/.test(address)) return null;
    if (/^[\d-]{8,40}@g\.us$/.test(address)) return null;
    return 'a phone number in digits (e.g. 6281234567890) or a WhatsApp group id ending in @g.us';
  }

  async send(msg: AlertMessage, contact: ContactTarget, ctx: SendContext): Promise<SendResult> {
    assertAddress(this, contact.address);
    const rendered = renderMessage(msg);
    // WhatsApp shows *text* in bold; the plain text's first line is the headline.
    const text = rendered.text.replace(/^([^\n]+)/, '*$1*');
    const values = { to: contact.address, text, subject: rendered.subject };
    const url = fillTemplate(this.config.url, values, urlEscape);
    const headers = new Headers(this.config.headers);
    let body: string | undefined;
    if (this.method !== 'GET') {
      body = fillTemplate(this.template, values, this.bodyEscape);
      if (!headers.has('content-type')) headers.set('content-type', this.contentType);
    }
    const res = await request({
      url,
      method: this.method,
      headers: Object.fromEntries(headers),
      ...(body === undefined ? {} : { body }),
      timeoutMs: this.timeoutMs,
      signal: ctx.signal,
    });
    const failure = classifyStatus(res, 'The WhatsApp gateway');
    if (failure) throw failure;
    if (this.config.successField && !fieldMatches(res.body, this.config.successField)) {
      const { path, equals } = this.config.successField;
      // Gateways give no reliable cause here (bad number, phone offline, quota), so retry.
      throw new NotifyError(`The WhatsApp gateway did not confirm (${path} ≠ ${JSON.stringify(equals)}): ${excerpt(res.body)}`, {
        permanent: false,
        code: 'rejected',
      });
    }
    return { response: `HTTP ${res.status}${res.body ? ` ${excerpt(res.body, 120)}` : ''}` };
  }
}

function fieldMatches(body: string, field: { path: string; equals: string | number | boolean }): boolean {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return false;
  }
  for (const key of field.path.split('.')) {
    if (typeof value !== 'object' || value === null) return false;
    value = (value as Record<string, unknown>)[key];
  }
  return value === field.equals;
}
