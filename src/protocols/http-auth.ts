/**
 * HTTP-style authentication for camera protocols (HTTP snapshots, RTSP): reads a
 * 401's WWW-Authenticate challenges and builds the Authorization header, Basic or
 * Digest (RFC 7616: MD5, SHA-256 and their -sess forms, qop=auth, and the qop-less
 * RFC 2069 form most RTSP cameras still send). Pure functions, no I/O.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Credentials {
  username: string;
  password: string;
}

/** One challenge from a WWW-Authenticate header; `scheme` is lower-cased, param names too. */
export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

/** What the Digest response is computed over. */
export interface DigestRequest {
  method: string;
  /** The request-target exactly as sent: a path for HTTP, the full URL for RTSP. */
  uri: string;
  /** Nonce count: how many times this nonce has been used, starting at 1. @defaultValue 1 */
  nc?: number;
  /** Client nonce; random when omitted (tests pass a fixed one). */
  cnonce?: string;
}

const DIGEST_HASHES: Record<string, string> = {
  md5: 'md5',
  'md5-sess': 'md5',
  'sha-256': 'sha256',
  'sha-256-sess': 'sha256',
};

/**
 * Parses one or more WWW-Authenticate values into challenges. Several challenges
 * may share one header (`Digest ..., Basic realm="x"`), which is also how Node
 * joins repeated headers.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((h) => parseWwwAuthenticate(h));
  const out: AuthChallenge[] = [];
  let i = 0;
  const s = header;
  const skip = (chars: string): void => {
    while (i < s.length && chars.includes(s.charAt(i))) i++;
  };
  const token = (): string => {
    const start = i;
    while (i < s.length && !' \t,="'.includes(s.charAt(i))) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skip(' \t,');
    const name = token();
    if (name === '') {
      i++; // stray character: move on rather than loop for ever
      continue;
    }
    skip(' \t');
    if (s.charAt(i) === '=' && out.length > 0) {
      i++;
      skip(' \t');
      const last = out[out.length - 1];
      if (last) last.params[name.toLowerCase()] = readValue();
    } else {
      out.push({ scheme: name.toLowerCase(), params: {} });
    }
  }
  return out;

  function readValue(): string {
    if (s.charAt(i) !== '"') {
      const start = i;
      while (i < s.length && !' \t,'.includes(s.charAt(i))) i++;
      return s.slice(start, i);
    }
    i++;
    let v = '';
    while (i < s.length && s.charAt(i) !== '"') {
      if (s.charAt(i) === '\\' && i + 1 < s.length) i++;
      v += s.charAt(i);
      i++;
    }
    i++; // closing quote
    return v;
  }
}

function digestUsable(c: AuthChallenge): boolean {
  if (c.scheme !== 'digest' || !c.params.nonce) return false;
  const alg = (c.params.algorithm ?? 'MD5').toLowerCase();
  if (!(alg in DIGEST_HASHES)) return false;
  const qop = c.params.qop;
  return qop === undefined || qopList(qop).includes('auth');
}

function qopList(qop: string): string[] {
  return qop.split(',').map((q) => q.trim().toLowerCase());
}

/**
 * The challenge to answer: Digest SHA-256 over Digest MD5 over Basic. Digest
 * variants we cannot compute (auth-int only, unknown algorithms) are skipped.
 */
export function pickChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  const digests = challenges.filter(digestUsable);
  const sha = digests.find((c) => (c.params.algorithm ?? '').toLowerCase().startsWith('sha-256'));
  return sha ?? digests[0] ?? challenges.find((c) => c.scheme === 'basic');
}

export function basicAuthorization(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, 'utf8').toString('base64')}`;
}

function quote(v: string): string {
  return `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Builds the Digest Authorization header answering `challenge`. Throws if it cannot be answered. */
export function digestAuthorization(challenge: AuthChallenge, creds: Credentials, req: DigestRequest): string {
  if (!digestUsable(challenge)) throw new Error('unsupported Digest challenge');
  const p = challenge.params;
  const algorithm = p.algorithm ?? 'MD5';
  const hashName = DIGEST_HASHES[algorithm.toLowerCase()] ?? 'md5';
  const h = (v: string): string => createHash(hashName).update(v, 'utf8').digest('hex');
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const useQop = p.qop !== undefined;
  const cnonce = req.cnonce ?? randomBytes(16).toString('hex');
  const nc = (req.nc ?? 1).toString(16).padStart(8, '0');

  let ha1 = h(`${creds.username}:${realm}:${creds.password}`);
  if (algorithm.toLowerCase().endsWith('-sess')) ha1 = h(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = h(`${req.method}:${req.uri}`);
  const response = useQop ? h(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`);

  const userhash = p.userhash?.toLowerCase() === 'true';
  const parts = [
    `username=${quote(userhash ? h(`${creds.username}:${realm}`) : creds.username)}`,
    `realm=${quote(realm)}`,
    `nonce=${quote(nonce)}`,
    `uri=${quote(req.uri)}`,
  ];
  if (p.algorithm !== undefined) parts.push(`algorithm=${algorithm}`);
  parts.push(`response=${quote(response)}`);
  if (p.opaque !== undefined) parts.push(`opaque=${quote(p.opaque)}`);
  if (useQop) parts.push('qop=auth', `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  if (userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}

/**
 * One step from a 401 to the next request's Authorization header, or undefined
 * when the server offers nothing we can answer.
 */
export function authorizationFor(
  wwwAuthenticate: string | readonly string[] | undefined,
  creds: Credentials,
  req: DigestRequest,
): string | undefined {
  const challenge = pickChallenge(parseWwwAuthenticate(wwwAuthenticate));
  if (!challenge) return undefined;
  return challenge.scheme === 'basic' ? basicAuthorization(creds) : digestAuthorization(challenge, creds, req);
}
