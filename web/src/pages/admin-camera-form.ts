/**
 * Add or edit a camera. For a new one an admin types the ONVIF address and password and taps
 * "read from the device": make, model and stream URLs fill in; discovery lists what answers on
 * the server's network. Passwords are sent only when typed (empty keeps the stored one).
 * Problems are shown under their fields, all at once: the browser's constraints first, then
 * the server's (admin-form-errors.ts).
 */
import { send, type Answer } from '../api';
import { button, h, select } from '../dom';
import { t } from '../i18n';
import type { Camera, User } from '../types';
import { FieldErrors, type Issue } from './admin-form-errors';
import { onvifPanel } from './admin-onvif';

export interface FormData {
  /** Every camera: parents are picked from them, agencies suggested from theirs. */
  cameras: Camera[];
  /** Every user: owners are picked from those who may own (owners and admins). */
  users: User[];
}

type InputOpts = { type?: string; required?: boolean; min?: string; max?: string; step?: string; maxLength?: number; placeholder?: string };

const input = (value: string | null | undefined, o: InputOpts = {}) =>
  h('input', { type: o.type ?? 'text', value: value ?? '', autocomplete: 'off', required: o.required ?? false, ...(o.min ? { min: o.min } : {}), ...(o.max ? { max: o.max } : {}), ...(o.step ? { step: o.step } : {}), ...(o.maxLength ? { maxLength: o.maxLength } : {}), ...(o.placeholder ? { placeholder: o.placeholder } : {}) });

