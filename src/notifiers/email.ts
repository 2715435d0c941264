/**
 * Email over SMTP with nodemailer: plain text and HTML, the snapshot inline, and a Message-ID
 * derived from the idempotency key so a resent delivery is recognisably the same message.
 * Only a 5xx rejection of the recipient is permanent; everything else (connection, timeout,
 * 4xx, login) is retried.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type NodemailerError, type SMTPTransportOptions } from 'nodemailer';
import { renderMessage, SNAPSHOT_CID } from './messages.js';
import {
  assertAddress,
  NotifyError,
  type AlertMessage,
  type ContactTarget,
  type Notifier,
  type SendContext,
  type SendResult,
} from './types.js';

export interface EmailConfig {
  host: string;
  /** @defaultValue 465 when `secure`, else 587 */
  port?: number;
  /** TLS from the first byte (SMTPS, usually port 465). @defaultValue false */
  secure?: boolean;
  /**
   * STARTTLS on a plain connection: use it when offered, insist on it, or never use it.
   * @defaultValue 'opportunistic'
   */
  starttls?: 'opportunistic' | 'required' | 'off';
  auth?: { user: string; pass: string };
  /** Sender, e.g. `Pantau <pantau@diskominfo.example.go.id>`. */
  from: string;
  /** `rejectUnauthorized: false` accepts a self-signed office mail server. */
  tls?: { rejectUnauthorized?: boolean; servername?: string; ca?: string | string[] };
  /** One whole send: connect, greeting, transaction. @defaultValue 30000 */
  timeoutMs?: number;
  /** Domain of the generated Message-IDs. @defaultValue the domain of `from` */
  messageIdDomain?: string;
}

const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;

export class EmailNotifier implements Notifier {
  readonly channel = 'email' as const;
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  private readonly timeoutMs: number;
  private readonly idDomain: string;

  constructor(private readonly config: EmailConfig) {
    if (!config.host) throw new Error('email: host is required');
    if (!config.from) throw new Error('email: from is required');
    this.timeoutMs = config.timeoutMs ?? 30_000;
    this.idDomain = config.messageIdDomain ?? /@([^>\s]+)>?\s*$/.exec(config.from)?.[1] ?? 'pantau.invalid';
    const secure = config.secure ?? false;
    const starttls = config.starttls ?? 'opportunistic';
    const options: SMTPTransportOptions = {
      host: config.host,
      port: config.port ?? (secure ? 465 : 587),
      secure,
      ignoreTLS: !secure && starttls === 'off',
      requireTLS: !secure && starttls === 'required',
      connectionTimeout: this.timeoutMs,
      greetingTimeout: this.timeoutMs,
      socketTimeout: this.timeoutMs,
      ...(config.auth ? { auth: { user: config.auth.user, pass: config.auth.pass } } : {}),
      ...(config.tls ? { tls: { ...config.tls } } : {}),
    };
    this.transport = nodemailer.createTransport(options);
  }

  validateAddress(address: string): string | null {
    if (address.length > 254 || !ADDRESS.test(address)) return 'not an email address like nama@dinas.go.id';
    return null;
  }

  /** The same key always gives the same id, so a resend threads with (or is deduplicated as) the first. */
  messageIdFor(idempotencyKey: string): string {
    const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
    return `<pantau.${digest}@${this.idDomain}>`;
  }

  async send(msg: AlertMessage, contact: ContactTarget, ctx: SendContext): Promise<SendResult> {
    assertAddress(this, contact.address);
    const rendered = renderMessage(msg);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const messageId = this.messageIdFor(ctx.idempotencyKey);
    try {
      const info = await this.transport.sendMail({
        from: this.config.from,
        to: contact.address,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.emailHtml,
        messageId,
        headers: { 'Content-Language': msg.language, 'X-Pantau-Delivery': ctx.idempotencyKey.replace(/[^\x21-\x7e]/g, '_') },
        attachments: msg.snapshot ? [inlineSnapshot(msg.snapshot.jpeg)] : [],
        signal: AbortSignal.any([ctx.signal, timeout]),
      });
      return { providerMessageId: messageId, response: info.response };
    } catch (err) {
      throw classify(err, { timedOut: timeout.aborted, cancelled: ctx.signal.aborted, timeoutMs: this.timeoutMs });
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** Referenced from the HTML by Content-ID, so clients show it in place rather than as a file. */
function inlineSnapshot(jpeg: Buffer) {
  return { filename: 'snapshot.jpg', content: jpeg, contentType: 'image/jpeg', cid: SNAPSHOT_CID, contentDisposition: 'inline' as const };
}

function classify(err: unknown, state: { timedOut: boolean; cancelled: boolean; timeoutMs: number }): NotifyError {
  const e = err as NodemailerError;
  const reply = e.response ? `: ${e.response}` : '';
  if (state.timedOut || e.code === 'ETIMEDOUT') {
    return new NotifyError(`SMTP send timed out after ${state.timeoutMs} ms`, { permanent: false, code: 'timeout', cause: err });
  }
  if (state.cancelled || e.code === 'EABORT') {
    return new NotifyError('SMTP send was cancelled', { permanent: false, code: 'cancelled', cause: err });
  }
  const code = e.responseCode;
  const aboutRecipient = e.recipient !== undefined || (e.rejected?.length ?? 0) > 0 || /^RCPT/i.test(e.command ?? '');
  // 503 is "bad sequence of commands": the session's fault, not the address's.
  if (code !== undefined && code >= 500 && code !== 503 && aboutRecipient) {
    return new NotifyError(`The mail server rejected the recipient${reply}`, { permanent: true, code: 'bad_address', cause: err });
  }
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new NotifyError(`SMTP login failed${reply}`, { permanent: false, code: 'config', cause: err });
  }
  if (code !== undefined) {
    const kind = code >= 500 ? 'rejected' : 'server_error';
    return new NotifyError(`The mail server answered${reply || ` ${code}`}`, { permanent: false, code: kind, cause: err });
  }
  const what = `${e.code ?? ''} ${e.message}`.trim();
  return new NotifyError(`SMTP connection failed: ${what}`, { permanent: false, code: 'network', cause: err });
}
