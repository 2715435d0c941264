/**
 * "Read from the device" and "find devices" for the camera form: progress and the answer
 * right by the buttons, in the user's language; the admin picks the stream profile (the
 * smallest, a sub-stream, is chosen first: it suits phones) and sees what was filled in.
 */
import { send, type Answer } from '../api';
import { button, h } from '../dom';
import { t, type Key } from '../i18n';
import { fill, type FieldErrors, type Issue } from './admin-form-errors';

export interface Profile {
  token: string;
  name: string | null;
  encoding: string | null;
  width: number | null;
  height: number | null;
  rtspUrl: string | null;
  snapshotUrl: string | null;
}

interface Inspected {
  manufacturer: string | null;
  model: string | null;
  profiles: Profile[];
}

const ONVIF_CODES: Record<string, Key> = {
  onvif_unauthorized: 'onvifUnauthorized',
  onvif_unreachable: 'onvifUnreachable',
  onvif_timeout: 'onvifTimeout',
  onvif_not_onvif: 'onvifNotOnvif',
  onvif_clock_skew: 'onvifClockSkew',
  onvif_no_profiles: 'onvifNoProfiles',
  onvif_bad_response: 'onvifBadResponse',
};

export interface OnvifInputs {
  host: HTMLInputElement;
  port: HTMLInputElement;
  user: HTMLInputElement;
  pass: HTMLInputElement;
}

/** Smallest picture first: a sub-stream is what a phone on 3G can play. */
const pixels = (p: Profile) => (p.width ?? Infinity) * (p.height ?? Infinity);

export function onvifPanel(
  inputs: OnvifInputs,
  errors: FieldErrors,
  /** Puts a profile's URLs (and the device's name) into the form; returns what it filled, as [label, value]. */
  apply: (p: Profile, device: string) => [string, string][],
  withDiscovery: boolean,
): HTMLElement {
  const status = h('p', { class: 'inspect-status note', attrs: { role: 'status', 'aria-live': 'polite' } });
  const picker = h('div', {});
  const filled = h('div', { class: 'filled-list' });
  const say = (text: string, cls: 'note' | 'error' | 'ok') => {
    status.textContent = text;
    status.className = `inspect-status ${cls}`;
  };

  const inspect = button(t('inspect'), async () => {
    errors.clear();
    if (!inputs.host.value.trim()) return void errors.checkBrowser([['onvif.host', t('errRequired')]]);
    inspect.disabled = true;
    say(t('inspecting'), 'note');
    picker.replaceChildren();
    filled.replaceChildren();
    const body = { host: inputs.host.value.trim(), port: Number(inputs.port.value) || 80, username: inputs.user.value || undefined, password: inputs.pass.value || undefined };
    const r = await send<Inspected>('POST', '/api/onvif/inspect', body).catch(() => null);
    inspect.disabled = false;
    if (!r) return say(t('offlineNoData'), 'error');
    if (r.status !== 200) return failed(r);
    const device = [r.body.manufacturer, r.body.model].filter(Boolean).join(' ') || inputs.host.value.trim();
    const profiles = [...r.body.profiles].sort((a, b) => pixels(a) - pixels(b));
    say(fill('inspectFound', { device, n: profiles.length }), 'ok');
    const choose = (p: Profile) => {
      const what = apply(p, device);
      filled.replaceChildren(
        h('p', { class: 'muted' }, t('filledIn')),
        h('ul', {}, ...what.map(([label, value]) => h('li', {}, h('strong', {}, `${label}: `), value))),
      );
    };
    const radios = profiles.map((p, i) => {
      const radio = h('input', { type: 'radio', name: 'onvif-profile', value: String(i), checked: i === 0 });
      radio.onchange = () => choose(p);
      const size = p.width && p.height ? ` ${p.width}×${p.height}` : '';
      return h('label', { class: 'check' }, radio, ` ${p.name ?? p.token}${size}${p.encoding ? ` ${p.encoding}` : ''}${i === 0 && profiles.length > 1 ? ` (${t('smallest')})` : ''}`);
    });
    picker.replaceChildren(h('fieldset', { class: 'group' }, h('legend', {}, t('streamProfile')), h('small', { class: 'muted' }, t('subStreamHint')), ...radios));
    if (profiles[0]) choose(profiles[0]);
  });

  const failed = (r: Answer<unknown>) => {
    const b = r.body as { error?: string; issues?: Issue[] } | null;
    if (b?.issues?.length) {
      // The host or port is wrong: say so by the field, and point there from the button.
      errors.showServer(b.issues.map((i) => ({ ...i, path: `onvif.${i.path}` })));
      return say(t('inspectFixFields'), 'error');
    }
    const key = ONVIF_CODES[b?.error ?? ''];
    say(key ? t(key) : t('errorGeneric'), 'error');
  };

  const found = h('ul', { class: 'found' });
  const discover = button(t('discover'), async () => {
    found.replaceChildren(h('li', {}, t('discovering')));
    const r = await send<{ address: string; name: string | null; hardware: string | null }[]>('POST', '/api/onvif/discover', {}).catch(() => null);
    const devices = r?.status === 200 ? r.body : [];
    found.replaceChildren(
      ...(devices.length
        ? devices.map((d) => h('li', {}, button(`${d.address} ${d.name ?? ''} ${d.hardware ?? ''}`, () => void (inputs.host.value = d.address))))
        : [h('li', { class: 'muted' }, t('nothingFound'))]),
    );
  });

  return h('div', { class: 'onvif-panel' }, h('div', { class: 'row' }, inspect, withDiscovery ? discover : null), status, found, picker, filled);
}
