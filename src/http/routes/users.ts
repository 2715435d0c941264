/** User administration (admins only) and the grants that let users see cameras. */
import { z } from '../../schemas/zod.js';
import type { Api } from '../api.js';
import { hashPassword, type AuthService } from '../../services/auth.js';
import { readSessionCookie } from '../authenticate.js';
import type { Store } from '../../store/index.js';
import type { User } from '../../store/users.js';
import { HttpError, notFound } from '../../errors.js';
import { IdParams } from '../../schemas/common.js';
import { UserInput, UserOut, UserPatch } from '../../schemas/user.js';

export function toPublicUser(u: User): z.infer<typeof UserOut> {
  return { ...u, createdAt: new Date(u.createdAt).toISOString(), updatedAt: new Date(u.updatedAt).toISOString() };
}

export function userRoutes(api: Api, deps: { store: Store; auth: AuthService }) {
  const { store, auth } = deps;
  const admins = ['admin'] as const;

  api.route({
    method: 'get',
    path: '/api/users',
    summary: 'List users',
    tag: 'users',
    access: admins,
    responses: { 200: { description: 'Users', schema: z.array(UserOut) } },
    handler: () => store.users.list().map(toPublicUser),
  });

  api.route({
    method: 'post',
    path: '/api/users',
    summary: 'Create a user with a role and grants',
    tag: 'users',
    access: admins,
    body: UserInput,
    status: 201,
    responses: { 201: { description: 'Created', schema: UserOut }, 409: { description: 'Username taken' } },
    handler: async ({ body }) => {
      if (store.users.findByUsername(body.username)) throw new HttpError(409, 'conflict', `username "${body.username}" is taken`);
      const now = Date.now();
      const user = store.users.insert(
        { username: body.username, displayName: body.displayName ?? body.username, role: body.role, passwordHash: await hashPassword(body.password), language: body.language, timeZone: body.timeZone },
        now,
      );
      const extra = { ...(body.grants.length ? { grants: body.grants } : {}), ...(body.headOf.length ? { headOf: body.headOf } : {}) };
      return toPublicUser(Object.keys(extra).length ? store.users.update(user.id, extra, now)! : user);
    },
  });

  api.route({
    method: 'patch',
    path: '/api/users/:id',
    summary: 'Change a user: role, password, grants, disabled. A new password or disabling ends the user’s sessions and revokes its API tokens (re-enabling brings none back); open live connections follow at once',
    tag: 'users',
    access: admins,
    params: IdParams,
    body: UserPatch,
    responses: { 200: { description: 'Updated', schema: UserOut }, 404: { description: 'No such user' } },
    handler: async ({ req, params, body, principal }) => {
      const user = store.users.get(params.id);
      if (!user) throw notFound('user');
      const losesAdmin = user.role === 'admin' && !user.disabled && ((body.role && body.role !== 'admin') || body.disabled === true);
      if (losesAdmin && store.users.countAdmins() <= 1) throw new HttpError(409, 'last_admin', 'this is the last admin; make another admin first');
      const { password, ...rest } = body;
      const updated = store.users.update(params.id, { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) }, Date.now())!;
      // A reset password or a disabled account ends the sessions and tokens it had; an admin
      // resetting its own password keeps the session it did it from.
      if (password || body.disabled) {
        const self = principal!.user.id === params.id && principal!.via === 'session' && !body.disabled;
        auth.revokeAll(params.id, self ? readSessionCookie(req) : undefined);
      } else if (body.role || body.grants) auth.accessChanged(params.id);
      return toPublicUser(updated);
    },
  });

  api.route({
    method: 'delete',
    path: '/api/users/:id',
    summary: 'Delete a user',
    tag: 'users',
    access: admins,
    params: IdParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such user' } },
    handler: ({ params, principal }) => {
      const user = store.users.get(params.id);
      if (!user) throw notFound('user');
      if (user.id === principal!.user.id) throw new HttpError(409, 'self_delete', 'you cannot delete yourself');
      if (user.role === 'admin' && store.users.countAdmins() <= 1) throw new HttpError(409, 'last_admin', 'this is the last admin');
      store.users.delete(params.id);
      auth.accessChanged(params.id);
      return undefined;
    },
  });
}
