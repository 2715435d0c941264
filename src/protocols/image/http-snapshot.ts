/**
 * Fetches one picture from a camera's HTTP(S) snapshot URL: Basic or Digest on challenge, a
 * deadline over the whole exchange (a dripping body cannot outlast it) and a cap on the bytes
 * read (a camera streaming for ever is cut off at the cap, not buffered). The content type is
 * reported, never trusted: decode.ts sniffs the bytes. Must not log, follow redirects or put
 * credentials in a message.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { authorizationFor, type Credentials } from '../http-auth.js';
import { socketFailure } from '../rtsp/errors.js';

export interface SnapshotOptions {
  /** Overrides credentials embedded in the URL. */
  username?: string | undefined;
  password?: string | undefined;
  /** Budget for the whole exchange, both requests and the body included, ms. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** Largest body accepted. @defaultValue 8 MiB */
  maxBytes?: number | undefined;
  /** @defaultValue 'Pantau' */
  userAgent?: string | undefined;
  /** Verify https certificates; cameras' are self-signed, so off by default. @defaultValue false */
  tlsVerify?: boolean | undefined;
  /** Resolves the host when connecting (the caller's address policy). @defaultValue dns.lookup */
  lookup?: LookupFunction | undefined;
}

export interface Snapshot {
  body: Buffer;
  statusCode: number;
  contentType?: string | undefined;
}

export type SnapshotErrorCode =
  | 'bad_url'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'aborted'
  | 'auth_failed'
  | 'http_error'
  | 'too_large'
  | 'bad_response';

export class SnapshotError extends Error {
  constructor(
    readonly code: SnapshotErrorCode,
    message: string,
    /** Whether the camera answered at all (response headers arrived). */
    readonly reached: boolean,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

export const DEFAULT_SNAPSHOT_MAX_BYTES = 8 * 1024 * 1024;

export async function fetchSnapshot(url: string, opts: SnapshotOptions): Promise<Snapshot> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SnapshotError('bad_url', 'snapshot URL is not a URL', false);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new SnapshotError('bad_url', `snapshot URL must be http or https, not ${target.protocol}`, false);
  }
  const username = opts.username ?? (target.username ? safeDecode(target.username) : undefined);
  const password = opts.password ?? (target.password ? safeDecode(target.password) : '');
  target.username = '';
  target.password = '';
  const creds: Credentials | undefined = username !== undefined ? { username, password } : undefined;
  const deadline = Date.now() + opts.timeoutMs;

  const first = await get(target, undefined, deadline, opts);
  if (first.statusCode !== 401) return accept(first);
  if (!creds) throw new SnapshotError('auth_failed', 'snapshot requires credentials and none are configured', true, 401);
  const uri = `${target.pathname}${target.search}`;
  const authorization = authorizationFor(first.challenge, creds, { method: 'GET', uri });
  if (!authorization) throw new SnapshotError('auth_failed', 'camera offers no authentication scheme Pantau can answer', true, 401);
  const second = await get(target, authorization, deadline, opts);
  if (second.statusCode === 401) throw new SnapshotError('auth_failed', 'camera rejected the snapshot credentials', true, 401);
  return accept(second);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function accept(res: Snapshot & { challenge?: string[] | undefined }): Snapshot {
  if (res.statusCode < 200 || res.statusCode > 299) {
    throw new SnapshotError('http_error', `snapshot answered HTTP ${res.statusCode}`, true, res.statusCode);
  }
  return { body: res.body, statusCode: res.statusCode, contentType: res.contentType };
}

/** One GET. A 401's body is skipped (not read) and its challenge returned. */
function get(
  url: URL,
  authorization: string | undefined,
  deadline: number,
  opts: SnapshotOptions,
): Promise<Snapshot & { challenge?: string[] | undefined }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let reached = false;
    let settled = false;
    const headers: Record<string, string> = { 'User-Agent': opts.userAgent ?? 'Pantau', Accept: 'image/jpeg, image/*', Connection: 'close' };
    if (authorization) headers.Authorization = authorization;
    const req = client.request(url, {
      method: 'GET',
      headers,
      agent: false,
      ...(opts.lookup ? { lookup: opts.lookup } : {}),
      ...(url.protocol === 'https:' ? { rejectUnauthorized: opts.tlsVerify === true } : {}),
    });
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      fn();
    };
    const fail = (e: SnapshotError): void => finish(() => reject(e));
    const onAbort = (): void => fail(new SnapshotError('aborted', 'cancelled', reached));
    const budget = Math.max(0, deadline - Date.now());
    const timer = setTimeout(() => {
      const what = reached ? 'snapshot body did not arrive' : 'no answer from the snapshot URL';
      fail(new SnapshotError('timeout', `${what} within the ${budget} ms left`, reached));
    }, budget);
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (err: NodeJS.ErrnoException) => fail(requestError(err, reached)));
    req.on('response', (res) => {
      reached = true;
      res.on('error', () => undefined); // surfaced through req or the deadline
      const statusCode = res.statusCode ?? 0;
      const contentType = res.headers['content-type'];
      if (statusCode === 401) {
        const challenge = res.headers['www-authenticate'];
        const list = challenge === undefined ? [] : Array.isArray(challenge) ? challenge : [challenge];
        finish(() => resolve({ body: Buffer.alloc(0), statusCode, contentType, challenge: list }));
        return;
      }
      if (statusCode < 200 || statusCode > 299) {
        finish(() => resolve({ body: Buffer.alloc(0), statusCode, contentType }));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        fail(new SnapshotError('too_large', `snapshot declares ${declared} bytes, more than the ${maxBytes} allowed`, true, statusCode));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) fail(new SnapshotError('too_large', `snapshot larger than ${maxBytes} bytes`, true, statusCode));
        else chunks.push(chunk);
      });
      res.on('end', () => finish(() => resolve({ body: Buffer.concat(chunks), statusCode, contentType })));
      res.on('close', () => {
        if (!res.complete) fail(new SnapshotError('bad_response', 'camera closed the connection mid-picture', true, statusCode));
      });
    });
    req.end();
  });
}

function requestError(err: NodeJS.ErrnoException, reached: boolean): SnapshotError {
  const code = err.code ?? '';
  if (code.startsWith('HPE_')) return new SnapshotError('bad_response', `camera sent a malformed HTTP reply (${code})`, true);
  switch (socketFailure(err)) {
    case 'refused':
      return new SnapshotError('refused', 'connection to the snapshot URL refused', false);
    case 'unreachable':
      return new SnapshotError('unreachable', `snapshot host unreachable (${code})`, false);
    case 'timeout':
      return new SnapshotError('timeout', 'connection to the snapshot URL timed out', reached);
    case 'dropped':
      return new SnapshotError('bad_response', 'camera dropped the connection', reached);
    default:
      // TLS failures and the like: something answered, but not as a snapshot endpoint should.
      return new SnapshotError('bad_response', `snapshot request failed: ${err.message.split('\n')[0] ?? code}`, true);
  }
}
