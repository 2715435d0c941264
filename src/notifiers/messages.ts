/**
 * Renders an `AlertMessage` once into every shape the channels need: an email subject, plain
 * text (email, WhatsApp), Telegram HTML, email HTML and a short title/body for push. Each kind
 * is first laid out as a language-neutral `Layout` (headline, cameras with labelled fields,
 * notes, links), so the five shapes cannot drift apart in what they say. Pure: the clock is
 * a parameter.
 */
import { escapeHtml, formatDuration, formatTime, isOutright, reasonText } from './message-words.js';
import type { AlertCamera, AlertMessage, Language } from './types.js';

export interface RenderedMessage {
  /** One line, no symbols: "[Pantau] Kamera mati: Gerbang Utama (Masjid Raya)". */
  subject: string;
  /** Headline with its symbol, for push titles. */
  title: string;
  /** One or two short lines, for push bodies. */
  body: string;
  /** The full message as plain text. */
  text: string;
  /** The full message for Telegram's `parse_mode: HTML`. */
  telegramHtml: string;
  /** The full message as an HTML email body; shows the snapshot when the message has one. */
  emailHtml: string;
}

/** Content-ID under which the email channel attaches the snapshot the HTML refers to. */
export const SNAPSHOT_CID = 'snapshot@pantau';
/** A group lists this many cameras and counts the rest, so a site-wide outage stays readable. */
export const MAX_LISTED_CAMERAS = 15;

interface Layout {
  symbol: string;
  headline: string;
  /** Single-camera messages show fields; groups show one line per camera. */
  detail: { camera: AlertCamera; fields: Array<[string, string]> } | null;
  list: string[];
  notes: string[];
  links: Array<{ label: string; text: string; url: string }>;
  short: string;
}

const W = {
  id: {
    innovation: 'Inovasi', site: 'Lokasi', agency: 'OPD', problem: 'Masalah', since: 'Sejak',
    cause: 'Penyebab', started: 'Mulai', recoveredAt: 'Pulih', dashboard: 'Dasbor', openDashboard: 'Buka dasbor',
    ack: 'Tandai ditangani', more: (n: number) => `… dan ${n} kamera lain`,
  },
  en: {
    innovation: 'Innovation', site: 'Site', agency: 'Agency', problem: 'Problem', since: 'Since',
    cause: 'Cause', started: 'Started', recoveredAt: 'Recovered', dashboard: 'Dashboard', openDashboard: 'Open dashboard',
    ack: 'Acknowledge', more: (n: number) => `… and ${n} more cameras`,
  },
} as const;

export function renderMessage(msg: AlertMessage, now = Date.now()): RenderedMessage {
  const layout = lay(msg, now);
  const title = `${layout.symbol} ${layout.headline}`;
  const single = layout.detail?.camera;
  const subject = `[Pantau] ${layout.headline}${single && single.site ? ` (${single.site})` : ''}`;
  return {
    subject,
    title,
    body: layout.short,
    text: toText(title, layout),
    telegramHtml: toTelegram(title, layout),
    emailHtml: toEmailHtml(layout, msg),
  };
}

