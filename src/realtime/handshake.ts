/**
 * Who is connecting: the same session cookie as the REST API, and, when the browser names an
 * origin, our own origin only (a page on another site must not open a socket with our
 * cookie). Socket.io clients cannot use API tokens here: the dashboard is the only client.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthService, Principal } from '../services/auth.js';
import { SESSION_COOKIE } from '../http/authenticate.js';

export function sessionIdOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      const value = decodeURIComponent(raw);
      return value || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // non-browser clients send none; browsers always do for WebSocket and CORS
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export type HandshakeResult = { ok: true; sessionId: string; principal: Principal } | { ok: false; reason: 'unauthorized' | 'cross_origin' };

export function authenticateHandshake(req: IncomingMessage, auth: AuthService): HandshakeResult {
  if (!sameOrigin(req)) return { ok: false, reason: 'cross_origin' };
  const sessionId = sessionIdOf(req);
  const principal = sessionId ? auth.fromSession(sessionId) : undefined;
  if (!sessionId || !principal) return { ok: false, reason: 'unauthorized' };
  return { ok: true, sessionId, principal };
}

/**
 * The viewer's address as the HTTP side sees it (express's `trust proxy` set to a number of
 * hops): behind `hops` proxies, the address the nearest trusted proxy saw in X-Forwarded-For;
 * with none, the socket's own peer.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, hops: number): string | null {
  const chain = [peer ?? '', ...(Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').map((s) => s.trim()).filter(Boolean).reverse()];
  // chain[0] is our peer, chain[1] what it was told, …: trusting n hops goes n steps in.
  const at = Math.min(hops, chain.length - 1);
  const address = chain[at] || null;
  return address?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1') ?? null;
}
