/**
 * The REST client. GET answers are kept on the phone (localStorage) with the time they came:
 * when the network drops, the last answer is shown with its age instead of an empty screen.
 * Writes never fall back to anything.
 */
import { fill, type Key } from './i18n';
import { ID } from './strings';
export interface Answer<T> {
  status: number;
  body: T;
  /** When the answer came from the server; older than now when it is a saved copy. */
  fetchedAt: number;
  fromCache: boolean;
  /** Seconds to wait before trying again, when a write was refused with Retry-After (429). */
  retryAfterSec?: number;
}

export class Offline extends Error {
  constructor() {
    super('offline');
  }
}

const CACHE_PREFIX = 'pantau.cache:';
/** Answers worth keeping for offline use; anything else is not saved. */
const CACHEABLE = /^\/api\/(me|uptime\?window=\w+|cameras(\/[^/]+(\/(status|uptime\?window=\w+|uptime\/daily\?days=\d+|outages))?)?|reports\/agencies\?window=\w+)$/;

let offlineListener: ((offline: boolean, since?: number) => void) | undefined;
export function onConnectivity(listener: (offline: boolean, since?: number) => void): void {
  offlineListener = listener;
}

export async function get<T>(path: string): Promise<Answer<T>> {
  try {
    const res = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    const body = (res.status === 204 ? null : await res.json().catch(() => null)) as T;
    const fetchedAt = Date.now();
    if (res.ok && CACHEABLE.test(path)) save(path, body, fetchedAt);
    offlineListener?.(false);
    return { status: res.status, body, fetchedAt, fromCache: false };
  } catch {
    const saved = load<T>(path);
    offlineListener?.(true, saved?.fetchedAt);
    if (!saved) throw new Offline();
    return { status: 200, body: saved.body, fetchedAt: saved.fetchedAt, fromCache: true };
  }
}

export async function send<T = unknown>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType = 'application/json'): Promise<Answer<T>> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': contentType };
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new Offline();
  }
  const parsed = (res.status === 204 ? null : await res.json().catch(() => null)) as T;
  const retryAfterSec = Number(res.headers.get('retry-after')) || undefined;
  return { status: res.status, body: parsed, fetchedAt: Date.now(), fromCache: false, ...(retryAfterSec ? { retryAfterSec } : {}) };
}

/**
 * A refusal in the user's language, from the answer's stable `error` code and its `params`
 * (never the server's English message): `err_<code>` words, else the ONVIF words, else a
 * generic line with the status.
 */
export function problem(answer: Answer<unknown>): string {
  const b = answer.body as { error?: string; params?: Record<string, string | number>; issues?: { path: string }[] } | null;
  const code = b?.error ?? '';
  const params: Record<string, string | number> = { status: answer.status, s: answer.retryAfterSec ?? '', field: b?.issues?.map((i) => i.path).join(', ') ?? '', ...b?.params };
  // A channel is named in the user's words too.
  if (typeof params.channel === 'string' && `ch_${params.channel}` in ID) params.channel = fill(`ch_${params.channel}` as Key, {});
  const key = `err_${code}` as Key;
  if (key in ID) return fill(key, params);
  return fill('err_http', params);
}

export function forgetSaved(): void {
  for (const key of Object.keys(localStorage)) if (key.startsWith(CACHE_PREFIX)) localStorage.removeItem(key);
}

function save(path: string, body: unknown, fetchedAt: number): void {
  try {
    localStorage.setItem(CACHE_PREFIX + path, JSON.stringify({ body, fetchedAt }));
  } catch {
    // Storage full: the newest camera list matters most, so make room by dropping the rest.
    forgetSaved();
  }
}

function load<T>(path: string): { body: T; fetchedAt: number } | undefined {
  try {
    const raw = localStorage.getItem(CACHE_PREFIX + path);
    return raw ? (JSON.parse(raw) as { body: T; fetchedAt: number }) : undefined;
  } catch {
    return undefined;
  }
}
