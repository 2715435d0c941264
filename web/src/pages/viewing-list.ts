/**
 * Lists of viewings, as the camera page shows them (who watched this camera, for its owners and
 * admins) and as the admins' record page (views.ts) pages through them. Each row: who, what
 * (a snapshot, frames, live video), when and for how long, how much data, and from where.
 * Built from text nodes only; names come from the server as data. Apart from views.ts so the
 * camera page, in the first bundle, does not carry the admin page with it.
 */
import { get } from '../api';
import { button, h } from '../dom';
import { duration, formatWhen, t, type Key } from '../i18n';
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
export function pagedList(path: () => string, showCamera: boolean): { node: HTMLElement; load(): Promise<void> } {
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

