/**
 * The camera grid: cameras dark now first, then every camera as a tile with its newest
 * thumbnail and its age, status in colour and words, since when, and 90-day uptime. Statuses
 * change in place from the live link; only tiles on screen get thumbnails. The uptime of every
 * camera comes in one answer, asked again at most every few minutes.
 */
import { get } from '../api';
import { field, h, select } from '../dom';
import { formatWhen, statusWord, t } from '../i18n';
import { live } from '../live';
import type { Ctx, Page } from '../page';
import { picture, type Picture } from '../picture';
import type { Camera, Mute, StatusEvent, StatusName } from '../types';
import { isDark, sinceLine, statusLine, uptimeBar } from '../widgets';

const THUMB_FPS = 0.1;
const FILTER_KEY = 'pantau.filters';
const STATUSES: StatusName[] = ['down', 'degraded', 'up', 'unknown', 'paused'];

interface Filters {
  site: string;
  agency: string;
  status: string;
}

/** 90-day uptime per camera, kept across visits to the grid: it moves slowly. */
const uptimes = new Map<string, number | null>();
const UPTIME_EVERY_MS = 5 * 60_000;
/** When uptimes were last asked for, answered or not: a failing server is not asked every tick. */
let uptimesAskedAt = -Infinity;

export async function gridPage(_ctx: Ctx): Promise<Page> {
  let cameras = (await get<Camera[]>('/api/cameras')).body ?? [];
  const filters: Filters = { site: '', agency: '', status: '', ...JSON.parse(sessionStorage.getItem(FILTER_KEY) ?? '{}') };
  const tiles = new Map<string, { node: HTMLElement; pic: Picture }>();
  const onScreen = new Set<string>();
  const darkList = h('ul', { class: 'dark-list', attrs: { 'aria-live': 'polite' } });
  const darkHead = h('h2', {});
  const grid = h('ul', { class: 'grid' });
  const filterBar = h('div', { class: 'filters' });
  const node = h(
    'div',
    { class: 'grid-page' },
    h('section', { class: 'dark', attrs: { 'aria-labelledby': 'dark-h' } }, darkHead, darkList),
    h('section', { attrs: { 'aria-labelledby': 'all-h' } }, h('h2', { id: 'all-h' }, t('allCameras')), filterBar, grid),
  );
  darkHead.id = 'dark-h';

  // Maintenance is not a status: a muted camera keeps its status and says it is muted.
  let mutes: Mute[] = [];
  const mutedUntil = (c: Camera) => mutes.find((m) => (m.cameraId === c.id || m.site === c.site) && Date.parse(m.until) > Date.now())?.until;
  void get<Mute[]>('/api/mutes')
    .then((r) => {
      if (r.status === 200 && Array.isArray(r.body) && r.body.length) {
        mutes = r.body;
        renderAll();
      }
    })
    .catch(() => undefined);

  const statusOf = (c: Camera) => live.statuses.get(c.id) ?? { cameraId: c.id, ...c.status };

  let watchTimer: number | undefined;
  const watchVisible = () => {
    clearTimeout(watchTimer);
    watchTimer = window.setTimeout(() => live.watch({ cameraIds: [...onScreen], size: 'thumb', fps: THUMB_FPS }), 300);
  };
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const id = (e.target as HTMLElement).dataset.id!;
      if (e.isIntersecting) onScreen.add(id);
      else onScreen.delete(id);
    }
    watchVisible();
  }, { rootMargin: '100px' });

  function tile(c: Camera): HTMLElement {
    const s = statusOf(c);
    let entry = tiles.get(c.id);
    if (!entry) {
      // The name is right beside the thumbnail: an alt text would make screen readers say it twice.
      const pic = picture('', 1000 / THUMB_FPS, 'thumb');
      const frame = live.frames.get(c.id);
      if (frame) pic.show(frame);
      entry = { node: h('li'), pic };
      entry.node.dataset.id = c.id;
      tiles.set(c.id, entry);
      observer.observe(entry.node);
    }
    entry.pic.darkSince(s.status === 'down' ? Date.parse(s.since) : null);
    const up = uptimes.get(c.id);
    const link = h(
      'a',
      { href: `#/kamera/${encodeURIComponent(c.id)}`, class: `tile st-${s.status}` },
      entry.pic.node,
      h('div', { class: 'info' }, h('h3', {}, c.name), h('p', { class: 'meta' }, `${c.site} · ${c.agency}`), statusLine(s), sinceLine(s.since), mutedLine(mutedUntil(c))),
      up === undefined ? h('div', { class: 'uptime placeholder' }) : uptimeBar(t('uptime90'), up),
    );
    entry.node.replaceChildren(link);
    return entry.node;
  }

  let disposed = false;
  function loadUptimes(force = false): void {
    if (!force && Date.now() - uptimesAskedAt < UPTIME_EVERY_MS) return;
    uptimesAskedAt = Date.now();
    void get<Record<string, number | null>>('/api/uptime?window=90d')
      .then((res) => {
        if (res.status !== 200 || !res.body) return;
        uptimes.clear();
        for (const [id, up] of Object.entries(res.body)) uptimes.set(id, up);
        if (!disposed) for (const c of cameras) if (tiles.has(c.id)) tile(c);
      })
      .catch(() => undefined);
  }

  function renderFilters(): void {
    const opts = (values: string[]) => [['', t('any')] as [string, string], ...[...new Set(values)].sort().map((v) => [v, v] as [string, string])];
    const change = (key: keyof Filters) => (v: string) => {
      filters[key] = v;
      sessionStorage.setItem(FILTER_KEY, JSON.stringify(filters));
      renderAll();
    };
    filterBar.replaceChildren(
      field(t('filterSite'), select(opts(cameras.map((c) => c.site)), filters.site, change('site'))),
      field(t('filterAgency'), select(opts(cameras.map((c) => c.agency)), filters.agency, change('agency'))),
      field(t('filterStatus'), select([['', t('any')], ...STATUSES.map((s) => [s, statusWord(s)] as [string, string])], filters.status, change('status'))),
    );
  }

  function renderDark(): void {
    const dark = cameras.filter((c) => isDark(statusOf(c).status)).sort((a, b) => Date.parse(statusOf(a).since) - Date.parse(statusOf(b).since));
    darkHead.textContent = `${t('darkNow')} (${dark.length})`;
    darkList.replaceChildren(
      ...(dark.length
        ? dark.map((c) =>
            h('li', {}, h('a', { href: `#/kamera/${encodeURIComponent(c.id)}`, class: `dark-row st-${statusOf(c).status}` }, h('strong', {}, c.name), statusLine(statusOf(c)), sinceLine(statusOf(c).since), mutedLine(mutedUntil(c)))),
          )
        : [h('li', { class: 'all-fine' }, t('allFine'))]),
    );
  }

  function renderAll(): void {
    renderDark();
    const shown = cameras.filter(
      (c) => (!filters.site || c.site === filters.site) && (!filters.agency || c.agency === filters.agency) && (!filters.status || statusOf(c).status === filters.status),
    );
    for (const [id, entry] of tiles) {
      if (!shown.some((c) => c.id === id)) {
        observer.unobserve(entry.node);
        onScreen.delete(id);
      }
    }
    grid.replaceChildren(...shown.map(tile));
    if (!cameras.length) grid.replaceChildren(h('li', { class: 'muted' }, t('noCameras')));
    else if (!shown.length) grid.replaceChildren(h('li', { class: 'muted' }, t('noMatch')));
    watchVisible();
  }

  let refetching = false;
  const off = live.on((e) => {
    if (e.type === 'frame') tiles.get(e.cameraId)?.pic.show(e.frame);
    else if (e.type === 'statuses') renderAll();
    else if (e.type === 'status') onStatus(e.event);
  });
  function onStatus(event: StatusEvent): void {
    const c = cameras.find((x) => x.id === event.cameraId);
    if (!c) {
      // A camera this user just gained: fetch the list again, once.
      if (refetching) return;
      refetching = true;
      void get<Camera[]>('/api/cameras').then((res) => {
        refetching = false;
        if (res.status === 200) cameras = res.body;
        renderFilters();
        renderAll();
        loadUptimes(true);
      });
      return;
    }
    c.status = { status: event.status, since: event.since, reason: event.reason, flapping: event.flapping };
    renderDark();
    if (filters.status) renderAll();
    else if (tiles.has(c.id)) tile(c);
  }

  renderFilters();
  renderAll();
  // Cameras without a number yet (another user on this phone, a new camera) are worth asking for now.
  loadUptimes(cameras.some((c) => !uptimes.has(c.id)));
  return {
    node,
    tick: () => {
      for (const entry of tiles.values()) entry.pic.refresh();
      loadUptimes();
    },
    dispose: () => {
      disposed = true;
      off();
      observer.disconnect();
      clearTimeout(watchTimer);
      live.watch(null);
    },
  };
}

function mutedLine(until: string | undefined): HTMLElement | null {
  return until ? h('p', { class: 'muted-tag' }, `${t('mutedTag')} ${formatWhen(until)}`) : null;
}
