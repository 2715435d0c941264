/** The public status page's words: Bahasa Indonesia first, English second. */
import type { Zone } from '../../domain/agency-report.js';
import type { PublicState } from '../../services/status-page.js';

export type Lang = 'id' | 'en';
export const LANGS: readonly Lang[] = ['id', 'en'];

export interface Words {
  locale: string;
  other: string;
  otherLang: Lang;
  allAgencies: string;
  agenciesHeading: string;
  camerasHeading: string;
  openHeading: string;
  noOpen: string;
  noCameras: string;
  cameras: (n: number) => string;
  uptime30: string;
  uptime90: string;
  days90: string;
  today: string;
  state: Record<PublicState, string>;
  zone: Record<Zone, string>;
  zonesNote: (green: string, yellow: string) => string;
  since: string;
  startedAt: string;
  lasting: string;
  onIt: string;
  notOnIt: string;
  updated: string;
  openData: string;
  noData: string;
  outagesOnDay: (n: number) => string;
  tapHint: string;
  duration: (sec: number) => string;
  badgeLabel: string;
  details: string;
  pickAgency: string;
}

const durationIn = (d: string, h: string, m: string) => (sec: number) => {
  const mins = Math.floor(sec / 60);
  if (mins < 60) return `${mins} ${m}`;
  const hours = Math.floor(mins / 60);
  if (hours < 48) return `${hours} ${h} ${mins % 60} ${m}`;
  return `${Math.floor(hours / 24)} ${d} ${hours % 24} ${h}`;
};

export const WORDS: Record<Lang, Words> = {
  id: {
    locale: 'id-ID',
    other: 'English',
    otherLang: 'en',
    allAgencies: 'Semua OPD',
    agenciesHeading: 'Zona per OPD (uptime 30 hari)',
    camerasHeading: 'Kamera',
    openHeading: 'Gangguan yang sedang berlangsung',
    noOpen: 'Tidak ada gangguan saat ini.',
    noCameras: 'Belum ada kamera publik.',
    cameras: (n) => `${n} kamera`,
    uptime30: 'Uptime 30 hari',
    uptime90: '90 hari',
    days90: '90 hari terakhir',
    today: 'hari ini',
    state: { up: 'Aktif', degraded: 'Terganggu', down: 'Mati', unknown: 'Belum diketahui', paused: 'Pemeliharaan' },
    zone: { green: 'Hijau', yellow: 'Kuning', red: 'Merah', unknown: 'Belum ada data' },
    zonesNote: (g, y) => `Hijau: uptime ≥ ${g}; kuning: ≥ ${y}; merah: di bawahnya.`,
    since: 'sejak',
    startedAt: 'Mulai',
    lasting: 'sudah',
    onIt: 'Sedang ditangani',
    notOnIt: 'Belum ditangani',
    updated: 'Diperbarui',
    openData: 'Data terbuka',
    noData: 'tidak ada data',
    outagesOnDay: (n) => (n === 0 ? 'tanpa gangguan' : `${n} gangguan`),
    tapHint: 'Ketuk satu hari untuk rinciannya.',
    duration: durationIn('hari', 'jam', 'menit'),
    badgeLabel: 'CCTV aktif',
    details: 'Lihat status lengkap',
    pickAgency: 'Pilih OPD di atas untuk melihat tiap kameranya.',
  },
  en: {
    locale: 'en-GB',
    other: 'Bahasa Indonesia',
    otherLang: 'id',
    allAgencies: 'All agencies',
    agenciesHeading: 'Zones per agency (30-day uptime)',
    camerasHeading: 'Cameras',
    openHeading: 'Outages now',
    noOpen: 'No outages right now.',
    noCameras: 'No public cameras yet.',
    cameras: (n) => `${n} camera${n === 1 ? '' : 's'}`,
    uptime30: '30-day uptime',
    uptime90: '90 days',
    days90: 'Last 90 days',
    today: 'today',
    state: { up: 'Up', degraded: 'Degraded', down: 'Down', unknown: 'Not known yet', paused: 'Maintenance' },
    zone: { green: 'Green', yellow: 'Yellow', red: 'Red', unknown: 'No data yet' },
    zonesNote: (g, y) => `Green: uptime ≥ ${g}; yellow: ≥ ${y}; red: below.`,
    since: 'since',
    startedAt: 'Started',
    lasting: 'for',
    onIt: 'Someone is on it',
    notOnIt: 'Not acknowledged yet',
    updated: 'Updated',
    openData: 'Open data',
    noData: 'no data',
    outagesOnDay: (n) => (n === 0 ? 'no outages' : `${n} outage${n === 1 ? '' : 's'}`),
    tapHint: 'Tap a day for its details.',
    duration: durationIn('d', 'h', 'min'),
    badgeLabel: 'CCTV up',
    details: 'See the full status',
    pickAgency: 'Pick an agency above to see each of its cameras.',
  },
};

export function langOf(query: unknown): Lang {
  return query === 'en' ? 'en' : 'id';
}

/** A ratio as a percentage in the language's format: 99,5 % / 99.5%. */
export function percent(words: Words, ratio: number | null, digits = 1): string {
  if (ratio === null) return '–';
  // Floored: 99.96 % must not read as 100 %.
  const f = 10 ** digits;
  const floored = Math.floor(ratio * 100 * f + 1e-6) / f;
  const n = new Intl.NumberFormat(words.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(floored);
  return words.locale === 'id-ID' ? `${n} %` : `${n}%`;
}
