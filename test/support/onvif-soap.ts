/**
 * SOAP plumbing for the ONVIF device simulator: vendor fixtures with
 * placeholders, reading the operation and WS-Security UsernameToken out of a
 * request, and checking the token the way cameras do (digest, nonce reuse, and
 * the Created time against the device's own clock).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OnvifVendor } from './onvif-vendors.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/onvif/', import.meta.url));
const cache = new Map<string, string>();

export function fixture(vendor: OnvifVendor, name: string): string {
  const key = `${vendor}/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(`${FIXTURES}${key}.xml`, 'utf8');
    cache.set(key, text);
  }
  return text;
}

const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' };

export function xmlEscape(v: string): string {
  return v.replace(/[<>&"']/g, (c) => ENTITIES[c] ?? c);
}

/** Fills {{name}} placeholders (XML-escaped). A placeholder without a value is a fixture bug: throw. */
export function render(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`fixture placeholder {{${name}}} has no value`);
    return xmlEscape(String(v));
  });
}

/** Clock placeholders for GetSystemDateAndTime: `utcYear`…`utcSecond`, `localYear`…`localSecond`. */
export function clockVars(utc: Date, utcOffsetHours: number): Record<string, number> {
  const local = new Date(utc.getTime() + utcOffsetHours * 3_600_000);
  const vars: Record<string, number> = {};
  for (const [prefix, d] of [['utc', utc], ['local', local]] as const) {
    vars[`${prefix}Year`] = d.getUTCFullYear();
    vars[`${prefix}Month`] = d.getUTCMonth() + 1;
    vars[`${prefix}Day`] = d.getUTCDate();
    vars[`${prefix}Hour`] = d.getUTCHours();
    vars[`${prefix}Minute`] = d.getUTCMinutes();
    vars[`${prefix}Second`] = d.getUTCSeconds();
  }
  return vars;
}

function localText(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}\\b[^>]*>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return m?.[1]?.trim();
}

export interface SoapRequest {
  /** Local name of the first element in the Body, e.g. GetProfiles. */
  operation: string | undefined;
  token: UsernameToken | undefined;
  /** A leaf element's text from the body, by local name. */
  arg(name: string): string | undefined;
}

export interface UsernameToken {
  username: string;
  password: string;
  passwordType: 'digest' | 'text';
  nonce: string | undefined;
  created: string | undefined;
}

export function parseSoapRequest(xml: string): SoapRequest {
  const clean = xml.replace(/<!--[\s\S]*?-->/g, '');
  const bodyAt = clean.search(/<(?:[\w-]+:)?Body\b/);
  const body = bodyAt >= 0 ? clean.slice(bodyAt) : '';
  const operation = /^<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?(\w+)/.exec(body)?.[1];
  const header = bodyAt >= 0 ? clean.slice(0, bodyAt) : clean;
  let token: UsernameToken | undefined;
  const ut = /<(?:[\w-]+:)?UsernameToken\b[\s\S]*?<\/(?:[\w-]+:)?UsernameToken>/.exec(header)?.[0];
  if (ut) {
    const pwTag = /<(?:[\w-]+:)?Password\b([^>]*)>/.exec(ut)?.[1] ?? '';
    token = {
      username: localText(ut, 'Username') ?? '',
      password: localText(ut, 'Password') ?? '',
      passwordType: /PasswordText/.test(pwTag) ? 'text' : 'digest',
      nonce: localText(ut, 'Nonce'),
      created: localText(ut, 'Created'),
    };
  }
  return { operation, token, arg: (name) => localText(body, name) };
}

export type TokenVerdict = 'ok' | 'missing' | 'bad-password' | 'stale' | 'replayed';

export interface TokenCheck {
  username: string;
  password: string;
  /** The device's own clock, which Created is compared with. */
  deviceNow: Date;
  toleranceMs: number;
  seenNonces: Set<string>;
}

export function verifyUsernameToken(token: UsernameToken | undefined, c: TokenCheck): TokenVerdict {
  if (!token) return 'missing';
  if (token.username !== c.username) return 'bad-password';
  if (token.passwordType === 'text') return token.password === c.password ? 'ok' : 'bad-password';
  if (!token.nonce || !token.created) return 'bad-password';
  const expected = createHash('sha1')
    .update(Buffer.concat([Buffer.from(token.nonce, 'base64'), Buffer.from(token.created), Buffer.from(c.password)]))
    .digest('base64');
  if (expected !== token.password) return 'bad-password';
  const created = Date.parse(token.created);
  if (!Number.isFinite(created) || Math.abs(created - c.deviceNow.getTime()) > c.toleranceMs) return 'stale';
  if (c.seenNonces.has(token.nonce)) return 'replayed';
  c.seenNonces.add(token.nonce);
  if (c.seenNonces.size > 5000) c.seenNonces.delete(c.seenNonces.values().next().value as string);
  return 'ok';
}
