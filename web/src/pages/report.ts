/**
 * The agency (OPD) report: each agency's uptime and zone, and the innovations dark for more
 * than a week. Printable (the print stylesheet drops the navigation), and downloadable as CSV.
 */
import { get } from '../api';
import { button, field, h, select } from '../dom';
import { duration, formatWhen, percent, statusWord, t, windowWord } from '../i18n';
import type { Ctx, Page } from '../page';
import type { StatusName } from '../types';
import { innovationSection } from './report-innovations';

interface Report {
  window: string;
  from: string;
  to: string;
  agencies: { agency: string; cameras: number; uptime: number | null; zone: 'green' | 'yellow' | 'red' | 'unknown'; statuses: Record<string, number>; dark: number }[];
  dark: { cameraId: string; cameraName?: string; agency: string; innovation?: string; status: StatusName; since: number; darkForMs: number }[];
}

const WINDOW_KEY = 'pantau.reportWindow';
const ZONE_WORD = { green: 'zoneGreen', yellow: 'zoneYellow', red: 'zoneRed', unknown: 'zoneUnknown' } as const;

export async function reportPage(ctx: Ctx): Promise<Page> {
  const window = sessionStorage.getItem(WINDOW_KEY) ?? '30d';
  const [res, innovations] = await Promise.all([get<Report>(`/api/reports/agencies?window=${window}`), innovationSection(() => ctx.rerender())]);
  const report = res.body;
  const choose = select(['24h', '7d', '30d', '90d', '365d'].map((w) => [w, windowWord(w)]), window, (w) => {
    sessionStorage.setItem(WINDOW_KEY, w);
    ctx.rerender();
  });
  const csv = h('a', { href: `/api/reports/agencies?window=${window}&format=csv`, class: 'button', download: `pantau-opd-${window}.csv` }, t('downloadCsv'));
  const rows = report.agencies.map((a) =>
    h(
      'tr',
      { class: `zone-${a.zone}` },
      h('th', { scope: 'row' }, a.agency),
      h('td', { data: { label: t('cameras') } }, String(a.cameras)),
      h('td', { data: { label: t('uptimeTitle') } }, percent(a.uptime)),
      h('td', { data: { label: t('zone') } }, h('span', { class: `zone-chip zone-${a.zone}` }, t(ZONE_WORD[a.zone]))),
      h('td', { data: { label: t('darkCol') } }, String(a.dark)),
    ),
  );
  const dark = report.dark.map((d) =>
    h(
      'li',
      { class: `dark-row st-${d.status}` },
      h('a', { href: `#/kamera/${encodeURIComponent(d.cameraId)}` }, h('strong', {}, d.innovation ?? d.cameraName ?? d.cameraId)),
      h('span', {}, `${d.cameraName ?? ''} · ${d.agency}`),
      h('span', {}, `${statusWord(d.status)} · ${t('since')} ${formatWhen(d.since, true)} (${duration(d.darkForMs)})`),
    ),
  );
  const node = h(
    'article',
    { class: 'report' },
    h('h1', {}, t('reportTitle')),
    h('p', { class: 'muted print-only' }, `${t('window')}: ${windowWord(window)} · ${formatWhen(report.from, true)} – ${formatWhen(report.to, true)} · ${t('printedAt')} ${formatWhen(Date.now(), true)}`),
    innovations,
    h('h2', {}, t('zone')),
    h('div', { class: 'row no-print' }, field(t('window'), choose), button(t('print'), () => print()), csv),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ...[t('agency'), t('cameras'), t('uptimeTitle'), t('zone'), t('darkCol')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, ...rows),
      ),
    ),
    h('h2', {}, t('darkLong')),
    dark.length ? h('ul', { class: 'dark-list' }, ...dark) : h('p', { class: 'muted' }, t('noneDark')),
  );
  return { node };
}
