/**
 * The camera grid: cameras dark now first (down and impaired counted apart, each card with its
 * site, its last picture — and, when that one is black or frozen, the last good one with its
 * age — and whether anyone is on it), then every camera as a tile with its
 * newest thumbnail and its age, status in colour and words, since when, and 90-day uptime.
 * The tiles are a window over the listed cameras (window-list.ts): only those near the viewport
 * are in the page, so a thousand cameras scroll and search as lightly as ten. Statuses are kept
 * as data and change drawn tiles in place from the live link; a tile scrolled to is drawn from
 * the data as it is then. Only pictures on screen are fetched. The uptime
 * of every camera comes in one answer, asked again every few minutes and soon after a status
 * changes. A user who may see no camera is told so, and whom to ask, never "all fine".
 * `#/lokasi/<site>` (a grouped alert's link) opens it filtered to that site.
 */
import { get } from '../api';
import { button, field, h, select } from '../dom';
import { formatWhen, lang, statusWord, t } from '../i18n';
import { live } from '../live';
import type { Ctx, Page } from '../page';
import { picture, type Picture } from '../picture';
import { lastGoodPicture, type LastGood } from '../last-good';
import type { AckEvent, Camera, Mute, StatusEvent, StatusName } from '../types';
import { listCameras, type Filters } from './grid-filter';
import { handledLine, isDark, sinceLine, statusLine, uptimeOver } from '../widgets';
import { WindowList } from '../window-list';

const THUMB_FPS = 0.1;
const FILTER_KEY = 'pantau.filters';
const STATUSES: StatusName[] = ['down', 'degraded', 'up', 'unknown', 'paused'];
/** A tile's height at 360 px, guessed until tiles are measured. */
const TILE_GUESS_PX = 170;
/** Lists up to this long are drawn whole: cheap, and every tile is there for find-in-page. */
const WHOLE_UP_TO = 40;

/** 90-day uptime per camera, kept across visits to the grid: it moves slowly. */
const uptimes = new Map<string, number | null>();
const UPTIME_EVERY_MS = 5 * 60_000;
/** Uptime moves with statuses: asked again this long after one changes (a burst asks once). */
const UPTIME_AFTER_FLIP_MS = 3000;
const WINDOW_90D_MS = 90 * 86_400_000;
/**
 * Who is on a dark camera is pushed live (`ack`); the list is still read again this often while
 * any is dark, for what a dropped link missed.
 */
const DARK_REFRESH_MS = 60_000;
/** When uptimes were last asked for, answered or not: a failing server is not asked every tick. */
let uptimesAskedAt = -Infinity;

