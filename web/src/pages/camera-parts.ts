/** Parts of the camera page: each check's result, and the outage list with acknowledge and mute. */
import { get, problem } from '../api';
import { button, h, select } from '../dom';
import { formatWhen, reasonWord, t } from '../i18n';
import { acknowledge, acknowledgementOf, loadAlerts, muteCamera, outageId, rememberAck, unmute, type AlertState } from '../alerts';
import type { Camera, Outage, StatusDetail, User } from '../types';
import { lasted } from '../widgets';

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

export function outagesSection(camera: Camera, user: User): { node: HTMLElement; load(): Promise<void> } {
  const list = h('ul', { class: 'outages' });
  const muteBox = h('div', { class: 'mute-box' });
  const message = h('p', { class: 'error', attrs: { role: 'alert' } });
  const node = h('section', {}, h('h2', {}, t('outagesTitle')), muteBox, list, message);
  const canAct = user.role !== 'viewer';

  async function load(): Promise<void> {
    const [res, alerts] = await Promise.all([get<Outage[]>(`/api/cameras/${encodeURIComponent(camera.id)}/outages`), canAct ? loadAlerts(camera.id) : Promise.resolve<AlertState>({ alerts: null, mutes: null })]);
    const outages = res.status === 200 ? res.body : [];
    list.replaceChildren(...(outages.length ? outages.map((o) => row(o, alerts)) : [h('li', { class: 'muted' }, t('noOutages'))]));
    renderMutes(alerts);
  }

  function row(o: Outage, state: AlertState): HTMLElement {
    const when = `${formatWhen(o.start)} · ${o.open ? t('ongoing') : `${t('lasted')} ${lasted(o.durationSec)}`}`;
    const li = h('li', { class: `outage ${o.open ? 'open' : ''}` }, h('strong', {}, o.cause ? reasonWord(o.cause) : '–'), h('span', {}, when));
    const id = outageId(camera.id, o.start);
    const ack = acknowledgementOf(state, id);
    if (ack) li.append(h('span', { class: 'acked' }, `${t('acknowledged')} ${ack.by} · ${formatWhen(ack.at)}`));
    else if (state.alerts !== null && o.open) {
      li.append(
        button(t('acknowledge'), async () => {
          const r = await acknowledge(id).catch(() => null);
          if (r && r.status < 300) {
            rememberAck(id, r.body);
            return void load();
          }
          message.textContent = r ? problem(r) : t('offlineNoData');
        }, 'primary ack'),
      );
    }
    return li;
  }

  function renderMutes(state: AlertState): void {
    if (!canAct || state.mutes === null) return void muteBox.replaceChildren();
    const active = state.mutes.filter((m) => m.cameraId === camera.id && Date.parse(m.until) > Date.now());
    const hours = select([['1', `1 ${t('hours')}`], ['4', `4 ${t('hours')}`], ['24', `24 ${t('hours')}`], ['72', `72 ${t('hours')}`]], '4');
    hours.setAttribute('aria-label', t('muteFor'));
    muteBox.replaceChildren(
      ...active.map((m) =>
        h('p', { class: 'muted-note' }, `${t('muted')} ${formatWhen(m.until)} `, button(t('unmute'), async () => {
          await unmute(m.id).catch(() => null);
          void load();
        })),
      ),
      h('div', { class: 'row' }, hours, button(t('mute'), async () => {
        const r = await muteCamera(camera.id, Number(hours.value)).catch(() => null);
        if (r && r.status < 300) return void load();
        message.textContent = r ? problem(r) : t('offlineNoData');
      })),
    );
  }

  return { node, load };
}
