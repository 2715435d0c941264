/**
 * The notifier port: what an alert says (`AlertMessage`), where it goes (`ContactTarget`) and
 * the one interface every channel implements. Channels never decide whether or when to send;
 * the alert outbox does, and reads `NotifyError.permanent` to choose between retrying later
 * and giving up on an address.
 */

export const CHANNELS = ['email', 'telegram', 'whatsapp', 'webhook', 'webpush'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Language = 'id' | 'en';

export type AlertKind =
  | 'down'
  | 'degraded'
  | 'recovered'
  | 'reminder'
  | 'escalation'
  | 'group'
  | 'test'
  | 'digest'
  | 'flapping';

/** One camera as an alert shows it. */
export interface AlertCamera {
  id: string;
  name: string;
  site: string;
  /** The agency (OPD) that owns the camera. */
  agency: string;
  /** The innovation (programme) the camera belongs to. */
  innovation?: string;
  /** `up`, `degraded`, `down`, … at the time of the alert. */
  status: string;
  /**
   * Machine code of the cause (`unreachable`, `no_stream`, `black`, `covered`, `frozen`,
   * `corrupt`, `onvif_auth_failed`, `rtsp_auth_failed`, `port_closed`, …). In a recovery it is
   * the cause of the outage that just ended.
   */
  reason: string;
  /** When the current state (or, in a recovery, the outage) began; epoch ms. */
  since: number;
  /** How long the outage lasted (recovery) or has lasted so far (reminder, escalation). */
  durationSec?: number;
}

export interface AlertMessage {
  kind: AlertKind;
  language: Language;
  /** One camera for most kinds; the cameras of one site for `group`; may be empty for `test`. */
  cameras: AlertCamera[];
  /** Link to the camera, or to the list for a group. */
  dashboardUrl: string;
  /** Signed acknowledge link; absent once acknowledged or for kinds that need no action. */
  ackUrl?: string;
  /** The last good frame, attached by channels that can carry a picture. */
  snapshot?: { jpeg: Buffer };
  /** IANA zone the times are shown in, e.g. `Asia/Makassar`. */
  timeZone: string;
  /** For `digest`: a heading and ready-made summary lines. */
  digest?: { title?: string; lines: string[] };
}

/** Where one delivery goes. */
export interface ContactTarget {
  id: string;
  channel: Channel;
  /** Email address, Telegram chat id, phone number, webhook URL or PushSubscription JSON. */
  address: string;
  /** Webhook signing key, already decrypted by the caller. */
  secret?: string;
  language: Language;
  /**
   * An admin set the address: channels that connect where users point them (webhook, Web Push)
   * skip the outbound-address policy for it. @defaultValue false
   */
  addressByAdmin?: boolean;
}

export interface SendContext {
  /** Aborted when the caller gives up (shutdown); each channel adds its own timeout on top. */
  signal: AbortSignal;
  /** Stable per delivery: a retry of the same delivery carries the same key. */
  idempotencyKey: string;
}

export interface SendResult {
  /** What the far side called the message (SMTP Message-ID, Telegram message_id, …). */
  providerMessageId?: string;
  /** HTTP status or SMTP reply, kept with the notification record. */
  response?: string;
}

export interface Notifier {
  readonly channel: Channel;
  /**
   * An error message (in English, for the API to return) or null when the address is usable.
   * `byAdmin`: an admin sets it, so the outbound-address policy does not apply.
   */
  validateAddress(address: string, byAdmin?: boolean): string | null;
  /** Resolves when the far side accepted the message; rejects with a `NotifyError` otherwise. */
  send(msg: AlertMessage, contact: ContactTarget, ctx: SendContext): Promise<SendResult>;
  /** Releases connections at shutdown. */
  close?(): Promise<void>;
}

/**
 * Why a send failed, for people and dashboards. `permanent` alone drives retries; the code says
 * what to fix: `config` errors are ours (bad token, SMTP login) and are retried so that queued
 * alerts go out once an admin fixes the setting.
 */
export type NotifyErrorCode =
  | 'bad_address'
  | 'gone'
  | 'rejected'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'cancelled'
  | 'config'
  /** The outbound-address policy refused where the address points (loopback, private, …). */
  | 'refused_address';

export class NotifyError extends Error {
  readonly permanent: boolean;
  readonly code: NotifyErrorCode;
  readonly retryAfterMs?: number;
  /** The far side's HTTP status, when it answered with one. */
  readonly httpStatus?: number;

  constructor(
    message: string,
    opts: { permanent: boolean; code: NotifyErrorCode; retryAfterMs?: number; httpStatus?: number; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'NotifyError';
    this.permanent = opts.permanent;
    this.code = opts.code;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
    if (opts.httpStatus !== undefined) this.httpStatus = opts.httpStatus;
  }
}

/** Defaults shared by the HTTP channels. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Refuses an address the channel cannot use before any connection is made. */
export function assertAddress(notifier: Pick<Notifier, 'channel' | 'validateAddress'>, address: string): void {
  const problem = notifier.validateAddress(address);
  if (problem !== null) {
    throw new NotifyError(`${notifier.channel} address rejected: ${problem}`, { permanent: true, code: 'bad_address' });
  }
}
