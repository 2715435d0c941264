/** Users and roles (admins only): the list, changing a role or disabling, and adding a user. */
import { get, problem, send } from '../api';
import { field, h, select } from '../dom';
import { t } from '../i18n';
import type { Role, User } from '../types';

const roles = (): [Role, string][] => [['admin', t('roleAdmin')], ['owner', t('roleOwner')], ['viewer', t('roleViewer')]];

export async function usersSection(): Promise<{ node: HTMLElement; users: User[] }> {
  const res = await get<User[]>('/api/users');
  const users = res.status === 200 ? res.body : [];
  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  const list = h('ul', { class: 'users' });
  const render = (all: User[]) =>
    list.replaceChildren(
      ...all.map((u) => {
        const role = select(roles(), u.role, async (v) => {
          const r = await send('PATCH', `/api/users/${encodeURIComponent(u.id)}`, { role: v }).catch(() => null);
          message.textContent = r && r.status < 300 ? t('saved') : r ? problem(r) : t('offlineNoData');
        });
        role.setAttribute('aria-label', `${t('role')}: ${u.username}`);
        const grants = u.grants.map((g) => `${g.scope}: ${g.value}`).join(', ');
        return h('li', { class: 'user' }, h('strong', {}, u.displayName), h('span', { class: 'muted' }, ` ${u.username}${u.disabled ? ` · ${t('disabled')}` : ''}`), grants ? h('small', {}, grants) : null, role);
      }),
    );
  render(users);

  const username = h('input', { required: true, autocomplete: 'off', autocapitalize: 'none' });
  const password = h('input', { type: 'password', required: true, minLength: 8, autocomplete: 'new-password' });
  const role = select(roles(), 'viewer');
  const agency = h('input', { autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'stack card' },
    h('h3', {}, t('addUser')),
    field(t('username'), username),
    field(t('password'), password),
    field(t('role'), role),
    field(t('agencyGrant'), agency),
    h('button', { type: 'submit', class: 'primary' }, t('add')),
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    const grants = agency.value.trim() ? [{ scope: 'agency', value: agency.value.trim() }] : [];
    const r = await send<User>('POST', '/api/users', { username: username.value.trim(), password: password.value, role: role.value, grants }).catch(() => null);
    if (!r || r.status >= 300) return void (message.textContent = r ? problem(r) : t('offlineNoData'));
    users.push(r.body);
    render(users);
    form.reset();
    message.textContent = t('saved');
  };
  return { node: h('section', {}, h('h2', {}, t('users')), list, message, form), users };
}