function lay(msg: AlertMessage, now: number): Layout {
  const lang = msg.language;
  const w = W[lang];
  const first = msg.cameras[0];
  const at = (ms: number): string => formatTime(ms, msg.timeZone, lang);
  const links: Layout['links'] = [{ label: w.dashboard, text: w.openDashboard, url: msg.dashboardUrl }];
  if (msg.ackUrl) links.push({ label: w.ack, text: w.ack, url: msg.ackUrl });
  const base = (camera: AlertCamera): Array<[string, string]> => {
    const fields: Array<[string, string]> = [];
    if (camera.innovation) fields.push([w.innovation, camera.innovation]);
    fields.push([w.site, camera.site], [w.agency, camera.agency]);
    return fields;
  };
  const failing = (camera: AlertCamera): Layout['detail'] => ({
    camera,
    fields: [...base(camera), [w.problem, reasonText(camera.reason, lang)], [w.since, at(camera.since)]],
  });
  const pick = (id: string, en: string): string => (lang === 'id' ? id : en);
  const layout = (symbol: string, headline: string, rest: Partial<Layout> = {}): Layout => ({
    symbol, headline, detail: null, list: [], notes: [], links, short: '', ...rest,
  });
  const ongoing = (c: AlertCamera): number => c.durationSec ?? Math.max(0, (now - c.since) / 1000);
  const shortFailing = (c: AlertCamera): string => `${c.site} · ${reasonText(c.reason, lang)} · ${pick('sejak', 'since')} ${at(c.since)}`;

  if (msg.kind === 'test') {
    const note = pick(
      'Jika pesan ini sampai, notifikasi Pantau untuk kontak ini sudah berfungsi.',
      'If this reached you, Pantau alerts to this contact work.',
    );
    return layout('🧪', pick('Pesan uji Pantau', 'Pantau test message'), { notes: [note], short: note });
  }
  if (msg.kind === 'digest') {
    const lines = msg.digest?.lines ?? [];
    const headline = msg.digest?.title ?? pick('Ringkasan Pantau', 'Pantau summary');
    return layout('📊', headline, { notes: lines, short: lines.slice(0, 2).join(' · ') });
  }
  if (msg.kind === 'group' || !first) return group(msg, links, at);

  const name = first.name;
  const isDown = first.status === 'down';
  const state = isDown ? pick('mati', 'down') : pick('bermasalah', 'degraded');
  switch (msg.kind) {
    case 'down':
      return layout('🔴', pick(`Kamera mati: ${name}`, `Camera down: ${name}`), { detail: failing(first), short: shortFailing(first) });
    case 'degraded':
      return layout('🟠', pick(`Kamera bermasalah: ${name}`, `Camera degraded: ${name}`), {
        detail: failing(first),
        short: shortFailing(first),
      });
    case 'flapping': {
      const note = pick(
        'Status kamera berganti-ganti antara hidup dan mati; notifikasi ditahan sampai stabil.',
        'Its status keeps changing between up and down; alerts are held until it settles.',
      );
      return layout('🔁', pick(`Kamera tidak stabil: ${name}`, `Camera flapping: ${name}`), {
        detail: failing(first),
        notes: [note],
        short: `${first.site} · ${note}`,
      });
    }
    case 'recovered': {
      const fields: Array<[string, string]> = [...base(first), [w.cause, reasonText(first.reason, lang)], [w.started, at(first.since)]];
      if (first.durationSec !== undefined) fields.push([w.recoveredAt, at(first.since + first.durationSec * 1000)]);
      const lasted = first.durationSec === undefined ? null : lastedNote(first, lang);
      return layout('🟢', pick(`Kamera pulih: ${name}`, `Camera recovered: ${name}`), {
        detail: { camera: first, fields },
        notes: lasted ? [lasted] : [],
        short: lasted ? `${first.site} · ${lasted}` : first.site,
      });
    }
    case 'reminder': {
      const d = formatDuration(ongoing(first), lang);
      const note = pick(`Sudah ${state} selama ${d}.`, `${isDown ? 'Down' : 'Degraded'} for ${d} so far.`);
      return layout('🔔', pick(`Pengingat: ${name} masih ${state}`, `Reminder: ${name} is still ${state}`), {
        detail: failing(first),
        notes: [note],
        short: `${first.site} · ${note}`,
      });
    }
    case 'escalation': {
      const d = formatDuration(ongoing(first), lang);
      const note = pick(
        `Kamera milik ${first.agency} ini sudah ${state} selama ${d} tanpa tanggapan dari pemiliknya.`,
        `This camera of ${first.agency} has been ${state} for ${d} with no response from its owners.`,
      );
      return layout('⚠️', pick(`Eskalasi: ${name} belum ditangani`, `Escalation: ${name} not acknowledged`), {
        detail: failing(first),
        notes: [note],
        short: `${first.site} · ${note}`,
      });
    }
  }
}

function lastedNote(c: AlertCamera, lang: Language): string {
  const d = formatDuration(c.durationSec ?? 0, lang);
  if (lang === 'id') return `Pulih setelah ${isOutright(c.reason) ? 'mati' : 'bermasalah'} selama ${d}.`;
  return `Back up after being ${isOutright(c.reason) ? 'down' : 'degraded'} for ${d}.`;
}

