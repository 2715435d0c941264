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

const HOUR_MS = 3_600_000;

/**
 * Uptime over a window, honest about cameras younger than it: under an hour old there is no
 * figure worth showing, only since when it is watched; younger than the window, the figure is
 * labelled with when monitoring began (the server counts only time it knew).
 */
export function uptimeOver(label: string, windowMs: number, value: number | null, monitoredFrom: number): HTMLElement {
  const age = Date.now() - monitoredFrom;
  if (age >= windowMs) return uptimeBar(label, value);
  const at = formatWhen(monitoredFrom);
  if (age < HOUR_MS) return h('p', { class: 'uptime uptime-new' }, t('newSince').replace('{at}', at));
  return uptimeBar(t('monitoredSince').replace('{at}', at), value);
}

/** "Ditangani oleh budi sejak 14.05 WITA", or that nobody is on it yet. */
export function handledLine(ack: { by: string; at: string } | null): HTMLElement {
  return ack
    ? h('p', { class: 'acked' }, t('handledBy').replace('{by}', ack.by).replace('{at}', formatWhen(ack.at)))
    : h('p', { class: 'not-handled' }, t('notHandled'));
}
