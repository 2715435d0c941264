/**
 * Users (admins only): the list; for each user its role, what it may see (grants picked from
 * the registry's agencies, sites and cameras), a new password, disabling and deleting; and
 * adding a user. Refusals (the last admin, oneself, a taken name) are said in words.
 */
import { send } from '../api';
import { button, h, select } from '../dom';
import { t } from '../i18n';
import type { Camera, Role, User } from '../types';
import { FieldErrors, labelled, refusal, type Issue } from './admin-form-errors';
import { grantLabel, grantPicker } from './admin-grants';

const roles = (): [Role, string][] => [['admin', t('roleAdmin')], ['owner', t('roleOwner')], ['viewer', t('roleViewer')]];

export function usersSection(initial: User[], cameras: Camera[]): { node: HTMLElement; users: User[] } {
  const users = [...initial];
  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  /** Each user's row says what became of its last change, right where the admin tapped. */
  const notes = new Map<string, HTMLElement>();
  const formNote = h('p', { class: 'note', attrs: { role: 'status' } });
  const say = (text: string, ok: boolean, userId?: string) => {
    const where = (userId === 'new' ? formNote : userId && notes.get(userId)) || message;
    where.textContent = text;
    where.className = ok ? 'note ok' : 'note error';
  };
  const list = h('ul', { class: 'users' });
  const render = () => {
    notes.clear();
    list.replaceChildren(...users.map((u) => userRow(u)));
  };
  const replace = (next: User) => {
    users.splice(users.findIndex((u) => u.id === next.id), 1, next);
    render();
  };

  const userRow = (u: User): HTMLElement => {
    const editor = h('div', { class: 'user-editor', hidden: true });
    const edit = button(t('editAccess'), () => {
      editor.hidden = !editor.hidden;
      edit.setAttribute('aria-expanded', String(!editor.hidden));
      if (!editor.hidden && !editor.firstChild) editor.append(userEditor(u));
    });
    edit.setAttribute('aria-expanded', 'false');
    const grants = u.grants.map((g) => grantLabel(cameras, g)).join(' · ');
    const note = h('p', { class: 'note', attrs: { role: 'status' } });
    notes.set(u.id, note);
    return h(
      'li',
      { class: 'user', data: { username: u.username } },
      h('div', {}, h('strong', {}, u.displayName), h('span', { class: 'muted' }, ` ${u.username} · ${roles().find(([r]) => r === u.role)?.[1] ?? u.role}`), u.disabled ? h('span', { class: 'error' }, ` · ${t('disabled')}`) : null),
      h('small', { class: 'muted' }, grants || (u.role === 'viewer' ? t('noGrantsViewer') : '')),
      edit,
      note,
      editor,
    );
  };

  const userEditor = (u: User): HTMLElement => {
    const patch = async (body: Record<string, unknown>): Promise<boolean> => {
      const r = await send<User>('PATCH', `/api/users/${encodeURIComponent(u.id)}`, body).catch(() => null);
      if (!r || r.status >= 300) return say(`${u.username}: ${refusal(r)}`, false, u.id), false;
      replace(r.body);
      say(`${u.username}: ${t('saved')}`, true, u.id);
      return true;
    };
    const role = select(roles(), u.role);
    const picker = grantPicker(cameras, u.grants, `grants-${u.id}`);
    const saveAccess = button(t('saveAccess'), () => void patch({ role: role.value, grants: picker.grants() }), 'primary');
    const password = h('input', { type: 'password', minLength: 8, required: true, autocomplete: 'new-password' });
    const errors = new FieldErrors();
    const reset = button(t('resetPassword'), async () => {
      if (!errors.checkBrowser()) return;
      const r = await send('PATCH', `/api/users/${encodeURIComponent(u.id)}`, { password: password.value }).catch(() => null);
      if (r?.body && (r.body as { issues?: Issue[] }).issues) return errors.showServer((r.body as { issues: Issue[] }).issues);
      if (!r || r.status >= 300) return say(`${u.username}: ${refusal(r)}`, false, u.id);
      password.value = '';
      say(`${u.username}: ${t('passwordReset')}`, true, u.id);
    });
    const toggle = button(u.disabled ? t('enableUser') : t('disableUser'), () => void patch({ disabled: !u.disabled }), u.disabled ? '' : 'danger');
    const remove = button(t('deleteUser'), async () => {
      if (!confirm(`${t('confirmDeleteUser')}\n${u.username}`)) return;
      const r = await send('DELETE', `/api/users/${encodeURIComponent(u.id)}`).catch(() => null);
      if (!r || r.status >= 300) return say(`${u.username}: ${refusal(r)}`, false, u.id);
      users.splice(users.findIndex((x) => x.id === u.id), 1);
      render();
      say(`${u.username}: ${t('userDeleted')}`, true);
    }, 'danger');
    return h(
      'div',
      { class: 'stack' },
      labelled(t('role'), role),
      picker.node,
      saveAccess,
      h('div', { class: 'stack' }, errors.field('password', t('newPassword'), password, { hint: t('passwordHint') }), reset),
      h('div', { class: 'row' }, toggle, remove),
    );
  };
  render();

  const errors = new FieldErrors();
  const username = h('input', { required: true, minLength: 2, maxLength: 64, autocomplete: 'off', autocapitalize: 'none', pattern: '[A-Za-z0-9._\\-]+' });
  const password = h('input', { type: 'password', required: true, minLength: 8, autocomplete: 'new-password' });
  const role = select(roles(), 'viewer');
  const picker = grantPicker(cameras, [], 'grants-new');
  const form = h(
    'form',
    { class: 'stack card', noValidate: true },
    h('h3', {}, t('addUser')),
    h('p', { class: 'muted' }, t('requiredNote')),
    errors.field('username', t('username'), username, { hint: t('usernameHint'), explain: 'usernameHint' }),
    errors.field('password', t('password'), password, { hint: t('passwordHint') }),
    labelled(t('role'), role),
    picker.node,
    errors.summary,
    h('button', { type: 'submit', class: 'primary' }, t('add')),
    formNote,
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    if (!errors.checkBrowser()) return;
    const body = { username: username.value.trim(), password: password.value, role: role.value, grants: picker.grants() };
    const r = await send<User>('POST', '/api/users', body).catch(() => null);
    const issues = (r?.body as { issues?: Issue[] } | null)?.issues;
    if (issues?.length) return errors.showServer(issues);
    if (r?.status === 409) return errors.showProblems([['username', t('usernameTaken')]]);
    if (!r || r.status >= 300) return say(refusal(r), false, 'new');
    users.push(r.body);
    render();
    form.reset();
    picker.reset();
    say(`${r.body.username}: ${t('saved')}`, true, 'new');
  };
  return { node: h('section', { class: 'users-section' }, h('h2', {}, t('users')), message, list, form), users };
}
