/**
 * Add or edit a camera. For a new one an admin types the ONVIF address and password and taps
 * "read from the device": make, model and stream URLs fill in; discovery lists what answers on
 * the server's network. Passwords are sent only when typed (empty keeps the stored one).
 */
import { problem, send } from '../api';
import { button, field, h, select } from '../dom';
import { t } from '../i18n';
import type { Camera } from '../types';

interface Inspected {
  manufacturer: string | null;
  model: string | null;
  profiles: { token: string; name: string | null; width: number | null; height: number | null; rtspUrl: string | null; snapshotUrl: string | null }[];
}

export function cameraForm(existing: Camera | null, done: () => void): HTMLElement {
  const input = (value = '', type = 'text') => h('input', { type, value, autocomplete: 'off' });
  const name = input(existing?.name);
  const site = input(existing?.site);
  const agency = input(existing?.agency);
  const host = input(existing?.onvif?.host);
  const port = input(String(existing?.onvif?.port ?? 80), 'number');
  const user = input(existing?.onvif?.username ?? '');
  const pass = input('', 'password');
  const rtsp = input(existing?.rtspUrl ?? '', 'url');
  const snap = input(existing?.snapshotUrl ?? '', 'url');
  const lat = input(existing?.location?.lat?.toString() ?? '', 'number');
  const lng = input(existing?.location?.lng?.toString() ?? '', 'number');
  const interval = input(String(existing?.checkIntervalSec ?? 30), 'number');
  for (const el of [lat, lng]) el.step = 'any';
  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  const profiles = h('div', {});

  const inspect = button(t('inspect'), async () => {
    message.textContent = t('inspecting');
    const body = { host: host.value.trim(), port: Number(port.value) || 80, username: user.value || undefined, password: pass.value || undefined };
    const r = await send<Inspected>('POST', '/api/onvif/inspect', body).catch(() => null);
    if (!r || r.status !== 200) return void (message.textContent = r ? problem(r) : t('offlineNoData'));
    message.textContent = [r.body.manufacturer, r.body.model].filter(Boolean).join(' ');
    if (!name.value) name.value = message.textContent;
    const choose = (p: Inspected['profiles'][number]) => {
      rtsp.value = p.rtspUrl ?? '';
      snap.value = p.snapshotUrl ?? '';
    };
    if (r.body.profiles[0]) choose(r.body.profiles[0]);
    const pick = select(r.body.profiles.map((p, i) => [String(i), `${p.name ?? p.token} ${p.width ?? ''}×${p.height ?? ''}`]), '0', (v) => {
      const p = r.body.profiles[Number(v)];
      if (p) choose(p);
    });
    profiles.replaceChildren(field('Profile', pick));
  });

  const found = h('ul', { class: 'found' });
  const discover = button(t('discover'), async () => {
    found.replaceChildren(h('li', {}, t('discovering')));
    const r = await send<{ address: string; name: string | null; hardware: string | null }[]>('POST', '/api/onvif/discover', {}).catch(() => null);
    const devices = r?.status === 200 ? r.body : [];
    found.replaceChildren(
      ...(devices.length
        ? devices.map((d) => h('li', {}, button(`${d.address} ${d.name ?? ''} ${d.hardware ?? ''}`, () => void (host.value = d.address))))
        : [h('li', { class: 'muted' }, t('nothingFound'))]),
    );
  });

  const form = h(
    'form',
    { class: 'stack card' },
    h('h3', {}, existing ? `${t('edit')}: ${existing.name}` : t('addCamera')),
    field(t('onvifHost'), host),
    field(t('port'), port),
    field(t('username'), user),
    field(t('password'), pass),
    h('div', { class: 'row' }, inspect, existing ? null : discover),
    found,
    profiles,
    field(t('name'), name),
    field(t('site'), site),
    field(t('agency'), agency),
    field(t('rtspUrl'), rtsp),
    field(t('snapshotUrl'), snap),
    h('div', { class: 'row' }, field('Lat', lat), field('Lng', lng)),
    field(t('checkInterval'), interval),
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t('save')), button(t('cancel'), done)),
    message,
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    const body: Record<string, unknown> = {
      name: name.value.trim(),
      site: site.value.trim(),
      agency: agency.value.trim(),
      rtspUrl: rtsp.value.trim() || null,
      snapshotUrl: snap.value.trim() || null,
      checkIntervalSec: Number(interval.value) || 30,
      onvif: host.value.trim() ? { host: host.value.trim(), port: Number(port.value) || 80, username: user.value || undefined, ...(pass.value ? { password: pass.value } : {}) } : null,
      location: lat.value && lng.value ? { lat: Number(lat.value), lng: Number(lng.value), address: existing?.location?.address ?? null } : (existing?.location ?? null),
    };
    const r = existing ? await send('PATCH', `/api/cameras/${encodeURIComponent(existing.id)}`, body).catch(() => null) : await send('POST', '/api/cameras', body).catch(() => null);
    if (r && r.status < 300) done();
    else message.textContent = r ? problem(r) : t('offlineNoData');
  };
  return form;
}
