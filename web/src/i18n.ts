/**
 * Language and time for people: the words (strings.ts), statuses and reasons in words, and
 * dates in the user's own time zone with the Indonesian zone names (WIB, WITA, WIT).
 */
import { ID, type Key } from './strings';
import { EN } from './strings-en';
import type { StatusName } from './types';

export type Lang = 'id' | 'en';
export type { Key };

const LANG_KEY = 'pantau.lang';
let current: Lang = localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'id';
let zone = 'Asia/Makassar';

export const t = (key: Key): string => (current === 'en' ? EN[key] : ID[key]);
export const lang = (): Lang => current;
export const timeZone = (): string => zone;

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next;
}

/** The language remembered on this phone wins over the account's, so switching sticks offline. */
export function adoptAccount(user: { language: Lang; timeZone: string }): void {
  if (!localStorage.getItem(LANG_KEY)) setLang(user.language);
  zone = user.timeZone || zone;
}

export function setTimeZone(tz: string): void {
  zone = tz;
}

const STATUS_KEYS: Record<StatusName, Key> = {
  up: 'statusUp',
  degraded: 'statusDegraded',
  down: 'statusDown',
  unknown: 'statusUnknown',
  paused: 'statusPaused',
};

export const statusWord = (s: StatusName): string => t(STATUS_KEYS[s]);

/** `t(key)` with `{n}`-style parameters filled in; `{n|hour|hours}` picks a word by whether n is 1. */
export function fill(key: Key, params: Record<string, string | number>): string {
  return t(key)
    .replace(/\{(\w+)\|([^|}]*)\|([^}]*)\}/g, (_, name: string, one: string, many: string) => (Number(params[name]) === 1 ? one : many))
    .replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** A report or uptime window ("24h", "7d") in words: "24 jam", "7 days". */
export function windowWord(w: string): string {
  const key = `win_${w}` as Key;
  return key in ID ? t(key) : w;
}

/** A role in words. */
export const roleWord = (role: 'admin' | 'owner' | 'viewer'): string =>
  t(role === 'admin' ? 'roleAdmin' : role === 'owner' ? 'roleOwner' : 'roleViewer');

/** A contact channel in words. */
export const channelWord = (channel: 'email' | 'telegram' | 'whatsapp' | 'webhook' | 'webpush'): string => t(`ch_${channel}`);

export function reasonWord(reason: string): string {
  const key = `reason_${reason}` as Key;
  return key in ID ? t(key) : reason.replace(/_/g, ' ');
}

const ZONE_NAMES: Record<string, string> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'time' | 'date' | 'full' | 'day' | 'calendar'): Intl.DateTimeFormat {
  const key = `${current}|${zone}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'day' ? { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric' }
      : kind === 'calendar' ? { timeZone: zone, year: 'numeric', month: 'short', day: 'numeric' }
      : { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (kind === 'date' || kind === 'full') Object.assign(opts, { day: 'numeric', month: 'short' });
    if (kind === 'full') opts.year = 'numeric';
    f = new Intl.DateTimeFormat(current === 'id' ? 'id-ID' : 'en-GB', opts);
    formatters.set(key, f);
  }
  return f;
}

const zoneName = () => ZONE_NAMES[zone] ?? zone.split('/').pop()?.replace(/_/g, ' ') ?? zone;

/** "14.05 WITA" today, "3 Mar 14.05 WITA" otherwise, in the user's zone. */
export function formatWhen(at: number | string, withYear = false): string {
  const ms = typeof at === 'string' ? Date.parse(at) : at;
  const sameDay = formatter('day').format(ms) === formatter('day').format(Date.now());
  const kind = withYear ? 'full' : sameDay ? 'time' : 'date';
  return `${formatter(kind).format(ms)} ${zoneName()}`;
}

/** "3 Mar 2025": a day, without a time, in the user's zone. */
export const formatDay = (ms: number): string => formatter('calendar').format(ms);

/** "3 mnt" / "2 j 5 mnt" / "4 hr": short enough for a tile. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const id = current === 'id';
  if (s < 60) return id ? `${s} dtk` : `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return id ? `${m} mnt` : `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return id ? `${h} j ${m % 60} mnt` : `${h} h ${m % 60} min`;
  const d = Math.floor(h / 24);
  return id ? `${d} hr ${h % 24} j` : `${d} d ${h % 24} h`;
}

export const ago = (at: number): string => `${duration(Date.now() - at)} ${t('ago')}`;

export function percent(x: number | null): string {
  if (x === null) return '–';
  const digits = x >= 0.9995 || x < 0.9 ? 1 : 2;
  return `${(x * 100).toFixed(digits).replace('.', current === 'id' ? ',' : '.')}\u00a0%`;
}
