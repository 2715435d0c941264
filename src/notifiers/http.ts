/**
 * The one outbound HTTP seam of the notifiers. Every HTTP channel sends through `request`, so
 * timeouts, the response size cap, redirect policy and the mapping of failures onto
 * `NotifyError` live in one place, and so does the outbound-address policy for addresses that
 * non-admins set (webhooks, Web Push endpoints): it is checked as the socket connects, on the
 * resolved address. Error messages name only the origin: bot tokens and secret query strings
 * sit in paths and must not reach logs.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { OutboundRefusedError, type OutboundPolicy } from '../security/outbound-policy.js';
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
  /**
   * Where the request may connect, checked on the address the host name resolves to when the
   * socket connects (so DNS rebinding cannot get around it). Absent: anywhere, for addresses
   * an admin configured (SMTP, Telegram, the WhatsApp gateway).
   */
  policy?: OutboundPolicy;
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
  const refused = (why: string, cause?: unknown): NotifyError =>
    new NotifyError(`${label} refused: ${why}`, { permanent: true, code: 'refused_address', cause });
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refused(`${url.protocol} is not http or https`);
  // Node connects to IP literals without calling `lookup`: they are judged here.
  const problem = req.policy?.checkHost(url.hostname);
  if (problem) throw refused(problem);
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = AbortSignal.any([req.signal, timeout]);
  const headers = new Headers(req.headers);
  if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
  try {
    const res = await send(url, method, headers, req.body, signal, req.policy);
    const { body, truncated } = await readCapped(res, req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    return { status: res.statusCode ?? 0, headers: headersOf(res), body, truncated };
  } catch (err) {
    if (err instanceof OutboundRefusedError) throw refused(err.message, err);
    if (timeout.aborted) {
      throw new NotifyError(`${label} timed out after ${req.timeoutMs} ms`, { permanent: false, code: 'timeout', cause: err });
    }
    if (req.signal.aborted) {
      throw new NotifyError(`${label} was cancelled`, { permanent: false, code: 'cancelled', cause: err });
    }
    throw new NotifyError(`${label} failed: ${describeNetworkError(err)}`, { permanent: false, code: 'network', cause: err });
  }
}

/**
 * node:http rather than fetch: only it takes a `lookup` per connection without another
 * package. A fresh agent per request, so no pooled socket skips the policy's lookup.
 * Redirects are never followed.
 */
function send(url: URL, method: string, headers: Headers, body: string | Uint8Array | undefined, signal: AbortSignal, policy: OutboundPolicy | undefined): Promise<http.IncomingMessage> {
  const out: Record<string, string> = Object.fromEntries(headers.entries());
  if (body !== undefined) out['content-length'] = String(Buffer.byteLength(body));
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method, headers: out, signal, agent: false, ...(policy && !policy.isOpen ? { lookup: policy.lookup } : {}) }, resolve);
    req.on('error', reject);
    req.end(body);
  });
}

function headersOf(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  return headers;
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

async function readCapped(res: http.IncomingMessage, max: number): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size + chunk.byteLength > max) {
      chunks.push(chunk.subarray(0, max - size));
      res.destroy();
      return { body: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

/** The socket error, with its code (fetch-style errors keep it in `cause`). */
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
export function classifyStatus(res: HttpResponse, what: string, opts: { quoteBody?: boolean } = {}): NotifyError | null {
  const { status } = res;
  if (status >= 200 && status < 300) return null;
  // Addresses non-admins set get no excerpt: the far side's words would reach them through the
  // contact's `broken` text.
  const detail = opts.quoteBody === false ? '' : excerpt(res.body);
  const message = `${what} answered HTTP ${status}${detail ? `: ${detail}` : ''}`;
  const retryAfter = retryAfterMs(res.headers);
  const withRetry = { httpStatus: status, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
  if (status === 429) return new NotifyError(message, { permanent: false, code: 'rate_limited', ...withRetry });
  if (status === 408 || status === 425 || status >= 500) {
    return new NotifyError(message, { permanent: false, code: 'server_error', ...withRetry });
  }
  if (status >= 300 && status < 400) {
    const location = res.headers.get('location');
    const where = location && opts.quoteBody !== false ? ` to ${location}` : '';
    return new NotifyError(`${what} redirected (HTTP ${status}${where}); update the address`, {
      permanent: true,
      code: 'bad_address',
      httpStatus: status,
    });
  }
  if (status === 410) return new NotifyError(message, { permanent: true, code: 'gone', httpStatus: status });
  if (status === 404) return new NotifyError(message, { permanent: true, code: 'bad_address', httpStatus: status });
  return new NotifyError(message, { permanent: true, code: 'rejected', httpStatus: status });
}
