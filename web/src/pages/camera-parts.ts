/** Parts of the camera page: each check's result, a bar per day, and the outage list with acknowledge and mute. */
import { get, problem } from '../api';
import { button, field, h, select } from '../dom';
import { fill, formatDay, formatWhen, percent, reasonWord, t } from '../i18n';
import { acknowledge, loadMutes, muteCamera, unmute } from '../alerts';
import type { Camera, DailyUptime, Mute, Outage, StatusDetail, User } from '../types';
import { lasted, zoneOf } from '../widgets';

const LAYER_NAMES = { tcp: 'TCP', onvif: 'ONVIF', rtsp: 'RTSP', image: 'layerImage' } as const;

export function layersList(status: StatusDetail): HTMLElement {
  const rows = (Object.keys(LAYER_NAMES) as (keyof typeof LAYER_NAMES)[]).map((layer) => {
    const r = status.layers[layer];
    const word = r === null ? t('layerNone') : r.ok ? t('layerOk') : `${t('layerFail')}${r.reason ? ` · ${reasonWord(r.reason)}` : ''}`;
    const latency = r?.latencyMs !== undefined ? ` · ${r.latencyMs} ms` : '';
    return h('li', { class: r === null ? 'layer none' : r.ok ? 'layer ok' : 'layer fail' }, h('strong', {}, layer === 'image' ? t('layerImage') : LAYER_NAMES[layer]), ` ${word}${latency}`);
  });
  const last = status.lastCheckAt ? h('p', { class: 'muted' }, `${t('lastCheck')}: ${formatWhen(status.lastCheckAt)}`) : null;
  return h('div', {}, h('ul', { class: 'layers' }, ...rows), last);
}

/**
 * A status-page strip: one bar per day, oldest on the left, coloured by that day's uptime. Each
 * bar is labelled for screen readers; a tap or slide on the strip writes the day under it, as
 * bars a few pixels wide on a phone are too thin to point at one by one.
 */
export function dailyStrip(days: DailyUptime[]): HTMLElement {
  // The server's day may begin at another hour in the user's zone: its noon is the same date in both.
  const labels = days.map((d) => `${formatDay(Date.parse(d.day) + 43_200_000)}: ${d.uptime === null ? t('zoneUnknown') : percent(d.uptime)}`);
  const bars = days.map((d, i) => h('span', { class: `day zone-${zoneOf(d.uptime)}`, attrs: { role: 'img', 'aria-label': labels[i]! } }));
  const strip = h('div', { class: 'daily-bars', attrs: { role: 'group', 'aria-label': t('dailyTitle') } }, ...bars);
  const picked = h('span', { class: 'daily-picked' });
  let current: HTMLElement | undefined;
  const pick = (e: PointerEvent) => {
    const box = strip.getBoundingClientRect();
    const i = Math.min(days.length - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * days.length)));
    current?.classList.remove('picked');
    current = bars[i];
    current?.classList.add('picked');
    picked.textContent = labels[i] ?? '';
  };
  strip.addEventListener('pointerdown', pick);
  strip.addEventListener('pointermove', (e) => {
    if (e.pointerType === 'mouse' || e.buttons) pick(e);
  });
  return h(
    'div',
    { class: 'daily' },
    strip,
    h('p', { class: 'daily-legend', attrs: { 'aria-hidden': 'true' } }, h('span', {}, `${days.length} ${t('days')} ${t('ago')}`), picked, h('span', {}, t('today'))),
  );
}

export function outagesSection(camera: Camera, user: User): { node: HTMLElement; load(): Promise<void> } {
  const list = h('ul', { class: 'outages' });
  const muteBox = h('div', { class: 'mute-box' });
  const message = h('p', { class: 'error', attrs: { role: 'alert' } });
  const node = h('section', {}, h('h2', {}, t('outagesTitle')), muteBox, list, message);
  const canAct = user.role !== 'viewer';

  async function load(): Promise<void> {
    const [res, mutes] = await Promise.all([get<Outage[]>(`/api/cameras/${encodeURIComponent(camera.id)}/outages`), canAct ? loadMutes() : Promise.resolve(null)]);
    const outages = res.status === 200 ? res.body : [];
    // A saved copy cannot be acted on: the button would only fail.
    const canAck = canAct && !res.fromCache;
    list.replaceChildren(...(outages.length ? outages.map((o) => row(o, canAck)) : [h('li', { class: 'muted' }, t('noOutages'))]));
    renderMutes(mutes);
  }

  function row(o: Outage, canAck: boolean): HTMLElement {
    const when = `${formatWhen(o.start)} · ${o.open ? t('ongoing') : `${t('lasted')} ${lasted(o.durationSec)}`}`;
    const li = h('li', { class: `outage ${o.open ? 'open' : ''}` }, h('strong', {}, o.cause ? reasonWord(o.cause) : '–'), h('span', {}, when));
    const ack = o.acknowledged;
    if (ack) li.append(h('span', { class: 'acked' }, `${t('acknowledged')} ${ack.by}, ${formatWhen(ack.at)}`));
    else if (canAck && o.open) {
      li.append(
        button(t('acknowledge'), async () => {
          const r = await acknowledge(o.id).catch(() => null);
          if (r && r.status < 300) return void load();
          message.textContent = r ? problem(r) : t('offlineNoData');
        }, 'primary ack'),
      );
    }
    return li;
  }

  function renderMutes(mutes: Mute[] | null): void {
    if (!canAct || mutes === null) return void muteBox.replaceChildren();
    const active = mutes.filter((m) => m.cameraId === camera.id && Date.parse(m.until) > Date.now());
    const hours = select(['1', '4', '24', '72'].map((n) => [n, fill('hoursN', { n })]), '4');
    muteBox.replaceChildren(
      ...active.map((m) =>
        h('p', { class: 'muted-note' }, `${t('muted')} ${formatWhen(m.until)} `, button(t('unmute'), async () => {
          await unmute(m.id).catch(() => null);
          void load();
        })),
      ),
      h('div', { class: 'row mute-row' }, field(t('muteFor'), hours), button(t('mute'), async () => {
        const r = await muteCamera(camera.id, Number(hours.value)).catch(() => null);
        if (r && r.status < 300) return void load();
        message.textContent = r ? problem(r) : t('offlineNoData');
      })),
    );
  }

  return { node, load };
}
