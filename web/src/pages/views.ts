/**
 * Who watched: a camera's viewings on its page (for its owners and admins), and the whole
 * record for admins, filtered by user, camera and dates, with a CSV export. Each row: who, what
 * (a snapshot, frames, live video), when and for how long, how much data, and from where.
 * Built from text nodes only; names come from the server as data.
 */
import { get } from '../api';
import { button, h, select } from '../dom';
import { duration, formatWhen, t, type Key } from '../i18n';
import type { Ctx, Page } from '../page';
import type { Camera, User } from '../types';

export interface Viewing {
  id: number;
  userId: string;
  username: string | null;
  cameraId: string;
  cameraName: string | null;
  kind: 'snapshot' | 'frames' | 'live';
  start: string;
  end: string | null;
  address: string | null;
  client: string | null;
  bytes: number;
}
interface ViewingPage {
  items: Viewing[];
  total: number;
  next: number | null;
}

const KIND: Record<Viewing['kind'], Key> = { snapshot: 'viewSnapshot', frames: 'viewFrames', live: 'viewLive' };
const PAGE = 20;

/** "1,2 MB": data used, as a phone bill counts it. */
export function dataWord(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const kb = bytes / 1024;
  const text = kb < 1024 ? `${kb.toFixed(0)} KB` : `${(kb / 1024).toFixed(1)} MB`;
  return document.documentElement.lang === 'id' ? text.replace('.', ',') : text;
}

function row(v: Viewing, showCamera: boolean): HTMLElement {
  const who = v.username ?? t('deletedUser');
  const what = t(KIND[v.kind]);
  const how = v.end === null ? t('viewOngoing') : v.kind === 'snapshot' ? '' : duration(Date.parse(v.end) - Date.parse(v.start));
  return h(
    'li',
    { class: 'viewing' },
    h('strong', {}, who),
    h('span', {}, ` · ${what}${showCamera ? ` · ${v.cameraName ?? v.cameraId}` : ''}`),
    h('br'),
    h('span', { class: 'muted' }, [formatWhen(v.start), how, dataWord(v.bytes)].filter(Boolean).join(' · ')),
    v.address || v.client ? h('small', { class: 'muted viewing-client' }, [v.address, v.client].filter(Boolean).join(' · ')) : '',
  );
}

/** A list that loads `path` page by page (a "more" button), newest first. */
function pagedList(path: () => string, showCamera: boolean): { node: HTMLElement; load(): Promise<void> } {
  const list = h('ul', { class: 'viewings' });
  const more = button(t('moreViewings'), () => void next(), 'more');
  const count = h('p', { class: 'muted' });
  const node = h('div', {}, count, list, more);
  // Removed rather than hidden: button styles would override the hidden attribute.
  const showMore = (show: boolean) => (show ? node.append(more) : more.remove());
  let offset: number | null = 0;
  const next = async () => {
    if (offset === null) return;
    const sep = path().includes('?') ? '&' : '?';
    const r = await get<ViewingPage>(`${path()}${sep}limit=${PAGE}&offset=${offset}`).catch(() => null);
    if (!r || r.status !== 200) {
      list.append(h('li', { class: 'error' }, t('errorGeneric')));
      showMore(false);
      return;
    }
    if (offset === 0) list.replaceChildren();
    list.append(...r.body.items.map((v) => row(v, showCamera)));
    if (r.body.total === 0) list.append(h('li', { class: 'muted' }, t('noViewings')));
    count.textContent = `${t('viewingsTotal')}: ${r.body.total}`;
    offset = r.body.next;
    showMore(offset !== null);
  };
  return {
    node,
    load: () => {
      offset = 0;
      return next();
    },
  };
}

/** The camera page's "who watched" section: only for admins and the camera's owners (the server refuses others). */
export function cameraViewsSection(camera: Camera, user: User): HTMLElement | '' {
  if (user.role !== 'admin' && !camera.owners.includes(user.id)) return '';
  const paged = pagedList(() => `/api/cameras/${encodeURIComponent(camera.id)}/views`, false);
  const section = h('section', { class: 'camera-views' }, h('h2', {}, t('whoWatched')), h('p', { class: 'muted' }, t('whoWatchedHint')), paged.node);
  void paged.load();
  return section;
}

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
