/**
 * The leadership report on the report page: per innovation (or agency) its state — healthy, at
 * risk, dying, dead — with launch, cameras, days monitored, uptime since launch and a bar per
 * month, days dark, the longest outage and outages by cause. One card per group on a phone;
 * the print stylesheet lays the cards out on A4. CSV from the same API.
 */
import { get } from '../api';
import { field, h, select } from '../dom';
import { duration, fill, percent, t, type Key } from '../i18n';
import { OUTAGE_CAUSES, type OutageCause } from '../types';
import { zoneOf } from '../widgets';
import { causeWord } from './outage-record';

type State = 'healthy' | 'at_risk' | 'dying' | 'dead' | 'unknown';

interface Group {
  group: string;
  launchedOn: string | null;
  cameras: number;
  daysMonitored: number;
  uptimeSinceLaunch: number | null;
  months: { month: string; uptime: number | null }[];
  daysDark: number;
  longestOutageSec: number;
  outages: number;
  outagesByCause: Record<OutageCause, number>;
  unrecorded: number;
  darkNow: number;
  state: State;
}

interface InnovationReport {
  by: 'innovation' | 'agency';
  generatedAt: string;
  groups: Group[];
}

const BY_KEY = 'pantau.reportBy';

export async function innovationSection(rerender: () => void): Promise<HTMLElement> {
  const by = sessionStorage.getItem(BY_KEY) === 'agency' ? 'agency' : 'innovation';
  const res = await get<InnovationReport>(`/api/reports/innovations?by=${by}`);
  const choose = select([['innovation', t('innovation')], ['agency', t('agency')]], by, (v) => {
    sessionStorage.setItem(BY_KEY, v);
    rerender();
  });
  const csv = h('a', { href: `/api/reports/innovations?by=${by}&format=csv`, class: 'button', download: `pantau-${by === 'agency' ? 'opd' : 'inovasi'}.csv` }, t('downloadCsv'));
  const groups = res.status === 200 && Array.isArray(res.body?.groups) ? res.body.groups : [];
  return h(
    'section',
    { class: 'innovations' },
    h('h2', {}, t(by === 'agency' ? 'agenciesStateTitle' : 'innovationsTitle')),
    h('div', { class: 'row no-print' }, field(t('groupBy'), choose), csv),
    groups.length ? h('ul', { class: 'innovation-list' }, ...groups.map(card)) : h('p', { class: 'muted' }, t('noInnovations')),
  );
}

function card(g: Group): HTMLElement {
  const causes = OUTAGE_CAUSES.filter((c) => g.outagesByCause[c] > 0).map((c) => h('li', {}, `${causeWord(c)}: ${g.outagesByCause[c]}`));
  if (g.unrecorded > 0) causes.push(h('li', {}, `${t('causeUnrecorded')}: ${g.unrecorded}`));
  const row = (label: Key, value: string) => h('div', { class: 'kv' }, h('dt', {}, t(label)), h('dd', {}, value));
  return h(
    'li',
    { class: `innovation state-${g.state}` },
    h('h3', {}, g.group || t('noInnovationName'), ' ', h('span', { class: `state-chip state-${g.state}` }, t(`state_${g.state}` as Key))),
    h(
      'dl',
      {},
      row('launchedOn', g.launchedOn ?? '–'),
      row('cameras', g.darkNow ? `${g.cameras} (${fill('darkNowN', { n: g.darkNow })})` : String(g.cameras)),
      row('daysMonitored', String(g.daysMonitored)),
      row('uptimeSinceLaunch', percent(g.uptimeSinceLaunch)),
      row('daysDark', g.daysDark.toFixed(1)),
      row('longestOutage', g.longestOutageSec > 0 ? duration(g.longestOutageSec * 1000) : '–'),
      row('outagesCount', String(g.outages)),
    ),
    trend(g.months),
    causes.length ? h('div', {}, h('h4', {}, t('outagesByCause')), h('ul', { class: 'cause-list' }, ...causes)) : null,
  );
}

/** A small bar per month, oldest on the left, its height and colour by that month's uptime; the numbers for screen readers. */
function trend(months: Group['months']): HTMLElement {
  const shown = months.slice(-24);
  const bars = shown.map((m) => {
    const bar = h('span', { class: `month zone-${zoneOf(m.uptime)}`, title: `${m.month}: ${percent(m.uptime)}` });
    // CSSOM, not a style attribute: the Content-Security-Policy allows no inline styles.
    bar.style.height = `${Math.max(4, Math.round((m.uptime ?? 0) * 100))}%`;
    return bar;
  });
  const text = shown.map((m) => `${m.month} ${percent(m.uptime)}`).join(', ');
  return h(
    'div',
    { class: 'trend' },
    h('h4', {}, t('monthlyTrend')),
    h('div', { class: 'month-bars', attrs: { role: 'img', 'aria-label': text } }, ...bars),
    shown.length ? h('p', { class: 'trend-ends muted' }, h('span', {}, shown[0]!.month), h('span', {}, shown.at(-1)!.month)) : null,
  );
}
