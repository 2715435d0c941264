/**
 * Reads who is calling from the session cookie or an `Authorization: Bearer` token. Cookie
 * sessions on unsafe methods must come from our own origin: the SameSite cookie already stops
 * most cross-site requests, the Origin check stops the rest.
 */
import type { CookieOptions, Request, RequestHandler } from 'express';
import type { AuthService, Principal } from '../services/auth.js';
import { HttpError } from '../errors.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export const SESSION_COOKIE = 'pantau_session';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authenticate(auth: AuthService): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (header?.startsWith('Bearer ')) {
      const principal = auth.fromToken(header.slice(7).trim());
      if (!principal) throw new HttpError(401, 'invalid_token', 'The API token is invalid or expired');
      req.principal = principal;
      return next();
    }
    const sessionId = readSessionCookie(req);
    if (sessionId) {
      const principal = auth.fromSession(sessionId);
      if (principal) {
        if (!SAFE.has(req.method) && !sameOrigin(req)) {
          throw new HttpError(403, 'cross_origin', 'Cross-site requests with a session cookie are refused');
        }
        req.principal = principal;
      }
    }
    next();
  };
}

export function readSessionCookie(req: Request): string | undefined {
  const value = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function sessionCookieOptions(req: Request, secure: 'auto' | 'always' | 'never', maxAgeMs: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure === 'always' || (secure === 'auto' && req.secure),
    path: '/',
    maxAge: maxAgeMs,
  };
}

function sameOrigin(req: Request): boolean {
  const origin = req.get('origin');
  if (!origin) return true; // Same-origin fetches from old browsers and non-browser clients send none.
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}
