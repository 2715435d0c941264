/**
 * The words alerts are made of, in Bahasa Indonesia and English: causes, durations and
 * times. Pure functions; `messages.ts` puts them together. A cause code without a phrase here
 * is shown as the code itself, so a new probe reason never breaks an alert.
 */
import type { Language } from './types.js';

const REASONS: Record<string, Record<Language, string>> = {
  unreachable: { id: 'tidak dapat dihubungi', en: 'unreachable' },
  port_closed: { id: 'port tertutup', en: 'port closed' },
  no_stream: { id: 'aliran video hilang', en: 'video stream lost' },
  no_media: { id: 'siaran tidak mengirim video', en: 'stream sends no video' },
  no_frame: { id: 'tidak ada gambar', en: 'no picture' },
  // Causes a frame grab names (image layer reasons), for messages that cite the layer.
  transport_refused: { id: 'kamera menolak cara kirim video (RTP)', en: 'camera refused the video transport (RTP)' },
  no_keyframe: { id: 'gambar utuh tidak datang dalam batas waktu', en: 'no complete picture within the time limit' },
  reset: { id: 'koneksi diputus kamera', en: 'connection reset by the camera' },
  black: { id: 'gambar hitam', en: 'black picture' },
  covered: { id: 'lensa tertutup', en: 'lens covered' },
  frozen: { id: 'gambar beku', en: 'frozen picture' },
  corrupt: { id: 'gambar rusak', en: 'corrupted picture' },
  not_a_picture: { id: 'bukan gambar: kamera mengirim halaman web (text/html)', en: 'not a picture: the camera returned a web page (text/html)' },
  onvif_auth_failed: { id: 'kata sandi ONVIF ditolak', en: 'ONVIF password rejected' },
  rtsp_auth_failed: { id: 'kata sandi RTSP ditolak', en: 'RTSP password rejected' },
  onvif_failed: { id: 'layanan ONVIF tidak menjawab', en: 'ONVIF service not answering' },
  parent_down: { id: 'perangkat induk (router/perekam) mati', en: 'parent device (router/recorder) down' },
  monitor_offline: { id: 'pemantau tidak aktif', en: 'monitor offline' },
  ok: { id: 'normal', en: 'normal' },
};

export function reasonText(reason: string, lang: Language): string {
  return REASONS[reason]?.[lang] ?? reason;
}

/** Causes after which a camera was truly off, as opposed to on but with a bad picture. */
export function isOutright(reason: string): boolean {
  return reason === 'unreachable' || reason === 'parent_down';
}

const UNITS: Record<Language, { d: string; h: string; m: string; s: string }> = {
  id: { d: 'hari', h: 'jam', m: 'menit', s: 'detik' },
  en: { d: 'd', h: 'h', m: 'min', s: 's' },
};

/**
 * A duration in its two largest units: "2 jam 14 menit" / "2 h 14 min", "3 hari 4 jam",
 * "45 detik". Seconds appear only under a minute.
 */
export function formatDuration(seconds: number, lang: Language): string {
  const u = UNITS[lang];
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} ${u.s}`;
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const parts: Array<[number, string]> = [
    [days, u.d],
    [hours, u.h],
    [minutes, u.m],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
}

const MONTHS: Record<Language, readonly string[]> = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/** Indonesia's own zone names; other zones show their UTC offset. */
const ZONE_NAMES: Record<string, string> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Ujung_Pandang': 'WITA',
  'Asia/Jayapura': 'WIT',
};

/**
 * "29 Nov 2026 13.05 WITA" (id: a dot between hours and minutes, as Indonesians write it) or
 * "29 Nov 2026 13:05 WITA" (en). An unknown zone falls back to UTC rather than failing the alert.
 */
export function formatTime(epochMs: number, timeZone: string, lang: Language): string {
  let zone = timeZone;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = dateParts(epochMs, zone);
  } catch {
    zone = 'UTC';
    parts = dateParts(epochMs, zone);
  }
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const month = MONTHS[lang][Number(get('month')) - 1] ?? get('month');
  const sep = lang === 'id' ? '.' : ':';
  const label = ZONE_NAMES[zone] ?? get('timeZoneName').replace(/^GMT/, 'UTC').replace(/^UTC[+-]0$/, 'UTC');
  return `${Number(get('day'))} ${month} ${get('year')} ${get('hour')}${sep}${get('minute')} ${label || 'UTC'}`;
}

function dateParts(epochMs: number, timeZone: string): Intl.DateTimeFormatPart[] {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'shortOffset',
  }).formatToParts(epochMs);
}

/** Escapes text for Telegram's HTML parse mode and for email HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
