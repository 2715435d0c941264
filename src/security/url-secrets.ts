/**
 * Credentials in camera URLs' query strings (`?usr=admin&pwd=…` on Foscam, `?password=` or
 * `?token=` on others): which parameters carry them, how they are shown (`***`) and how their
 * values are swapped for sealed ones and back. Only those parameters are touched: the rest of
 * the query stays byte for byte as typed, because camera CGIs are picky about encoding. Pure;
 * sealing and opening are passed in.
 */

/** Parameter names (lower-cased) whose values are secrets. Usernames (`usr`, `user`) are not. */
const SECRET_PARAMS = new Set(['pwd', 'pass', 'passwd', 'password', 'psw', 'passcode', 'token', 'access_token', 'auth', 'secret']);

/** What a secret parameter's value is shown as, and, sent back unchanged, means "keep it". */
export const MASK = '***';

export function isSecretParam(name: string): boolean {
  return SECRET_PARAMS.has(name.toLowerCase());
}

interface Pair {
  /** The raw `name=value` text as it stands in the URL. */
  raw: string;
  name: string;
  value: string;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** Splits a URL at its query; null when the query holds no secret parameter. */
function split(url: string): { before: string; pairs: Pair[]; hash: string } | null {
  const q = url.indexOf('?');
  if (q < 0) return null;
  const h = url.indexOf('#', q);
  const query = url.slice(q + 1, h < 0 ? undefined : h);
  const pairs = query.split('&').map((raw) => {
    const eq = raw.indexOf('=');
    return { raw, name: decode(eq < 0 ? raw : raw.slice(0, eq)), value: eq < 0 ? '' : decode(raw.slice(eq + 1)) };
  });
  if (!pairs.some((p) => isSecretParam(p.name))) return null;
  return { before: url.slice(0, q), pairs, hash: h < 0 ? '' : url.slice(h) };
}

/**
 * Rewrites the values of secret parameters: `replace` gets the name and the decoded value and
 * returns the new value, or null to drop the parameter.
 */
function rewrite(url: string, replace: (name: string, value: string) => string | null): string {
  const parts = split(url);
  if (!parts) return url;
  const query = parts.pairs.flatMap((p) => {
    if (!isSecretParam(p.name)) return [p.raw];
    const value = replace(p.name, p.value);
    return value === null ? [] : [`${p.raw.slice(0, p.raw.indexOf('=') < 0 ? p.raw.length : p.raw.indexOf('='))}=${encodeURIComponent(value)}`];
  });
  return `${parts.before}${query.length ? `?${query.join('&')}` : ''}${parts.hash}`;
}

/** The URL as people see it: every secret parameter's value is `***`. */
export function maskSecretParams(url: string): string {
  return rewrite(url, () => MASK);
}

/** The stored (sealed) value of each secret parameter of a stored URL, by lower-cased name. */
export function secretParams(url: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of split(url)?.pairs ?? []) if (isSecretParam(p.name) && !out.has(p.name.toLowerCase())) out.set(p.name.toLowerCase(), p.value);
  return out;
}

/**
 * The URL to store: a new value is sealed; `***` keeps the stored value for that name from
 * `kept` (already sealed, or sealed now by `reseal`), or drops the parameter when nothing is kept
 * (the endpoint moved, so the old secret does not follow it).
 */
export function sealSecretParams(url: string, kept: ReadonlyMap<string, string>, seal: (plain: string) => string, reseal: (stored: string) => string): string {
  return rewrite(url, (name, value) => {
    if (value !== MASK) return value === '' ? '' : seal(value);
    const stored = kept.get(name.toLowerCase());
    return stored === undefined ? null : reseal(stored);
  });
}

/** The URL to connect to: each sealed value opened by `open`, which returns null to drop it. */
export function openSecretParams(url: string, open: (stored: string) => string | null): string {
  return rewrite(url, (_name, value) => (value === '' ? '' : open(value)));
}
