/**
 * The public status page as server-rendered HTML (and its iframe widget and SVG badge), from
 * the public data alone. No inline script or style: the strict CSP holds; every value is
 * escaped. The 90 day bars carry their numbers compactly in data attributes, which the tiny
 * status.js turns into a readable line on tap or hover; without it the page still reads.
 */
import type { ZoneThresholds } from '../../domain/agency-report.js';
import type { PublicAgencyEntry, PublicCameraEntry, PublicStatus } from '../../services/status-page.js';
import { percent, WORDS, type Lang, type Words } from './words.js';

export interface PageAssets {
  css: string;
  js: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const e = escapeHtml;

function barClass(uptime: number | null, t: ZoneThresholds): string {
  if (uptime === null) return 'n';
  if (uptime + 1e-9 >= t.green) return 'g';
  if (uptime + 1e-9 >= t.yellow) return 'y';
  return 'r';
}

function dateTime(w: Words, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(w.locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(iso));
}

function head(w: Words, lang: Lang, title: string, assets: PageAssets): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title><link rel="stylesheet" href="${assets.css}"></head>`;
}

function bars(c: PublicCameraEntry, status: PublicStatus, w: Words): string {
  const first = c.days[0]?.date ?? '';
  // Per mille, floored: 99.96 % must not read as 100 %.
  const u = c.days.map((d) => (d.uptime === null ? '' : String(Math.floor(d.uptime * 1000)))).join(',');
  const o = c.days.map((d) => String(d.outages)).join(',');
  const cells = c.days.map((d) => `<i class="${barClass(d.uptime, status.thresholds)}"></i>`).join('');
  return `<div class="bars" tabindex="0" role="img" aria-label="${e(w.days90)}" data-start="${first}" data-u="${u}" data-o="${o}">${cells}</div><p class="day" aria-live="polite">${e(w.tapHint)}</p>`;
}

function outageLine(c: PublicCameraEntry, status: PublicStatus, w: Words): string {
  const o = c.outage!;
  const note = o.note ? `<p class="note">${e(o.note)}</p>` : '';
  return `<li class="outage"><b>${e(c.name)}</b> <span class="st st-${c.state}">${e(w.state[c.state])}</span><br><span class="muted">${e(c.agency)} · ${e(c.site)}</span><br>${e(w.startedAt)} ${e(dateTime(w, o.start, status.timeZone))}, ${e(w.lasting)} ${e(w.duration(o.durationSec))} · <span class="ack ${o.acknowledged ? 'on' : 'off'}">${e(o.acknowledged ? w.onIt : w.notOnIt)}</span>${note}</li>`;
}

function cameraCard(c: PublicCameraEntry, status: PublicStatus, w: Words): string {
  const meta = [c.site, c.innovation].filter((x): x is string => !!x).map(e).join(' · ');
  return `<article class="cam"><h3>${e(c.name)} <span class="st st-${c.state}">${e(w.state[c.state])}</span></h3><p class="muted">${meta}</p><p>${e(w.uptime30)} <b class="z-${c.zone}">${e(percent(w, c.uptime30d))}</b> · ${e(w.uptime90)} <b>${e(percent(w, c.uptime90d))}</b></p>${bars(c, status, w)}</article>`;
}

function zoneRow(a: PublicAgencyEntry, w: Words, lang: Lang): string {
  return `<li><a href="/status/${encodeURIComponent(a.slug)}${lang === 'en' ? '?lang=en' : ''}">${e(a.agency)}</a> <span class="zone z-${a.zone}">${e(w.zone[a.zone])}</span> <b>${e(percent(w, a.uptime30d))}</b> <span class="muted">${e(w.cameras(a.cameras))}</span></li>`;
}

function thresholdsNote(status: PublicStatus, w: Words): string {
  return w.zonesNote(percent(w, status.thresholds.green, 0), percent(w, status.thresholds.yellow, 0));
}

/**
 * Past this many public cameras the page of all agencies lists zones and open outages only, and
 * each agency's page its cameras: the first load stays under 30 KB gzip (about 0.15 KB a camera).
 */
export const MAX_CAMERAS_ON_ALL = 60;

/** The page: all public cameras, or one agency's (`agency` set). */
export function renderPage(status: PublicStatus, lang: Lang, assets: PageAssets, agency?: PublicAgencyEntry): string {
  const w = WORDS[lang];
  const cameras = agency ? status.cameras.filter((c) => c.agency === agency.agency) : status.cameras;
  const agencies = agency ? [agency] : status.agencies;
  const self = agency ? `/status/${encodeURIComponent(agency.slug)}` : '/status';
  const other = w.otherLang === 'id' ? self : `${self}?lang=${w.otherLang}`;
  const title = agency ? `${agency.agency} · ${status.title}` : status.title;
  const open = cameras.filter((c) => c.outage);
  const nav = [`<a href="/status${lang === 'en' ? '?lang=en' : ''}"${agency ? '' : ' aria-current="page"'}>${e(w.allAgencies)}</a>`]
    .concat(status.agencies.map((a) => `<a href="/status/${encodeURIComponent(a.slug)}${lang === 'en' ? '?lang=en' : ''}"${a === agency ? ' aria-current="page"' : ''}>${e(a.agency)}</a>`))
    .join(' ');
  const group = (a: PublicAgencyEntry) => {
    const members = cameras.filter((c) => c.agency === a.agency);
    return members.length ? `<section class="agency"><h2>${e(a.agency)}</h2>${members.map((c) => cameraCard(c, status, w)).join('')}</section>` : '';
  };
  const groups = !agency && cameras.length > MAX_CAMERAS_ON_ALL ? `<p>${e(w.pickAgency)}</p>` : agencies.map(group).join('');
  const query = agency ? `?agency=${encodeURIComponent(agency.slug)}` : '';
  const plural = (n: number) => w.outagesOnDay(n);
  return (
    head(w, lang, title, assets) +
    `<body data-nodata="${e(w.noData)}" data-o0="${e(plural(0))}" data-o1="${e(plural(1))}" data-on="${e(plural(2).replace('2', '{n}'))}">` +
    `<header><p class="lang"><a href="${other}" hreflang="${w.otherLang}" lang="${w.otherLang}" id="lang">${e(w.other)}</a></p><h1>${e(title)}</h1><nav>${nav}</nav></header><main>` +
    `<section><h2>${e(w.openHeading)}</h2>${open.length ? `<ul class="list">${open.map((c) => outageLine(c, status, w)).join('')}</ul>` : `<p>${e(w.noOpen)}</p>`}</section>` +
    `<section><h2>${e(w.agenciesHeading)}</h2>${agencies.length ? `<ul class="list">${agencies.map((a) => zoneRow(a, w, lang)).join('')}</ul>` : `<p>${e(w.noCameras)}</p>`}<p class="muted">${e(thresholdsNote(status, w))}</p></section>` +
    groups +
    `</main><footer><p>${e(w.updated)} ${e(dateTime(w, status.generatedAt, status.timeZone))}</p><p>${e(w.openData)}: <a href="/status.json${query}">JSON</a> · <a href="/status.csv${query}">CSV</a></p></footer>` +
    `<script src="${assets.js}" defer></script></body></html>`
  );
}

/** The small page an agency's website shows in an iframe: its zone, uptime and state counts. */
export function renderWidget(status: PublicStatus, lang: Lang, assets: PageAssets, agency?: PublicAgencyEntry): string {
  const w = WORDS[lang];
  const { cameras, uptime, zone } = summaryOf(status, agency);
  const dark = cameras.filter((c) => c.state === 'down' || c.state === 'degraded').length;
  const href = `/status${agency ? `/${encodeURIComponent(agency.slug)}` : ''}${lang === 'en' ? '?lang=en' : ''}`;
  return (
    head(w, lang, agency?.agency ?? status.title, assets) +
    `<body class="widget"><p><b>${e(agency?.agency ?? status.title)}</b></p><p>${e(w.uptime30)} <span class="zone z-${zone}">${e(percent(w, uptime))}</span></p>` +
    `<p class="muted">${e(w.cameras(cameras.length))} · ${e(w.state.down)}/${e(w.state.degraded)}: ${dark}</p><p><a href="${href}" target="_blank" rel="noopener">${e(w.details)}</a></p></body></html>`
  );
}

/** One agency's (or every public camera's) cameras, mean 30-day uptime and zone. */
function summaryOf(status: PublicStatus, agency?: PublicAgencyEntry) {
  if (agency) return { cameras: status.cameras.filter((c) => c.agency === agency.agency), uptime: agency.uptime30d, zone: agency.zone };
  const known = status.cameras.map((c) => c.uptime30d).filter((u): u is number => u !== null);
  const uptime = known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
  return { cameras: status.cameras, uptime, zone: zoneFor(uptime, status.thresholds) };
}

function zoneFor(uptime: number | null, t: ZoneThresholds): 'green' | 'yellow' | 'red' | 'unknown' {
  const c = barClass(uptime, t);
  return c === 'g' ? 'green' : c === 'y' ? 'yellow' : c === 'r' ? 'red' : 'unknown';
}

const BADGE_COLOUR = { green: '#2e7d32', yellow: '#b58900', red: '#c62828', unknown: '#6b7280' } as const;

/** A shields-style SVG: "CCTV aktif | 99,5 %" coloured by zone. */
export function renderBadge(status: PublicStatus, lang: Lang, agency?: PublicAgencyEntry): string {
  const w = WORDS[lang];
  const { uptime, zone } = summaryOf(status, agency);
  const label = w.badgeLabel;
  const value = percent(w, uptime);
  const lw = Math.round(label.length * 6.6 + 12);
  const vw = Math.round(value.length * 7 + 12);
  const title = `${agency?.agency ?? status.title}: ${w.uptime30} ${value}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${lw + vw}" height="20" role="img" aria-label="${e(title)}"><title>${e(title)}</title>` +
    `<rect width="${lw}" height="20" fill="#444"/><rect x="${lw}" width="${vw}" height="20" fill="${BADGE_COLOUR[zone]}"/>` +
    `<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11"><text x="6" y="14">${e(label)}</text><text x="${lw + 6}" y="14">${e(value)}</text></g></svg>`
  );
}
