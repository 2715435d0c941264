/**
 * The one outbound HTTP seam of the notifiers. Every HTTP channel sends through `request`, so
 * timeouts, the response size cap, redirect policy and the mapping of failures onto
 * `NotifyError` live in one place. Error messages name only the origin: bot tokens and secret
 * query strings sit in paths and must not reach logs.
 */
import { randomBytes } from 'node:crypto';
import { NotifyError } from './types.js';

export const USER_AGENT = 'Pantau';
/** Replies are only read for error text and small JSON; a larger body is cut here. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

export interface HttpRequest {
  url: string | URL;
  /** @defaultValue 'POST' */
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** The whole exchange, body included, must finish within this. */
  timeoutMs: number;
  /** The caller's signal (shutdown); combined with the timeout. */
  signal: AbortSignal;
  /** @defaultValue DEFAULT_MAX_RESPONSE_BYTES */
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** True when the body was longer than the cap and was cut. */
  truncated: boolean;
}

/**
 * Sends one request. Resolves with any HTTP status (the channel classifies it); rejects with a
 * temporary `NotifyError` when no complete answer came: network failure, timeout or abort.
 * Redirects are not followed: a notifier URL that moved should be fixed, not chased.
 */
export async function request(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  const method = req.method ?? 'POST';
  const label = `${method} ${url.origin}`;
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  const headers = new Headers(req.headers);
  if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
  try {
    const res = await fetch(url, { method, headers, body: req.body ?? null, signal, redirect: 'manual' });
    const { body, truncated } = await readCapped(res, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    return { status: res.status, headers: res.headers, body, truncated };
  } catch (err) {
    if (timeout.aborted) {
      throw new NotifyError(`${label} timed out after ${req.timeoutMs} ms`, { permanent: false, code: 'timeout', cause: err });
    }
    if (req.signal.aborted) {
      throw new NotifyError(`${label} was cancelled`, { permanent: false, code: 'cancelled', cause: err });
    }
    throw new NotifyError(`${label} failed: ${describeNetworkError(err)}`, { permanent: false, code: 'network', cause: err });
  }
}

export function postJson(
  url: string | URL,
  payload: unknown,
  opts: Omit<HttpRequest, 'url' | 'body' | 'method'>,
): Promise<HttpResponse> {
  const headers = { 'content-type': 'application/json', ...opts.headers };
  return request({ ...opts, url, method: 'POST', headers, body: JSON.stringify(payload) });
}

export type MultipartPart =
  | { name: string; value: string }
  | { name: string; filename: string; contentType: string; data: Uint8Array };

/**
 * multipart/form-data built here rather than by fetch's FormData, which rewrites every `\n` in
 * a text field as `\r\n` (as browsers do) and so would change a Telegram caption.
 */
export function encodeMultipart(parts: MultipartPart[]): { body: Buffer; contentType: string } {
  const boundary = `----pantau${randomBytes(12).toString('hex')}`;
  const quote = (s: string): string => s.replace(/["\r\n]/g, (c) => encodeURIComponent(c));
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(part.name)}"`;
    if ('data' in part) head += `; filename="${quote(part.filename)}"\r\nContent-Type: ${part.contentType}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`), 'data' in part ? Buffer.from(part.data) : Buffer.from(part.value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function postMultipart(
  url: string | URL,
  parts: MultipartPart[],
  opts: Omit<HttpRequest, 'url' | 'body' | 'method'>,
): Promise<HttpResponse> {
  const { body, contentType } = encodeMultipart(parts);
  return request({ ...opts, url, method: 'POST', headers: { ...opts.headers, 'content-type': contentType }, body });
}

async function readCapped(res: Response, max: number): Promise<{ body: string; truncated: boolean }> {
  if (!res.body) return { body: '', truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      chunks.push(value.subarray(0, max - size));
      await reader.cancel().catch(() => undefined);
      return { body: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/** undici hides the socket error in `cause`; that is the part worth reading. */
function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date. Undefined when the
 * header is absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A short, single-line excerpt of a reply body for error messages. */
export function excerpt(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/**
 * The usual reading of an HTTP status: null for 2xx; temporary for 408, 425, 429 and 5xx
 * (honouring Retry-After); permanent for other 4xx and for redirects. Channels with their own
 * error vocabulary (Telegram, push services) refine this before falling back on it.
 */
export function classifyStatus(res: HttpResponse, what: string): NotifyError | null {
  const { status } = res;
  if (status >= 200 && status < 300) return null;
  const detail = excerpt(res.body);
  const message = `${what} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  const retryAfter = retryAfterMs(res.headers);
  const withRetry = retryAfter === undefined ? {} : { retryAfterMs: retryAfter };
  if (status === 429) return new NotifyError(message, { permanent: false, code: 'rate_limited', ...withRetry });
  if (status === 408 || status === 425 || status >= 500) {
    return new NotifyError(message, { permanent: false, code: 'server_error', ...withRetry });
  }
  if (status >= 300 && status < 400) {
    const location = res.headers.get('location');
    return new NotifyError(`${what} redirected (HTTP ${status}${location ? ` to ${location}` : ''}); update the address`, {
      permanent: true,
      code: 'bad_address',
    });
  }
  if (status === 410) return new NotifyError(message, { permanent: true, code: 'gone' });
  if (status === 404) return new NotifyError(message, { permanent: true, code: 'bad_address' });
  return new NotifyError(message, { permanent: true, code: 'rejected' });
}
