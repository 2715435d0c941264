/**
 * One camera: a near-live picture (a frame every few seconds; 1–2 a second on Wi-Fi or when
 * "Langsung" is tapped), the status of each check, uptime over five windows and a bar for each
 * of the last 90 days, the outages with acknowledge and mute, and where it is on a map (loaded
 * only here).
 */
import { get } from '../api';
import { button, h } from '../dom';
import { t, windowWord } from '../i18n';
import { live, type Frame } from '../live';
import type { Ctx, Page } from '../page';
import { picture } from '../picture';
import { lastGoodPicture } from '../last-good';
import { videoView } from '../video';
import type { Camera, DailyUptime, Outage, StatusDetail, Uptime } from '../types';
import { isDark, sinceLine, statusLine, uptimeOver } from '../widgets';
import { dailyStrip, layersList, outagesSection } from './camera-parts';
import { notificationsSection } from './camera-notifications';
import { cameraViewsSection } from './viewing-list';
import { privacyMaskSection } from './privacy-mask';

const DAY_MS = 86_400_000;
const WINDOWS = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS, '365d': 365 * DAY_MS } as const;
const SLOW_FPS = 0.2;
const LIVE_FPS = 2;

interface NetworkInformation {
  type?: string;
  effectiveType?: string;
  saveData?: boolean;
}

/** Live by default only where it costs nothing: Wi-Fi (or a fast line when the phone will not say) and no data saver. */
function cheapNetwork(): boolean {
  const c = (navigator as Navigator & { connection?: NetworkInformation }).connection;
  if (!c) return true;
  if (c.saveData) return false;
  if (c.type) return c.type === 'wifi' || c.type === 'ethernet';
  return c.effectiveType === '4g';
}

