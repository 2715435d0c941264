/** Your account: language, time zone, alert contacts, notifications on this phone, sign out. */
import { forgetSaved, problem, send } from '../api';
import { button, field, h, select } from '../dom';
import { lang, roleWord, setLang, setTimeZone, t, type Lang } from '../i18n';
import type { Ctx, Page } from '../page';
import { contactsSection } from '../contacts';
import { enablePush, pushState, type PushState } from '../push';
import type { User } from '../types';

const ZONES: [string, string][] = [
  ['Asia/Jakarta', 'WIB — Asia/Jakarta'],
  ['Asia/Pontianak', 'WIB — Asia/Pontianak'],
  ['Asia/Makassar', 'WITA — Asia/Makassar'],
  ['Asia/Jayapura', 'WIT — Asia/Jayapura'],
  ['UTC', 'UTC'],
];

export async function accountPage(ctx: Ctx): Promise<Page> {
  const me = ctx.user;
  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  const language = select([['id', 'Bahasa Indonesia'], ['en', 'English']], lang());
  const zones = ZONES.some(([z]) => z === me.timeZone) ? ZONES : [...ZONES, [me.timeZone, me.timeZone] as [string, string]];
  const zone = select(zones, me.timeZone);
  const form = h('form', { class: 'stack card' }, field(t('language'), language), field(t('timeZone'), zone), h('button', { type: 'submit', class: 'primary' }, t('save')));
  form.onsubmit = async (e) => {
    e.preventDefault();
    const r = await send<User>('PATCH', '/api/me', { language: language.value, timeZone: zone.value }).catch(() => null);
    if (!r || r.status >= 300) return void (message.textContent = r ? problem(r) : t('offlineNoData'));
    Object.assign(me, r.body);
    setLang(language.value as Lang);
    setTimeZone(zone.value);
    ctx.rerender();
  };

  const pushBox = h('section', {}, h('h2', {}, t('pushTitle')));
  const showPush = (state: PushState) => {
    const words: Partial<Record<PushState, string>> = { unsupported: t('pushUnsupported'), denied: t('pushDenied'), on: t('pushOn') };
    pushBox.replaceChildren(h('h2', {}, t('pushTitle')));
    if (state === 'no-server') return void pushBox.remove();
    if (state === 'off') pushBox.append(button(t('pushEnable'), async () => showPush(await enablePush().catch(() => 'off' as const)), 'primary'));
    else pushBox.append(h('p', {}, words[state] ?? ''));
  };
  void pushState().then(showPush);

  const signOut = button(t('signOut'), async () => {
    await send('POST', '/api/auth/logout').catch(() => null);
    forgetSaved();
    location.hash = '#/';
    location.reload();
  }, 'danger');

  const node = h(
    'article',
    { class: 'account' },
    h('h1', {}, t('accountTitle')),
    h('p', { class: 'muted' }, `${me.displayName} (${me.username}) · ${roleWord(me.role)}`),
    form,
    message,
    pushBox,
  );
  const contacts = await contactsSection(me, { all: false });
  if (contacts) node.append(contacts);
  node.append(h('p', { class: 'sign-out' }, signOut));
  return { node };
}
