/**
 * Server side of Basic/Digest auth for the camera simulators: issues challenges
 * and checks Authorization headers. Written apart from src/protocols/http-auth.ts
 * on purpose, so a mistake there cannot also hide here.
 */
import { createHash, randomBytes } from 'node:crypto';

export type AuthScheme = 'basic' | 'digest' | 'both';
export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface AuthGateOptions {
  username: string;
  password: string;
  /** Which challenges a 401 carries. `both` sends Digest then Basic, like many cameras. @defaultValue 'digest' */
  scheme?: AuthScheme;
  /** @defaultValue 'MD5' */
  algorithm?: DigestAlgorithm;
  /** Send qop="auth" (HTTP cameras) or no qop at all (most RTSP cameras). @defaultValue true */
  qop?: boolean;
  /** @defaultValue 'IP Camera' */
  realm?: string;
}

export class AuthGate {
  private readonly nonces = new Set<string>();
  private readonly opts: Required<AuthGateOptions>;

  constructor(opts: AuthGateOptions) {
    this.opts = { scheme: 'digest', algorithm: 'MD5', qop: true, realm: 'IP Camera', ...opts };
  }

  /** WWW-Authenticate values for a 401, one per offered scheme. */
  challenges(): string[] {
    const out: string[] = [];
    const { scheme, realm, algorithm, qop } = this.opts;
    if (scheme !== 'basic') {
      const nonce = randomBytes(12).toString('hex');
      this.nonces.add(nonce);
      // Bounded: a long-running demo must not grow without limit.
      if (this.nonces.size > 1000) this.nonces.delete(this.nonces.values().next().value as string);
      const alg = algorithm === 'MD5' ? '' : `, algorithm=${algorithm}`;
      out.push(`Digest realm="${realm}", nonce="${nonce}"${qop ? ', qop="auth"' : ''}${alg}, stale="FALSE"`);
    }
    if (scheme !== 'digest') out.push(`Basic realm="${realm}"`);
    return out;
  }

  /**
   * True when `authorization` proves the configured credentials for this request.
   * `uri`, when given, must equal the Digest uri (HTTP request-target).
   */
  check(method: string, authorization: string | undefined, uri?: string): boolean {
    if (!authorization) return false;
    const space = authorization.indexOf(' ');
    const kind = authorization.slice(0, space).toLowerCase();
    const rest = authorization.slice(space + 1);
    const { username, password, scheme } = this.opts;
    if (kind === 'basic' && scheme !== 'digest') {
      return Buffer.from(rest, 'base64').toString('utf8') === `${username}:${password}`;
    }
    if (kind !== 'digest' || scheme === 'basic') return false;
    const p = parseParams(rest);
    if (p.username !== username || p.realm !== this.opts.realm || !p.nonce || !this.nonces.has(p.nonce)) return false;
    if (uri !== undefined && p.uri !== uri) return false;
    const hashName = this.opts.algorithm === 'MD5' ? 'md5' : 'sha256';
    const h = (v: string): string => createHash(hashName).update(v).digest('hex');
    const ha1 = h(`${username}:${this.opts.realm}:${password}`);
    const ha2 = h(`${method}:${p.uri ?? ''}`);
    const expected = p.qop
      ? h(`${ha1}:${p.nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:${p.qop}:${ha2}`)
      : h(`${ha1}:${p.nonce}:${ha2}`);
    return p.response === expected;
  }
}

function parseParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const m of s.matchAll(re)) {
    const key = m[1];
    if (key) out[key.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return out;
}
