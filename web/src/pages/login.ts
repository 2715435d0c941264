/** Sign in with username and password; the server sets the session cookie. */
import { send } from '../api';
import { field, h } from '../dom';
import { t } from '../i18n';

export function loginPage(done: () => void): { node: HTMLElement } {
  const error = h('p', { class: 'error', attrs: { role: 'alert' } });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: false });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', textContent: t('signIn'), class: 'primary' });
  const form = h('form', { class: 'login card' }, h('h1', {}, t('signIn')), field(t('username'), username), field(t('password'), password), submit, error);
  form.onsubmit = async (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const res = await send('POST', '/api/auth/login', { username: username.value, password: password.value });
      if (res.status === 200) return done();
      error.textContent = res.status === 429 ? t('tooMany') : t('wrongLogin');
    } catch {
      error.textContent = t('offlineNoData');
    } finally {
      submit.disabled = false;
    }
  };
  return { node: h('main', { id: 'page' }, form) };
}
