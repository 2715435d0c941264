/**
 * Who watched, for admins: the whole viewing record, filtered by user, camera and dates, with a
 * CSV export (the rows and paging are viewing-list.ts's, shared with the camera page).
 */
import { get } from '../api';
import { h, select } from '../dom';
import { t } from '../i18n';
import type { Ctx, Page } from '../page';
import type { Camera, User } from '../types';
import { pagedList } from './viewing-list';

/** The admins' page of every viewing, with filters and CSV. */
export async function viewsPage(ctx: Ctx): Promise<Page> {
  if (ctx.user.role !== 'admin') return { node: h('p', { class: 'error pad' }, t('forbidden')) };
  const [users, cameras] = await Promise.all([get<User[]>('/api/users'), get<Camera[]>('/api/cameras')]);
  const userSel = select([['', t('allUsers')], ...(users.body ?? []).map((u): [string, string] => [u.id, u.username])], '');
  const camSel = select([['', t('allCameras')], ...(cameras.body ?? []).map((c): [string, string] => [c.id, `${c.name} · ${c.site}`])], '');
  const from = h('input', { type: 'date' });
  const to = h('input', { type: 'date' });
  userSel.id = 'views-user';
  camSel.id = 'views-camera';
  from.id = 'views-from';
  to.id = 'views-to';
  // Dates are days in the user's calendar: from the start of `from` to the end of `to`.
  const dayStart = (d: string, plusDays = 0) => new Date(new Date(`${d}T00:00:00`).getTime() + plusDays * 86_400_000).toISOString();
  const query = () => {
    const p = new URLSearchParams();
    if (userSel.value) p.set('userId', userSel.value);
    if (camSel.value) p.set('cameraId', camSel.value);
    if (from.value) p.set('from', dayStart(from.value));
    if (to.value) p.set('to', dayStart(to.value, 1));
    return p.toString();
  };
  const paged = pagedList(() => `/api/views${query() ? `?${query()}` : ''}`, true);
  const csv = h('a', { class: 'button', href: '/api/views?format=csv', attrs: { download: 'pantau-views.csv' } }, t('exportCsv'));
  const apply = () => {
    const q = query();
    csv.setAttribute('href', `/api/views?${q ? `${q}&` : ''}format=csv`);
    void paged.load();
  };
  for (const el of [userSel, camSel, from, to]) el.addEventListener('change', apply);
  const label = (text: string, el: HTMLElement) => h('label', { class: 'field' }, h('span', {}, text), el);
  const node = h(
    'article',
    { class: 'views-page' },
    h('p', {}, h('a', { href: '#/registri', class: 'back' }, `← ${t('navAdmin')}`)),
    h('h1', {}, t('viewsTitle')),
    h('p', { class: 'muted' }, t('viewsHint')),
    h('div', { class: 'filters stack' }, label(t('viewsUser'), userSel), label(t('viewsCamera'), camSel), h('div', { class: 'row' }, label(t('viewsFrom'), from), label(t('viewsTo'), to)), csv),
    paged.node,
  );
  void paged.load();
  return { node };
}
