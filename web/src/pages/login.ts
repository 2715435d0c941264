/**
 * Sign in with username and password; the server sets the session cookie. After too many
 * failures the server says how long to wait (Retry-After): the page counts it down.
 */
import { send } from '../api';
import { field, h } from '../dom';
import { t } from '../i18n';

export function loginPage(done: () => void): { node: HTMLElement } {
  const error = h('p', { class: 'error', attrs: { role: 'alert' } });
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: false });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', textContent: t('signIn'), class: 'primary' });
  const form = h('form', { class: 'login card' }, h('h1', {}, t('signIn')), field(t('username'), username), field(t('password'), password), submit, error);
  let waitUntil = 0;
  let countdown: ReturnType<typeof setInterval> | undefined;

  /** Says how long is left, and lets the form be sent again when the wait is over. */
  const showWait = () => {
    const left = Math.ceil((waitUntil - Date.now()) / 1000);
    if (left > 0 && form.isConnected) return void (error.textContent = t('tooManyWait').replace('{s}', String(left)));
    clearInterval(countdown);
    submit.disabled = false;
    if (left <= 0) error.textContent = '';
  };

  form.onsubmit = async (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const res = await send('POST', '/api/auth/login', { username: username.value, password: password.value });
      if (res.status === 200) return done();
      if (res.status === 429 && res.retryAfterSec) {
        waitUntil = Date.now() + res.retryAfterSec * 1000;
        clearInterval(countdown);
        countdown = setInterval(showWait, 1000);
        return showWait();
      }
      error.textContent = res.status === 429 ? t('tooMany') : t('wrongLogin');
    } catch {
      error.textContent = t('offlineNoData');
    }
    submit.disabled = false;
  };
  return { node: h('main', { id: 'page' }, form) };
}
