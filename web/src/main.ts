/** The dashboard shell: sign in, then the cameras you may see. */
import './style.css';
import { lang, setLang, t } from './i18n';

interface Camera {
  id: string;
  name: string;
  site: string;
  agency: string;
  enabled: boolean;
}

const app = document.getElementById('app')!;

async function api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T | null }> {
  const res = await fetch(path, { credentials: 'same-origin', headers: { 'content-type': 'application/json' }, ...init });
  const body = res.status === 204 ? null : ((await res.json()) as T);
  return { status: res.status, body };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function header(signedIn: boolean): HTMLElement {
  const toggle = el('button', { type: 'button', className: 'link', textContent: t('language') });
  toggle.onclick = () => {
    setLang(lang() === 'id' ? 'en' : 'id');
    void render();
  };
  const bar = el('header', {}, el('h1', { textContent: 'Pantau' }), toggle);
  if (signedIn) {
    const out = el('button', { type: 'button', className: 'link', textContent: t('signOut') });
    out.onclick = async () => {
      await api('/api/auth/logout', { method: 'POST' });
      void render();
    };
    bar.append(out);
  }
  return bar;
}

function loginView(): HTMLElement {
  const error = el('p', { className: 'error', role: 'alert' });
  const username = el('input', { name: 'username', autocomplete: 'username', required: true });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el(
    'form',
    { className: 'login' },
    el('label', {}, t('username'), username),
    el('label', {}, t('password'), password),
    el('button', { type: 'submit', textContent: t('signIn') }),
    error,
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    const res = await api('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: username.value, password: password.value }) });
    if (res.status === 200) return void render();
    error.textContent = res.status === 429 ? t('tooMany') : t('wrongLogin');
  };
  return form;
}

function cameraList(cameras: Camera[]): HTMLElement {
  if (cameras.length === 0) return el('p', { textContent: t('noCameras') });
  return el(
    'ul',
    { className: 'cameras' },
    ...cameras.map((c) =>
      el(
        'li',
        { className: 'camera' },
        el('strong', { textContent: c.name }),
        el('span', { textContent: `${t('site')}: ${c.site} · ${t('agency')}: ${c.agency}${c.enabled ? '' : ` · ${t('paused')}`}` }),
      ),
    ),
  );
}

async function render(): Promise<void> {
  document.documentElement.lang = lang();
  try {
    const me = await api<{ username: string }>('/api/me');
    if (me.status !== 200) {
      app.replaceChildren(header(false), loginView());
      return;
    }
    const cams = await api<Camera[]>('/api/cameras');
    app.replaceChildren(header(true), el('h2', { textContent: t('cameras') }), cameraList(cams.body ?? []));
  } catch {
    app.replaceChildren(header(false), el('p', { className: 'error', textContent: t('offline') }));
  }
}

void render();
