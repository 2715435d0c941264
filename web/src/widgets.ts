/** Small pieces shared by pages: a status in colour and words, "since", and an uptime bar. */
import { ageText, h } from './dom';
import { duration, formatWhen, percent, reasonWord, statusWord, t } from './i18n';
import type { StatusName } from './types';

export const isDark = (s: StatusName) => s === 'down' || s === 'degraded';

/** Colour and word together: the colour alone would fail colour-blind eyes and sunlight. */
export function statusLine(s: { status: StatusName; reason: string; flapping: boolean }): HTMLElement {
  const reason = s.status === 'up' || s.reason === 'ok' ? null : reasonWord(s.reason);
  return h(
    'p',
    { class: `status st-${s.status}` },
    h('span', { class: 'dot', attrs: { 'aria-hidden': 'true' } }),
    h('strong', {}, statusWord(s.status)),
    reason ? ` · ${reason}` : null,
    s.flapping ? h('span', { class: 'flap' }, ` · ${t('flapping')}`) : null,
  );
}

export function sinceLine(since: string): HTMLElement {
  const ms = Date.parse(since);
  const span = h('p', { class: 'since' }, `${t('since')} ${formatWhen(ms)} (`, ageText(ms), ')');
  return span;
}

/** The report's zones: green from 99 %, yellow from 95 %, red below; unknown when nothing was known. */
export const zoneOf = (value: number | null) => (value === null ? 'unknown' : value >= 0.99 ? 'green' : value >= 0.95 ? 'yellow' : 'red');

/** A bar as wide as the uptime; red enough to notice below 95 %. */
export function uptimeBar(label: string, value: number | null): HTMLElement {
  const pct = value === null ? 0 : Math.max(0, Math.min(1, value)) * 100;
  const zone = zoneOf(value);
  const text = `${label}: ${percent(value)}`;
  const fill = h('span', { class: 'uptime-fill' });
  // Through the CSSOM: the Content-Security-Policy refuses style="" attributes.
  fill.style.width = `${pct.toFixed(1)}%`;
  return h(
    'div',
    { class: `uptime zone-${zone}`, attrs: { role: 'img', 'aria-label': text } },
    h('span', { class: 'uptime-label' }, label),
    h('span', { class: 'uptime-track' }, fill),
    h('span', { class: 'uptime-value' }, percent(value)),
  );
}

export const lasted = (sec: number) => duration(sec * 1000);
