/**
 * The dashboard shell: sign-in, a header with the language switch, the bottom navigation,
 * the offline banner, hash routes to pages, and one clock that ages every visible time.
 * Pages used daily (grid, camera) are in the first bundle; the rest load when opened.
 */
import './style.css';
import { forgetSaved, get, onConnectivity, Offline, send } from './api';
import { button, h, tickAges } from './dom';
import { adoptAccount, formatWhen, ago, lang, setLang, t } from './i18n';
import { live } from './live';
import { loginPage } from './pages/login';
import { gridPage } from './pages/grid';
import { cameraPage } from './pages/camera';
import type { Page, PageFn } from './page';
import type { User } from './types';

const ROUTES: [RegExp, PageFn, string][] = [
  [/^#?\/?$/, gridPage, 'grid'],
  [/^#\/kamera\/([^/]+)$/, cameraPage, 'grid'],
  // A grouped alert's link: the grid filtered to the site its cameras stand at.
  [/^#\/lokasi\/([^/]+)$/, gridPage, 'grid'],
  [/^#\/laporan$/, async (ctx) => (await import('./pages/report')).reportPage(ctx), 'report'],
  [/^#\/registri$/, async (ctx) => (await import('./pages/admin')).adminPage(ctx), 'admin'],
  [/^#\/tontonan$/, async (ctx) => (await import('./pages/views')).viewsPage(ctx), 'admin'],
  [/^#\/akun$/, async (ctx) => (await import('./pages/account')).accountPage(ctx), 'account'],
];

const app = document.getElementById('app')!;
const banner = h('p', { class: 'banner', hidden: true, attrs: { role: 'status' } });
let user: User | undefined;
let page: Page | undefined;
let offlineSince: number | undefined;

onConnectivity((offline, savedAt) => {
  offlineSince = offline ? (savedAt ?? offlineSince ?? Date.now()) : undefined;
  showBanner();
});
live.on((e) => {
  if (e.type === 'connection') {
    // The live link reached the server: whatever a failed request said, we are online again.
    if (e.connected) offlineSince = undefined;
    showBanner();
  }
  if (e.type === 'ended') void liveEnded();
});

/** The server ended the live connection: back to sign-in if the session is gone, else reconnect. */
async function liveEnded(): Promise<void> {
  const me = await get<User>('/api/me').catch(() => undefined);
  // Still signed in (the server restarted, or refused for another reason): retry, unhurried.
  if (me?.status !== 401) return void setTimeout(() => live.reconnect(), 3000);
  user = undefined;
  forgetSaved();
  await render();
}

function showBanner(): void {
  if (offlineSince !== undefined) {
    banner.textContent = `${t('offline')} ${formatWhen(offlineSince)} (${ago(offlineSince)})`;
    banner.hidden = false;
  } else if (user && !live.connected) {
    banner.textContent = t('reconnecting');
    banner.hidden = false;
  } else banner.hidden = true;
}

function header(): HTMLElement {
  const toggle = button(t('switchLanguage'), () => {
    setLang(lang() === 'id' ? 'en' : 'id');
    if (user) void send('PATCH', '/api/me', { language: lang() }).catch(() => undefined);
    void render();
  }, 'link');
  toggle.lang = lang() === 'id' ? 'en' : 'id';
  return h('header', { class: 'top' }, h('a', { href: '#/', class: 'brand', textContent: t('appName') }), toggle);
}

function nav(active: string): HTMLElement {
  const items: [string, string, string][] = [
    ['grid', '#/', t('navGrid')],
    ['report', '#/laporan', t('navReport')],
    ...(user?.role === 'admin' ? ([['admin', '#/registri', t('navAdmin')]] as [string, string, string][]) : []),
    ['account', '#/akun', t('navAccount')],
  ];
  return h(
    'nav',
    { class: 'bottom', attrs: { 'aria-label': 'Pantau' } },
    ...items.map(([key, href, label]) => h('a', { href, textContent: label, attrs: key === active ? { 'aria-current': 'page' } : {} })),
  );
}

async function render(): Promise<void> {
  page?.dispose?.();
  page = undefined;
  document.documentElement.lang = lang();
  if (!user) {
    try {
      const me = await get<User>('/api/me');
      if (me.status === 200) {
        user = me.body;
        adoptAccount(user);
        document.documentElement.lang = lang();
      }
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
    }
  }
  if (!user) {
    live.stop();
    app.replaceChildren(header(), banner, loginPage(() => void render()).node);
    showBanner();
    return;
  }
  live.start();
  const hash = location.hash || '#/';
  const route = ROUTES.find(([re]) => re.test(hash)) ?? ROUTES[0]!;
  const params = route[0].exec(hash)?.slice(1).map(decodeURIComponent) ?? [];
  const main = h('main', { id: 'page', attrs: { 'aria-busy': 'true' } }, h('p', { class: 'muted pad' }, t('loading')));
  app.replaceChildren(header(), banner, main, nav(route[2]));
  showBanner();
  try {
    const p = await route[1]({ user, params, rerender: () => void render() });
    page = p;
    main.replaceChildren(p.node);
    main.removeAttribute('aria-busy');
  } catch (err) {
    main.replaceChildren(h('p', { class: 'error pad' }, err instanceof Offline ? t('offlineNoData') : t('errorGeneric')));
  }
}

window.addEventListener('hashchange', () => void render());
setInterval(() => {
  tickAges();
  page?.tick?.();
  if (offlineSince !== undefined) showBanner();
}, 5000);

// Not under the Vite dev server (hot reload): a worker caching the shell would fight it.
if ('serviceWorker' in navigator && !import.meta.hot) {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
void render();