function group(msg: AlertMessage, links: Layout['links'], at: (ms: number) => string): Layout {
  const lang = msg.language;
  const n = msg.cameras.length;
  const sites = [...new Set(msg.cameras.map((c) => c.site))];
  const allDown = msg.cameras.every((c) => c.status === 'down');
  const where = sites.length === 1
    ? (lang === 'id' ? `di ${sites[0]}` : `at ${sites[0]}`)
    : (lang === 'id' ? `di ${sites.length} lokasi` : `at ${sites.length} sites`);
  const headline = lang === 'id'
    ? `${n} kamera ${allDown ? 'mati' : 'bermasalah'} ${where}`
    : `${n} camera${n === 1 ? '' : 's'} ${allDown ? 'down' : 'with problems'} ${where}`;
  const since = lang === 'id' ? 'sejak' : 'since';
  const list = msg.cameras.slice(0, MAX_LISTED_CAMERAS).map((c) => {
    const label = c.innovation ? `${c.name} (${c.innovation})` : c.name;
    const place = sites.length === 1 ? '' : ` @ ${c.site}`;
    return `${label}${place}: ${reasonText(c.reason, lang)}, ${since} ${at(c.since)}`;
  });
  if (n > MAX_LISTED_CAMERAS) list.push(W[lang].more(n - MAX_LISTED_CAMERAS));
  const names = msg.cameras.slice(0, 3).map((c) => c.name).join(', ') + (n > 3 ? ', …' : '');
  return { symbol: allDown ? '🔴' : '🟠', headline, detail: null, list, notes: [], links, short: names };
}

function toText(title: string, l: Layout): string {
  const out = [title];
  if (l.detail) out.push('', l.detail.camera.name, ...l.detail.fields.map(([k, v]) => `${k}: ${v}`));
  if (l.list.length > 0) out.push('', ...l.list.map((line) => (line.startsWith('…') ? line : `• ${line}`)));
  if (l.notes.length > 0) out.push('', ...l.notes);
  out.push('', ...l.links.map((link) => `${link.label}: ${link.url}`));
  return out.join('\n');
}

function toTelegram(title: string, l: Layout): string {
  const e = escapeHtml;
  const out = [`<b>${e(title)}</b>`];
  if (l.detail) out.push('', `<b>${e(l.detail.camera.name)}</b>`, ...l.detail.fields.map(([k, v]) => `${e(k)}: ${e(v)}`));
  if (l.list.length > 0) out.push('', ...l.list.map((line) => (line.startsWith('…') ? e(line) : `• ${e(line)}`)));
  if (l.notes.length > 0) out.push('', ...l.notes.map(e));
  out.push('', l.links.map((link) => `<a href="${e(link.url)}">${e(link.text)}</a>`).join(' · '));
  return out.join('\n');
}

function toEmailHtml(l: Layout, msg: AlertMessage): string {
  const e = escapeHtml;
  const parts = [`<!doctype html><html lang="${msg.language}"><body style="font-family:sans-serif">`, `<h2>${e(l.headline)}</h2>`];
  if (l.detail) {
    parts.push(`<p><b>${e(l.detail.camera.name)}</b></p><table>`);
    for (const [k, v] of l.detail.fields) parts.push(`<tr><td>${e(k)}</td><td>${e(v)}</td></tr>`);
    parts.push('</table>');
  }
  if (l.list.length > 0) parts.push(`<ul>${l.list.map((line) => `<li>${e(line)}</li>`).join('')}</ul>`);
  for (const note of l.notes) parts.push(`<p>${e(note)}</p>`);
  if (msg.snapshot) {
    const alt = msg.language === 'id' ? 'cuplikan kamera' : 'camera snapshot';
    parts.push(`<p><img src="cid:${SNAPSHOT_CID}" alt="${alt}" style="max-width:100%"></p>`);
  }
  parts.push(`<p>${l.links.map((link) => `<a href="${e(link.url)}">${e(link.text)}</a>`).join(' · ')}</p>`);
  parts.push('</body></html>');
  return parts.join('\n');
}
