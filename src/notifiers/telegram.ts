/**
 * Telegram through the Bot API: `sendMessage` with HTML text, or `sendPhoto` with the snapshot
 * and the text as its caption when a snapshot is present and the text fits a caption. The
 * address is a chat id (`123456`, `-100…` for groups) or a public `@channel`.
 */
import { classifyStatus, excerpt, postJson, postMultipart, type HttpResponse } from './http.js';
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

export interface TelegramConfig {
  /** Bot token from @BotFather. */
  botToken: string;
  /** @defaultValue 'https://api.telegram.org' */
  apiBase?: string;
  /** @defaultValue 10000 */
  timeoutMs?: number;
}

/** Telegram counts a caption's visible characters; past this it refuses the photo. */
const CAPTION_LIMIT = 1024;
const TEXT_LIMIT = 4096;

interface TelegramReply {
  ok?: boolean;
  description?: string;
  error_code?: number;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
  result?: { message_id?: number };
}

export class TelegramNotifier implements Notifier {
  readonly channel = 'telegram' as const;
  private readonly apiBase: string;
  private readonly timeoutMs: number;

  constructor(private readonly config: TelegramConfig) {
    if (!config.botToken) throw new Error('telegram: botToken is required');
    this.apiBase = (config.apiBase ?? 'https://api.telegram.org').replace(/\/+$/, '');
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  validateAddress(address: string): string | null {
    if (/^-?\d{1,20}$/.test(address)) return null;
    if (/^@[A-Za-z][A-Za-z0-9_]{3,31}$/.test(address)) return null;
    return 'a Telegram chat id (digits, "-100…" for groups) or a public @channel name';
  }

  async send(msg: AlertMessage, contact: ContactTarget, ctx: SendContext): Promise<SendResult> {
    assertAddress(this, contact.address);
    const rendered = renderMessage(msg);
    const text = rendered.telegramHtml;
    const opts = { timeoutMs: this.timeoutMs, signal: ctx.signal };
    let res: HttpResponse;
    if (msg.snapshot && visibleLength(text) <= CAPTION_LIMIT) {
      res = await postMultipart(
        this.method('sendPhoto'),
        [
          { name: 'chat_id', value: contact.address },
          { name: 'caption', value: text },
          { name: 'parse_mode', value: 'HTML' },
          { name: 'photo', filename: 'snapshot.jpg', contentType: 'image/jpeg', data: msg.snapshot.jpeg },
        ],
        opts,
      );
    } else {
      res = await postJson(
        this.method('sendMessage'),
        { chat_id: contact.address, text: clip(text), parse_mode: 'HTML', disable_web_page_preview: true },
        opts,
      );
    }
    return interpret(res);
  }

  private method(name: string): string {
    return `${this.apiBase}/bot${this.config.botToken}/${name}`;
  }
}

/** A success, or throws the failure in the Bot API's own terms. */
function interpret(res: HttpResponse): SendResult {
  const reply = parseReply(res.body);
  if (res.status >= 200 && res.status < 300 && reply?.ok !== false) {
    const id = reply?.result?.message_id;
    return { ...(id === undefined ? {} : { providerMessageId: String(id) }), response: `HTTP ${res.status}` };
  }
  const description = reply?.description ?? excerpt(res.body);
  const what = `Telegram answered HTTP ${res.status}: ${description}`;
  if (res.status === 429) {
    const seconds = reply?.parameters?.retry_after;
    const retry = seconds === undefined ? {} : { retryAfterMs: seconds * 1000 };
    throw new NotifyError(what, { permanent: false, code: 'rate_limited', ...retry });
  }
  // 401/404 mean the bot token is wrong: our configuration, not the contact's address.
  if (res.status === 401 || res.status === 404) throw new NotifyError(what, { permanent: false, code: 'config' });
  if (res.status === 403 || /chat not found|user not found|chat_id is empty|PEER_ID_INVALID/i.test(description)) {
    throw new NotifyError(what, { permanent: true, code: 'bad_address' });
  }
  const migrated = reply?.parameters?.migrate_to_chat_id;
  if (migrated !== undefined) {
    throw new NotifyError(`${what} (the group is now chat ${migrated})`, { permanent: true, code: 'bad_address' });
  }
  throw classifyStatus(res, 'Telegram') ?? new NotifyError(what, { permanent: false, code: 'server_error' });
}

function parseReply(body: string): TelegramReply | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as TelegramReply) : null;
  } catch {
    return null;
  }
}

/** What Telegram counts: the text with tags removed and entities decoded. */
function visibleLength(html: string): number {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&(lt|gt|amp|quot);/g, 'x').length;
}

/** Cuts an over-long message at a line break, before any tag could be split open. */
function clip(html: string): string {
  if (html.length <= TEXT_LIMIT) return html;
  const cut = html.lastIndexOf('\n', TEXT_LIMIT - 2);
  return `${html.slice(0, cut > 0 ? cut : TEXT_LIMIT - 2)}\n…`;
}
