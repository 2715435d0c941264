/** Sign in and out, the caller's own account, and API tokens. */
import { verify } from '@node-rs/argon2';
import { z } from '../../schemas/zod.js';
import type { Api } from '../api.js';
import type { AuthService } from '../../services/auth.js';
import { hashPassword } from '../../services/auth.js';
import type { Store } from '../../store/index.js';
import { HttpError, forbidden, notFound } from '../../errors.js';
import { IdParams } from '../../schemas/common.js';
import { LoginInput, MePatch, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenInput, TokenOut, UserOut } from '../../schemas/user.js';
import { SESSION_COOKIE, readSessionCookie, sessionCookieOptions } from '../authenticate.js';
import { toPublicUser } from './users.js';
import type { ApiToken } from '../../store/sessions.js';

export function authRoutes(api: Api, deps: { auth: AuthService; store: Store; cookieSecure: 'auto' | 'always' | 'never' }) {
  const { auth, store } = deps;

  api.route({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in; sets an httpOnly session cookie',
    tag: 'auth',
    access: 'public',
    body: LoginInput,
    responses: {
      200: { description: 'Signed in', schema: z.object({ user: UserOut, expiresAt: z.string() }) },
      401: { description: 'Wrong username or password' },
      429: { description: 'Too many failed sign-ins from this address (for the account, or for all); see Retry-After' },
    },
    handler: async ({ req, res, body }) => {
      const session = await auth.login(body.username, body.password, { ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') });
      res.cookie(SESSION_COOKIE, session.sessionId, sessionCookieOptions(req, deps.cookieSecure, session.expiresAt - Date.now()));
      return { user: toPublicUser(session.user), expiresAt: new Date(session.expiresAt).toISOString() };
    },
  });

  api.route({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out: ends the session on the server',
    tag: 'auth',
    access: 'public',
    responses: { 204: { description: 'Signed out' } },
    handler: ({ req, res }) => {
      const sessionId = readSessionCookie(req);
      if (sessionId) auth.logout(sessionId);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return undefined;
    },
  });

  api.route({
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in user',
    tag: 'auth',
    access: 'signed-in',
    responses: { 200: { description: 'The user', schema: UserOut } },
    handler: ({ principal }) => toPublicUser(principal!.user),
  });

  api.route({
    method: 'patch',
    path: '/api/me',
    summary: 'Change your own name, language, time zone or password; a new password ends your other sessions and revokes your API tokens',
    tag: 'auth',
    access: 'signed-in',
    body: MePatch,
    responses: { 200: { description: 'The user', schema: UserOut } },
    handler: async ({ req, principal, body }) => {
      const me = principal!.user;
      let passwordHash: string | undefined;
      if (body.password !== undefined) {
        const stored = store.users.findByUsername(me.username)?.passwordHash;
        if (!stored || !(await verify(stored, body.currentPassword ?? ''))) {
          throw new HttpError(400, 'validation_failed', 'The current password is wrong', [{ path: 'currentPassword', message: 'wrong password' }]);
        }
        passwordHash = await hashPassword(body.password);
      }
      const { currentPassword: _c, password: _p, ...rest } = body;
      const updated = store.users.update(me.id, { ...rest, ...(passwordHash ? { passwordHash } : {}) }, Date.now())!;
      // Whoever else held the old password (a stolen session, a script's token) is out now.
      if (passwordHash) auth.revokeAll(me.id, principal!.via === 'session' ? readSessionCookie(req) : undefined);
      return toPublicUser(updated);
    },
  });

  api.route({
    method: 'get',
    path: '/api/tokens',
    summary: 'Your API tokens (never their values)',
    tag: 'auth',
    access: 'signed-in',
    responses: { 200: { description: 'Tokens', schema: z.array(TokenOut) } },
    handler: ({ principal }) => store.sessions.listTokens(principal!.user.id).map(toPublicToken),
  });

  api.route({
    method: 'post',
    path: '/api/tokens',
    summary: `Create an API token for scripts (signed in with a session, not with a token); it works ${TOKEN_DEFAULT_DAYS} days unless asked otherwise, at most ${TOKEN_MAX_DAYS}, and its value is shown only in this answer`,
    tag: 'auth',
    access: 'signed-in',
    body: TokenInput,
    status: 201,
    responses: {
      201: { description: 'The token, with its value', schema: TokenOut.extend({ token: z.string() }) },
      400: { description: 'The expiry is in the past or too far ahead' },
      403: { description: 'Called with an API token: a token cannot make tokens, so none outlives its own expiry' },
    },
    handler: ({ principal, body }) => {
      if (principal!.via !== 'session') throw forbidden('an API token cannot create tokens; sign in to create one');
      const issued = auth.issueToken(principal!.user.id, body.name, body);
      return { ...toPublicToken(issued), token: issued.token };
    },
  });

  api.route({
    method: 'delete',
    path: '/api/tokens/:id',
    summary: 'Revoke one of your API tokens (admins: anyone’s)',
    tag: 'auth',
    access: 'signed-in',
    params: IdParams,
    responses: { 204: { description: 'Revoked' } },
    handler: ({ principal, params }) => {
      const scope = principal!.user.role === 'admin' ? null : principal!.user.id;
      if (!store.sessions.deleteToken(params.id, scope)) throw notFound('token');
      return undefined;
    },
  });
}

function toPublicToken(t: ApiToken) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return { id: t.id, name: t.name, createdAt: iso(t.createdAt), expiresAt: iso(t.expiresAt), lastUsedAt: t.lastUsedAt === null ? null : iso(t.lastUsedAt) };
}