export async function gridPage(ctx: Ctx): Promise<Page> {
  let cameras = (await get<Camera[]>('/api/cameras')).body ?? [];
  const filters: Filters = { site: '', agency: '', status: '', q: '', ...JSON.parse(sessionStorage.getItem(FILTER_KEY) ?? '{}') };
  const [linkedSite] = ctx.params;
  if (linkedSite !== undefined) {
    // Opened from a link to one site (`#/lokasi/<site>`): that site alone, kept as the user's
    // filter; the address becomes the plain grid's, so changing the filter later sticks.
    Object.assign(filters, { site: linkedSite, agency: '', status: '', q: '' });
    sessionStorage.setItem(FILTER_KEY, JSON.stringify(filters));
    history.replaceState(null, '', '#/');
  }
  let showPaused = false;
  const tiles = new Map<string, Entry>();
  const darkCards = new Map<string, Entry>();
  /** A black or frozen camera's last good picture, beside its bad newest one. */
  const goodPics = new Map<string, LastGood>();
  const onScreen = new Set<string>();
  const darkList = h('ul', { class: 'dark-list', attrs: { 'aria-live': 'polite' } });
  const darkHead = h('h2', {});
  const grid = h('ul', { class: 'grid', attrs: { 'aria-labelledby': 'all-h' } });
  /** Under the list: why it is empty, or the paused cameras folded away. */
  const foot = h('div', { class: 'grid-foot' });
  const filterBar = h('div', { class: 'filters' });
  const darkSection = h('section', { class: 'dark', attrs: { 'aria-labelledby': 'dark-h' } }, darkHead, darkList);
  const allSection = h('section', { attrs: { 'aria-labelledby': 'all-h' } }, h('h2', { id: 'all-h' }, t('allCameras')), filterBar, grid, foot);
  const node = h('div', { class: 'grid-page' }, darkSection, allSection);
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
  /** The open outage the list told of, while the camera is still dark since then. */
  const outageOf = (c: Camera) => {
    const s = statusOf(c);
    const o = c.status.outage;
    return o && isDark(s.status) && Date.parse(o.start) <= Date.parse(s.since) ? o : null;
  };
  const picturesOf = (id: string) => [tiles.get(id)?.pic, darkCards.get(id)?.pic];

  const statusOnly = new Set<string>();
  let watchTimer: number | undefined;
  let watchedKey: string | undefined;
  const watchVisible = () => {
    clearTimeout(watchTimer);
    watchTimer = window.setTimeout(() => {
      // The same set again would only make the server send the same pictures again.
      const key = [...onScreen].sort().join(',');
      if (key === watchedKey) return;
      watchedKey = key;
      // Cameras whose picture this user may not see (status-only access) are not asked for.
      live.watch({ cameraIds: [...onScreen].filter((id) => !statusOnly.has(id)), size: 'thumb', fps: THUMB_FPS });
    }, 300);
  };
  /** Tiles and dark cards on screen; a camera can be both, and is watched while either shows. */
  const visibleNodes = new Set<HTMLElement>();
  const syncOnScreen = () => {
    onScreen.clear();
    for (const n of visibleNodes) onScreen.add(n.dataset.id!);
    watchVisible();
  };
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const n = e.target as HTMLElement;
      if (!e.isIntersecting) visibleNodes.delete(n);
      else {
        visibleNodes.add(n);
        for (const pic of picturesOf(n.dataset.id!)) pic?.requested();
      }
    }
    syncOnScreen();
  }, { rootMargin: '100px' });
  const forget = (n: HTMLElement) => {
    observer.unobserve(n);
    visibleNodes.delete(n);
  };

  /**
   * A tile's or card's list item, link and thumbnail, made once and kept while it is drawn. The
   * link stays the same element when its content changes, so keyboard focus stays on it.
   */
  function entryOf(entries: Map<string, Entry>, c: Camera, ageLabel: string): Entry {
    let entry = entries.get(c.id);
    if (!entry) {
      // The name is right beside the thumbnail: an alt text would make screen readers say it twice.
      const pic = picture('', 1000 / THUMB_FPS, 'thumb', ageLabel);
      const frame = live.frames.get(c.id);
      if (frame) pic.show(frame);
      const link = h('a', { href: `#/kamera/${encodeURIComponent(c.id)}` });
      entry = { node: h('li', {}, link), link, pic };
      entry.node.dataset.id = c.id;
      entries.set(c.id, entry);
      observer.observe(entry.node);
    }
    return entry;
  }

  /** Draws a camera's tile from the data as it is now, into its kept elements. */
  function tile(c: Camera): HTMLElement {
    const s = statusOf(c);
    const entry = entryOf(tiles, c, t('pictureAge'));
    if (c.access === 'status') statusOnly.add(c.id);
    else statusOnly.delete(c.id);
    entry.pic.node.classList.toggle('status-only', c.access === 'status');
    entry.pic.darkSince(s.status === 'down' ? Date.parse(s.since) : null);
    entry.pic.verdict(isDark(s.status) ? s.reason : null);
    const up = uptimes.get(c.id);
    entry.link.className = `tile st-${s.status}`;
    entry.link.replaceChildren(
      entry.pic.node,
      h('div', { class: 'info' }, h('h3', {}, c.name), h('p', { class: 'meta' }, `${c.site} · ${c.agency}`), statusLine(s), sinceLine(s.since), mutedLine(mutedUntil(c))),
      up === undefined ? h('div', { class: 'uptime placeholder' }) : uptimeOver(t('uptime90'), WINDOW_90D_MS, up, Date.parse(c.createdAt)),
    );
    return entry.node;
  }

  const win = new WindowList<Camera>({
    list: grid,
    key: (c) => c.id,
    draw: (c) => tile(c),
    dropped: (id, n) => {
      forget(n);
      tiles.delete(id);
    },
    guess: TILE_GUESS_PX,
    wholeUpTo: WHOLE_UP_TO,
    // About a screen either side: a flick or Tab onto the next tile finds it drawn.
    overscan: 600,
  });

  let disposed = false;
  function loadUptimes(force = false): void {
    if (!force && Date.now() - uptimesAskedAt < UPTIME_EVERY_MS) return;
    uptimesAskedAt = Date.now();
    void get<Record<string, number | null>>('/api/uptime?window=90d')
      .then((res) => {
        if (res.status !== 200 || !res.body) return;
        uptimes.clear();
        for (const [id, up] of Object.entries(res.body)) uptimes.set(id, up);
        if (!disposed) win.refreshAll();
      })
      .catch(() => undefined);
  }
  let uptimeTimer: number | undefined;
  const uptimeSoon = () => {
    clearTimeout(uptimeTimer);
    uptimeTimer = window.setTimeout(() => loadUptimes(true), UPTIME_AFTER_FLIP_MS);
  };

  let listTimer: number | undefined;
  let listAt = Date.now();
  /** Reads the list again (new cameras, who acknowledged what); a burst of events reads it once. */
  const refetchSoon = (ms = 1500) => {
    clearTimeout(listTimer);
    listTimer = window.setTimeout(() => {
      listAt = Date.now();
      void get<Camera[]>('/api/cameras')
        .then((res) => {
          if (disposed || res.status !== 200 || !Array.isArray(res.body)) return;
          const known = cameras.length;
          cameras = res.body;
          if (cameras.length !== known) renderFilters();
          renderAll();
        })
        .catch(() => undefined);
    }, ms);
  };

  function renderFilters(): void {
    const opts = (values: string[]) => [['', t('any')] as [string, string], ...[...new Set(values)].sort().map((v) => [v, v] as [string, string])];
    const change = (key: keyof Filters) => (v: string) => {
      filters[key] = v;
      sessionStorage.setItem(FILTER_KEY, JSON.stringify(filters));
      renderAll();
    };
    const search = h('input', { type: 'search', value: filters.q, placeholder: t('searchHint'), autocomplete: 'off' });
    let typing: number | undefined;
    search.oninput = () => {
      clearTimeout(typing);
      typing = window.setTimeout(() => change('q')(search.value.trim()), 200);
    };
    filterBar.replaceChildren(
      h('div', { class: 'search' }, field(t('search'), search)),
      field(t('filterSite'), select(opts(cameras.map((c) => c.site)), filters.site, change('site'))),
      field(t('filterAgency'), select(opts(cameras.map((c) => c.agency)), filters.agency, change('agency'))),
      field(t('filterStatus'), select([['', t('any')], ...STATUSES.map((s) => [s, statusWord(s)] as [string, string])], filters.status, change('status'))),
    );
  }

  function darkCard(c: Camera): HTMLElement {
    const s = statusOf(c);
    const entry = entryOf(darkCards, c, t('lastPicture'));
    entry.pic.darkSince(s.status === 'down' ? Date.parse(s.since) : null);
    entry.pic.verdict(s.reason);
    const outage = outageOf(c);
    let good = goodPics.get(c.id);
    if (!good) goodPics.set(c.id, (good = lastGoodPicture(c.id, c.name, 'thumb')));
    good.follow(s.reason);
    entry.link.className = `dark-row dark-card st-${s.status}`;
    entry.link.replaceChildren(
      entry.pic.node,
      h('div', { class: 'info' }, h('strong', {}, c.name), h('p', { class: 'meta' }, `${c.site} · ${c.agency}`)),
      // Under the picture, across the card: the lines are read in full, not wrapped word by word.
      h(
        'div',
        { class: 'info wide' },
        statusLine(s),
        sinceLine(outage?.start ?? s.since),
        // A dark camera whose outage the list has not told of yet: a new one, so nobody is on it.
        handledLine(outage?.acknowledged ?? null),
        mutedLine(mutedUntil(c)),
        good.node,
      ),
    );
    return entry.node;
  }

  function renderDark(): void {
    // Down before impaired, the longest dark first: the worst is read at the top.
    const rank = (c: Camera) => (statusOf(c).status === 'down' ? 0 : 1);
    const dark = cameras
      .filter((c) => isDark(statusOf(c).status))
      .sort((a, b) => rank(a) - rank(b) || Date.parse(statusOf(a).since) - Date.parse(statusOf(b).since));
    for (const [id, entry] of darkCards) {
      if (!dark.some((c) => c.id === id)) {
        forget(entry.node);
        darkCards.delete(id);
        goodPics.delete(id);
      }
    }
    darkSection.className = dark.length ? 'dark' : cameras.length ? 'dark calm' : 'dark notice';
    // Filters over nothing would only add noise to "you have no access yet".
    allSection.hidden = !cameras.length;
    if (!cameras.length) {
      // Nothing visible is not "all fine": say why, and whom to ask.
      const admin = ctx.user.role === 'admin';
      darkHead.textContent = admin ? t('noCamerasTitle') : t('noAccessTitle');
      darkList.replaceChildren(h('li', { class: 'no-access' }, admin ? t('noCamerasAdmin') : t('noAccess')));
      return;
    }
    if (!dark.length) {
      darkHead.textContent = t('allOn');
      darkList.replaceChildren(h('li', { class: 'all-fine' }, t('allOnNote')));
      return;
    }
    const down = dark.filter((c) => statusOf(c).status === 'down').length;
    const count = (status: 'down' | 'degraded', n: number) =>
      h('span', { class: `count st-${status}${n ? '' : ' zero'}` }, `${statusWord(status).toLocaleUpperCase(lang())} ${n}`);
    darkHead.replaceChildren(count('down', down), ' · ', count('degraded', dark.length - down));
    darkList.replaceChildren(...dark.map(darkCard));
  }
  /** A burst of status changes redraws the dark list once, in the next frame. */
  let darkFrame = 0;
  let listFrame = 0;
  const darkSoon = () => {
    darkFrame ||= requestAnimationFrame(() => {
      darkFrame = 0;
      renderDark();
      // The list below moves with the cards above it.
      win.soon();
    });
  };
  const listSoon = () => {
    listFrame ||= requestAnimationFrame(() => {
      listFrame = 0;
      renderAll();
    });
  };

  function renderAll(): void {
    cancelAnimationFrame(darkFrame);
    cancelAnimationFrame(listFrame);
    darkFrame = listFrame = 0;
    renderDark();
    const list = listCameras(cameras, filters, (c) => statusOf(c).status, showPaused);
    win.set(list.shown);
    const why = !cameras.length ? t('noCameras') : !list.matching ? t('noMatch') : null;
    const unfold = () => {
      showPaused = true;
      renderAll();
    };
    foot.replaceChildren(
      ...(why ? [h('p', { class: 'muted' }, why)] : []),
      ...(list.pausedHidden ? [h('p', { class: 'more' }, button(t('showPaused').replace('{n}', String(list.pausedHidden)), unfold))] : []),
    );
    syncOnScreen();
  }

  const off = live.on((e) => {
    if (e.type === 'frame') for (const pic of picturesOf(e.cameraId)) pic?.show(e.frame);
    else if (e.type === 'statuses') renderAll();
    else if (e.type === 'status') onStatus(e.event);
    // A new outage, or one ended: the cards' "who is on it" comes with the list.
    else if (e.type === 'outage') refetchSoon();
    else if (e.type === 'ack') onAck(e.event);
    // Pictures are "not live" while the link is down, and live again the moment it is back.
    else if (e.type === 'connection') for (const entry of [...tiles.values(), ...darkCards.values()]) entry.pic.refresh();
  });
  /** Someone took on an outage: its card says who, and since when, at once. */
  function onAck(event: AckEvent): void {
    const c = cameras.find((x) => x.id === event.cameraId);
    const outage = c?.status.outage;
    // An outage the list has not told of yet: the list, read again, has it with who is on it.
    if (!c || !outage || outage.id !== event.outageId) return void refetchSoon();
    outage.acknowledged = { by: event.by, at: event.at };
    if (darkCards.has(c.id)) darkCard(c);
  }

  function onStatus(event: StatusEvent): void {
    const c = cameras.find((x) => x.id === event.cameraId);
    if (!c) {
      // A camera this user just gained: read the list again, and its uptime.
      refetchSoon(0);
      uptimeSoon();
      return;
    }
    const wasPaused = c.status.status === 'paused';
    c.status = { ...c.status, status: event.status, since: event.since, reason: event.reason, flapping: event.flapping };
    uptimeSoon();
    // A new outage: who is on it comes with the list (stored with the flip that opened it).
    if (isDark(event.status) && !outageOf(c)) refetchSoon();
    // A filter on status, or a camera paused or resumed (folded away or back): the list changes.
    if (filters.status || wasPaused !== (event.status === 'paused')) listSoon();
    else {
      darkSoon();
      // Drawn: redrawn now. Not drawn: the data is right, and the tile is drawn from it when scrolled to.
      win.refresh(c);
    }
  }

  renderFilters();
  renderAll();
  // Cameras without a number yet (another user on this phone, a new camera) are worth asking for now.
  loadUptimes(cameras.some((c) => !uptimes.has(c.id)));
  return {
    node,
    tick: () => {
      for (const entry of [...tiles.values(), ...darkCards.values()]) entry.pic.refresh();
      loadUptimes();
      if (darkCards.size && Date.now() - listAt > DARK_REFRESH_MS) refetchSoon(0);
    },
    dispose: () => {
      disposed = true;
      off();
      win.destroy();
      cancelAnimationFrame(darkFrame);
      cancelAnimationFrame(listFrame);
      observer.disconnect();
      clearTimeout(watchTimer);
      clearTimeout(uptimeTimer);
      clearTimeout(listTimer);
      live.watch(null);
    },
  };
}

interface Entry {
  node: HTMLElement;
  link: HTMLAnchorElement;
  pic: Picture;
}

function mutedLine(until: string | undefined): HTMLElement | null {
  return until ? h('p', { class: 'muted-tag' }, `${t('mutedTag')} ${formatWhen(until)}`) : null;
}