export function cameraForm(existing: Camera | null, data: FormData, done: () => void): HTMLElement {
  const errors = new FieldErrors({ onvif: 'onvif.host' });
  const name = input(existing?.name, { required: true, maxLength: 200 });
  const site = input(existing?.site, { required: true, maxLength: 200 });
  const agency = input(existing?.agency, { required: true, maxLength: 200 });
  const externalId = input(existing?.externalId, { maxLength: 128 });
  const agencies = h('datalist', { id: 'camera-form-agencies' }, ...[...new Set(data.cameras.map((c) => c.agency))].sort().map((a) => h('option', { value: a })));
  agency.setAttribute('list', agencies.id);
  const host = input(existing?.onvif?.host);
  const port = input(String(existing?.onvif?.port ?? 80), { type: 'number', min: '1', max: '65535', step: '1' });
  const user = input(existing?.onvif?.username);
  const pass = input('', { type: 'password', ...(existing?.onvif?.hasPassword ? { placeholder: t('passwordKept') } : {}) });
  pass.autocomplete = 'new-password';
  const rtsp = input(existing?.rtspUrl, { type: 'url', placeholder: 'rtsp://' });
  const snap = input(existing?.snapshotUrl, { type: 'url', placeholder: 'http://' });
  const lat = input(existing?.location?.lat?.toString(), { type: 'number', min: '-90', max: '90', step: 'any' });
  const lng = input(existing?.location?.lng?.toString(), { type: 'number', min: '-180', max: '180', step: 'any' });
  const innovation = input(existing?.innovation?.name, { maxLength: 200 });
  const launched = input(existing?.innovation?.launchedOn, { type: 'date' });
  const tags = input(existing?.tags.join(', '));
  const interval = input(String(existing?.checkIntervalSec ?? 30), { type: 'number', required: true, min: '5', max: '3600', step: '1' });
  const grace = input(existing ? String(existing.alertGraceSec / 60) : '', { type: 'number', min: '0', max: '10080', step: 'any', placeholder: t('graceDefault') });
  const isPublic = h('input', { type: 'checkbox', checked: existing?.public ?? false });
  const parentOptions = data.cameras.filter((c) => c.id !== existing?.id).map((c): [string, string] => [c.id, `${c.name} · ${c.site}`]);
  const parent = select([['', t('noParent')], ...parentOptions], existing?.parentId ?? '');

  const isPrivate = h('input', { type: 'checkbox', checked: existing?.private ?? false });
  isPrivate.id = 'camera-private';
  const mayOwn = data.users.filter((u) => u.role !== 'viewer' && (!u.disabled || existing?.owners.includes(u.id)));
  const ownerBoxes = mayOwn.map((u) => h('input', { type: 'checkbox', value: u.id, checked: existing?.owners.includes(u.id) ?? false }));
  const ownersError = errors.register('owners', ownerBoxes, ownerBoxes[0] ?? tags, 'errOwner');
  const owners = h(
    'fieldset',
    { class: 'group owners' },
    h('legend', {}, t('owners')),
    h('small', { class: 'muted' }, t('ownersHint')),
    ...(mayOwn.length ? mayOwn.map((u, i) => h('label', { class: 'check' }, ownerBoxes[i]!, ` ${u.displayName} (${u.username})`)) : [h('p', { class: 'muted' }, t('noOwnersYet'))]),
    ownersError,
  );

  const labels = { name: t('name'), rtsp: t('rtspUrl'), snap: t('snapshotUrl') };
  const panel = onvifPanel({ host, port, user, pass }, errors, (p, device) => {
    const filled: [string, string][] = [];
    const put = (el: HTMLInputElement, label: string, value: string | null) => {
      if (value === null) return;
      el.value = value;
      el.classList.add('filled');
      filled.push([label, value]);
    };
    if (!name.value.trim() || name.classList.contains('filled')) put(name, labels.name, device);
    put(rtsp, labels.rtsp, p.rtspUrl);
    put(snap, labels.snap, p.snapshotUrl);
    return filled;
  }, !existing);
  for (const el of [name, rtsp, snap]) el.addEventListener('input', () => el.classList.remove('filled'));

  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  const form = h(
    'form',
    { class: 'stack card camera-form', noValidate: true },
    h('h3', {}, existing ? `${t('edit')}: ${existing.name}` : t('addCamera')),
    h('p', { class: 'muted' }, t('requiredNote')),
    h('fieldset', { class: 'group' }, h('legend', {}, t('deviceSection')),
      errors.field('onvif.host', t('onvifHost'), host, { explain: 'errHost', hint: t('endpointHint') }),
      h('div', { class: 'row' }, errors.field('onvif.port', t('port'), port), errors.field('onvif.username', t('username'), user)),
      errors.field('onvif.password', t('password'), pass),
      panel,
      errors.field('rtspUrl', t('rtspUrl'), rtsp, { explain: 'errRtspUrl' }),
      errors.field('snapshotUrl', t('snapshotUrl'), snap, { explain: 'errSnapshotUrl' }),
    ),
    h('fieldset', { class: 'group' }, h('legend', {}, t('whereSection')),
      errors.field('name', t('name'), name),
      errors.field('site', t('site'), site),
      errors.field('agency', t('agency'), agency),
      agencies,
      errors.field('externalId', t('externalId'), externalId, { hint: t('externalIdHint') }),
      h('div', { class: 'row' }, errors.field('location.lat', 'Lat', lat), errors.field('location.lng', 'Lng', lng)),
      errors.field('innovation.name', t('innovationName'), innovation),
      errors.field('innovation.launchedOn', t('launchedOn'), launched, { explain: 'errDate' }),
      h('label', { class: 'check' }, isPublic, ` ${t('publicCamera')}`),
      h('small', { class: 'muted' }, t('publicCameraHint')),
    ),
    h('fieldset', { class: 'group' }, h('legend', {}, t('alertSection')),
      owners,
      h('label', { class: 'check' }, isPrivate, ` ${t('privateCamera')}`),
      h('small', { class: 'muted' }, t('privateCameraHint')),
      errors.field('parentId', t('parentDevice'), parent, { explain: 'errParent', hint: t('parentHint') }),
      errors.field('alertGraceSec', t('alertGrace'), grace, { hint: t('alertGraceHint') }),
      errors.field('checkIntervalSec', t('checkInterval'), interval),
      errors.field('tags', t('tags'), tags, { hint: t('tagsHint') }),
    ),
    errors.summary,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t('save')), button(t('cancel'), done)),
    message,
  );
  // Checked with the rest: the server says the same, but only after a round trip.
  const crossChecks = (): [string, string][] => [
    ...(!host.value.trim() && !rtsp.value.trim() && !snap.value.trim() ? [['onvif.host', t('errNeedEndpoint')] as [string, string]] : []),
    ...(launched.value && !innovation.value.trim() ? [['innovation.name', t('errRequired')] as [string, string]] : []),
    ...(lat.value.trim() !== '' !== (lng.value.trim() !== '') ? [[lat.value.trim() ? 'location.lng' : 'location.lat', t('errRequired')] as [string, string]] : []),
  ];

  form.onsubmit = async (e) => {
    e.preventDefault();
    message.textContent = '';
    if (!errors.checkBrowser(crossChecks())) return;
    const body: Record<string, unknown> = {
      externalId: externalId.value.trim() || null,
      name: name.value.trim(),
      site: site.value.trim(),
      agency: agency.value.trim(),
      rtspUrl: rtsp.value.trim() || null,
      snapshotUrl: snap.value.trim() || null,
      checkIntervalSec: Number(interval.value),
      onvif: host.value.trim() ? { host: host.value.trim(), port: Number(port.value) || 80, username: user.value || null, ...(pass.value ? { password: pass.value } : {}) } : null,
      location: lat.value && lng.value ? { lat: Number(lat.value), lng: Number(lng.value), address: existing?.location?.address ?? null } : existing?.location?.address ? { lat: null, lng: null, address: existing.location.address } : null,
      innovation: innovation.value.trim() ? { name: innovation.value.trim(), launchedOn: launched.value || null } : null,
      owners: ownerBoxes.filter((b) => b.checked).map((b) => b.value),
      private: isPrivate.checked,
      tags: tags.value.split(',').map((s) => s.trim()).filter(Boolean),
      parentId: parent.value || null,
      public: isPublic.checked,
      alertGraceSec: grace.value.trim() === '' ? null : Math.round(Number(grace.value) * 60),
    };
    const path = existing ? `/api/cameras/${encodeURIComponent(existing.id)}` : '/api/cameras';
    const r: Answer<{ issues?: Issue[]; error?: string } | null> | null = await send<{ issues?: Issue[] } | null>(existing ? 'PATCH' : 'POST', path, body).catch(() => null);
    if (r && r.status < 300) return done();
    if (r?.body?.issues?.length) return errors.showServer(r.body.issues);
    message.textContent = !r ? t('offlineNoData') : r.status === 403 ? t('forbidden') : t('errorGeneric');
    message.className = 'note error';
  };
  return form;
}
