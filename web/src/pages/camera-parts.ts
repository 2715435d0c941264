/** Parts of the camera page: each check's result, a bar per day, and the outage list with acknowledge and mute. */
import { get, problem } from '../api';
import { button, field, h, select } from '../dom';
import { fill, formatDay, formatWhen, percent, reasonWord, t } from '../i18n';
import { acknowledge, loadMutes, muteCamera, unmute } from '../alerts';
import { recordForm, recordView } from './outage-record';
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
 * A status-page strip: one bar per day, oldest on the left, coloured by that day's uptime. Bars
 * a few pixels wide are too thin to point at one by one, so the strip is one control: a tap or a
 * slide picks the day under the finger, arrow keys step through days, and the day's date, uptime
 * and outages (with their times and causes) are written in a box under it that screen readers hear.
 */
export function dailyStrip(days: DailyUptime[], outages: Outage[] = []): HTMLElement {
  // The server's day may begin at another hour in the user's zone: its noon is the same date in both.
  const dates = days.map((d) => formatDay(Date.parse(d.day) + 43_200_000));
  const onDay = days.map((d) => {
    const from = Date.parse(d.day);
    const to = from + 86_400_000;
    return outages.filter((o) => Date.parse(o.start) < to && (o.end === null ? Date.now() : Date.parse(o.end)) > from);
  });
  const bars = days.map((d) => h('span', { class: `day zone-${zoneOf(d.uptime)}`, attrs: { 'aria-hidden': 'true' } }));
  const strip = h('div', {
    class: 'daily-bars',
    tabIndex: 0,
    attrs: { role: 'slider', 'aria-label': t('dayStrip'), 'aria-valuemin': '1', 'aria-valuemax': String(days.length), 'aria-valuetext': t('dayHint') },
  }, ...bars);
  const picked = h('div', { class: 'daily-picked', attrs: { role: 'status', 'aria-live': 'polite' } }, h('p', { class: 'muted' }, t('dayHint')));
  let current = -1;
  const show = (i: number) => {
    if (i === current || !days[i]) return;
    bars[current]?.classList.remove('picked');
    current = i;
    bars[i]!.classList.add('picked');
    const d = days[i]!;
    const list = onDay[i]!;
    const summary = `${dates[i]} · ${d.uptime === null ? t('dayNoData') : percent(d.uptime)} · ${list.length ? t('dayOutages').replace('{n}', String(list.length)) : t('dayNoOutages')}`;
    strip.setAttribute('aria-valuenow', String(i + 1));
    strip.setAttribute('aria-valuetext', summary);
    picked.replaceChildren(
      h('p', { class: 'daily-summary' }, summary),
      ...(list.length
        ? [h('ul', { class: 'daily-outages' }, ...list.map((o) => h('li', {}, `${formatWhen(o.start)} · ${o.cause ? reasonWord(o.cause) : '–'} · ${o.open ? t('ongoing') : `${t('lasted')} ${lasted(o.durationSec)}`}`)))]
        : []),
    );
  };
  const pick = (e: PointerEvent) => {
    const box = strip.getBoundingClientRect();
    show(Math.min(days.length - 1, Math.max(0, Math.floor(((e.clientX - box.left) / box.width) * days.length))));
  };
  strip.addEventListener('pointerdown', pick);
  strip.addEventListener('pointermove', (e) => {
    if (e.pointerType === 'mouse' || e.buttons) pick(e);
  });
  strip.addEventListener('keydown', (e) => {
    const step = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, Home: -days.length, End: days.length }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    show(Math.min(days.length - 1, Math.max(0, (current < 0 ? days.length : current) + step)));
  });
  return h(
    'div',
    { class: 'daily' },
    strip,
    h('p', { class: 'daily-legend', attrs: { 'aria-hidden': 'true' } }, h('span', {}, `${days.length} ${t('days')} ${t('ago')}`), h('span', {}, t('today'))),
    picked,
  );
}

export function outagesSection(camera: Camera, user: User): { node: HTMLElement; load(options?: { live?: boolean }): Promise<void> } {
  const list = h('ul', { class: 'outages' });
  const muteBox = h('div', { class: 'mute-box' });
  const message = h('p', { class: 'error', attrs: { role: 'alert' } });
  const node = h('section', {}, h('h2', {}, t('outagesTitle')), muteBox, list, message);
  const canAct = user.role !== 'viewer';
  // Causes are recorded by the camera's owners and admins (the server checks again).
  const canRecord = user.role === 'admin' || (user.role === 'owner' && camera.owners.includes(user.id));
  // Acknowledging is one tap; the cause form then opens under that outage (recording is optional).
  let askCauseOf: string | null = null;
  // While someone fills in a cause, news from the live link (an outage, an acknowledgement —
  // often their own) waits until the form closes: redrawing the list would throw their words away.
  let editing = false;
  let reloadWaiting = false;

  // Only the newest load draws: an acknowledgement reloads the list twice (its own answer, and
  // the live link's news of it), and whichever answer came last must not undo the other's form.
  let generation = 0;

  async function load(options: { live?: boolean } = {}): Promise<void> {
    if (options.live && editing) return void (reloadWaiting = true);
    const mine = ++generation;
    const [res, mutes] = await Promise.all([get<Outage[]>(`/api/cameras/${encodeURIComponent(camera.id)}/outages`), canAct ? loadMutes() : Promise.resolve(null)]);
    if (mine !== generation) return;
    if (options.live && editing) return void (reloadWaiting = true);
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
    if (o.record) li.append(recordView(o.record));
    const actions = h('div', { class: 'row outage-actions' });
    const formBox = h('div', { class: 'record-box' });
    const open = () => {
      actions.hidden = true;
      editing = true;
      const closed = () => {
        editing = false;
        if (reloadWaiting) {
          reloadWaiting = false;
          return true;
        }
        return false;
      };
      const form = recordForm(o, () => {
        closed();
        void load();
      }, () => {
        formBox.replaceChildren();
        actions.hidden = false;
        if (closed()) void load();
      });
      formBox.replaceChildren(form);
      form.querySelector('select')?.focus();
    };
    if (!ack && canAck && o.open) {
      actions.append(
        button(t('acknowledge'), async () => {
          const r = await acknowledge(o.id).catch(() => null);
          if (r && r.status < 300) {
            askCauseOf = o.record ? null : o.id;
            return void load();
          }
          message.textContent = r ? problem(r) : t('offlineNoData');
        }, 'primary ack'),
      );
    }
    if (canAck && canRecord) actions.append(button(o.record ? t('editCause') : t('recordCause'), open, 'record-cause'));
    if (actions.childElementCount) li.append(actions, formBox);
    if (askCauseOf === o.id && canRecord) {
      askCauseOf = null;
      queueMicrotask(open);
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