export async function cameraPage(ctx: Ctx): Promise<Page> {
  const id = ctx.params[0] ?? '';
  const q = encodeURIComponent(id);
  const [camRes, statusRes] = await Promise.all([get<Camera>(`/api/cameras/${q}`), get<StatusDetail>(`/api/cameras/${q}/status`)]);
  if (camRes.status !== 200) return { node: h('p', { class: 'error pad' }, t('errorGeneric')) };
  const camera = camRes.body;
  let status = statusRes.body;

  let liveOn = cheapNetwork();
  const fps = () => (liveOn ? LIVE_FPS : SLOW_FPS);
  // Status-only access: no picture is asked for (the server would refuse it), and the page says why.
  const seesPicture = camera.access !== 'status';
  const pic = picture(camera.name, 1000 / fps(), 'full');
  // The grid's thumbnail stands in until the first full picture comes: the grid's frames are
  // taken at thumbnail size only, and a camera that just went dark sends no other.
  let shownFull = false;
  const show = (frame: Frame) => {
    if (frame.size !== 'full' && shownFull) return;
    shownFull ||= frame.size === 'full';
    pic.show(frame);
  };
  const frame = live.frames.get(id);
  if (seesPicture && frame) show(frame);
  if (seesPicture) pic.requested();
  const liveButton = button('', () => {
    liveOn = !liveOn;
    applyLive();
  }, 'live-toggle');
  /** Frames per second forced by the video's fallback (a codec the phone cannot play), or null. */
  let fallbackFps: number | null = null;
  const applyLive = () => {
    liveButton.textContent = liveOn ? t('liveOn') : t('live');
    liveButton.setAttribute('aria-pressed', String(liveOn));
    const wanted = fallbackFps ?? fps();
    pic.expect(1000 / wanted);
    if (seesPicture) live.watch({ cameraIds: [id], size: 'full', fps: wanted });
  };
  applyLive();

  // Live video: while it plays, no frames are fetched for this page (the video is the picture).
  let videoOn = false;
  const fallbackNote = h('p', { class: 'video-note', hidden: true, role: 'status' });
  const showVideo = (on: boolean) => {
    videoOn = on;
    video.node.hidden = !on;
    pic.node.hidden = on;
    liveButton.hidden = on;
    videoButton.textContent = on ? t('videoStop') : t('videoStart');
    videoButton.setAttribute('aria-pressed', String(on));
  };
  const video = videoView({
    cameraId: id,
    onFallback: (fallback, why) => {
      showVideo(false);
      fallbackFps = fallback;
      fallbackNote.textContent = why;
      fallbackNote.hidden = false;
      applyLive();
    },
    onEnded: () => {
      videoOn = false;
      liveButton.hidden = false;
      pic.node.hidden = false;
      videoButton.textContent = t('videoStart');
      applyLive();
    },
  });
  const videoButton = button(t('videoStart'), () => {
    if (videoOn) {
      video.stop();
      showVideo(false);
      video.node.hidden = true;
      applyLive();
      return;
    }
    fallbackFps = null;
    fallbackNote.hidden = true;
    showVideo(true);
    live.watch(null);
    void video.start();
  }, 'video-toggle');
  video.node.hidden = true;
  // A phone in a pocket pulls nothing: a hidden page ends the video (the server stops the pull soon after).
  const onHidden = () => {
    if (document.hidden && videoOn) {
      video.stop();
      showVideo(false);
      applyLive();
    }
  };
  document.addEventListener('visibilitychange', onHidden);

  // A black or frozen picture: the last good one beside it, labelled, with its age.
  const good = lastGoodPicture(id, camera.name, 'full');

  const statusBox = h('div', { class: 'status-box' });
  const renderStatus = () => {
    pic.darkSince(status.status === 'down' ? Date.parse(status.since) : null);
    pic.verdict(isDark(status.status) ? status.reason : null);
    good.follow(isDark(status.status) ? status.reason : null);
    statusBox.replaceChildren(statusLine(status), sinceLine(status.since), layersList(status));
  };
  renderStatus();

  const uptimeBox = h('div', { class: 'uptimes' }, h('p', { class: 'muted' }, t('loading')));
  const names = Object.keys(WINDOWS) as (keyof typeof WINDOWS)[];
  const monitoredFrom = Date.parse(camera.createdAt);
  // Windows the camera has not lived fully say since when it is watched; a new camera says only that, once.
  void Promise.all(names.map((w) => get<Uptime>(`/api/cameras/${q}/uptime?window=${w}`).then((r) => [w, r.body.uptime] as const).catch(() => [w, null] as const))).then((rows) => {
    const lived = rows.filter(([w]) => Date.now() - monitoredFrom >= WINDOWS[w]);
    const young = rows.find(([w]) => Date.now() - monitoredFrom < WINDOWS[w]);
    uptimeBox.replaceChildren(...lived.map(([w, u]) => uptimeOver(windowWord(w), WINDOWS[w], u, monitoredFrom)), young ? uptimeOver(windowWord(young[0]), WINDOWS[young[0]], young[1], monitoredFrom) : '');
  });
  const dailyBox = h('div', { class: 'daily-box' });
  const since90 = new Date(Date.now() - 90 * DAY_MS).toISOString();
  void Promise.all([
    get<DailyUptime[]>(`/api/cameras/${q}/uptime/daily?days=90`),
    get<Outage[]>(`/api/cameras/${q}/outages?from=${encodeURIComponent(since90)}`).catch(() => null),
  ])
    .then(([r, o]) => {
      const outages = o?.status === 200 && Array.isArray(o.body) ? o.body : [];
      if (r.status === 200 && Array.isArray(r.body) && r.body.length) dailyBox.replaceChildren(dailyStrip(r.body, outages));
    })
    .catch(() => undefined);

  const outages = outagesSection(camera, ctx.user);
  void outages.load();

  const mapBox = h('div', { class: 'map-box' });
  const loc = camera.location;
  if (loc?.lat != null && loc.lng != null) {
    void import('../map').then((m) => m.showMap(mapBox, loc.lat!, loc.lng!, camera.name, loc.address));
  } else mapBox.append(h('p', { class: 'muted' }, t('noLocation')));

  const off = live.on((e) => {
    if (e.type === 'frame' && e.cameraId === id) show(e.frame);
    if (e.type === 'status' && e.event.cameraId === id) {
      status = { ...status, ...e.event };
      renderStatus();
      // Layers are not in the event: read them again when the status moves.
      void get<StatusDetail>(`/api/cameras/${q}/status`).then((r) => {
        if (r.status === 200) {
          status = r.body;
          renderStatus();
        }
      });
    }
    // An outage opened, closed or taken on: the list says so, with who and since when.
    if ((e.type === 'outage' || e.type === 'ack') && e.event.cameraId === id) void outages.load({ live: true });
  });

  const node = h(
    'article',
    { class: 'camera-page' },
    h('p', {}, h('a', { href: '#/', class: 'back' }, `← ${t('back')}`)),
    h('h1', {}, camera.name),
    h('p', { class: 'meta' }, `${camera.site} · ${camera.agency}${camera.innovation ? ` · ${t('innovation')}: ${camera.innovation.name}` : ''}`),
    seesPicture ? pic.node : h('p', { class: 'note status-only' }, t('statusOnly')),
    seesPicture ? video.node : '',
    seesPicture ? fallbackNote : '',
    seesPicture ? h('div', { class: 'row' }, ...(camera.access === 'live' ? [videoButton] : []), liveButton) : '',
    seesPicture ? good.node : '',
    h('section', {}, h('h2', {}, t('layers')), statusBox),
    h('section', {}, h('h2', {}, t('uptimeTitle')), uptimeBox, dailyBox),
    outages.node,
    notificationsSection(camera, ctx.user, () => void outages.load()),
    cameraViewsSection(camera, ctx.user),
    seesPicture ? privacyMaskSection(camera, ctx.user) : '',
    h('section', {}, h('h2', {}, t('location')), mapBox),
  );
  return {
    node,
    tick: () => pic.refresh(),
    dispose: () => {
      off();
      document.removeEventListener('visibilitychange', onHidden);
      if (videoOn) video.stop();
      live.watch(null);
    },
  };
}
