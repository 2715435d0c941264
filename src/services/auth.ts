/**
 * Who is calling: passwords (argon2id), login sessions, API tokens and the login limits, and
 * ending access: a password change, a reset or a disabled account ends the user's other
 * sessions and revokes its tokens, and listeners (the live sockets) hear of it at once.
 *
 * Login limits never lock an account: failures are limited per client address and per account
 * from one address, so a stranger's failures cannot keep the owner out; failures against an
 * account from everywhere only slow its answers down, a little more with each, up to a cap. An
 * unknown username costs the same hashing and delay as a known one, so timing does not reveal
 * which accounts exist.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { hash, verify } from '@node-rs/argon2';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError, invalid } from '../errors.js';
import { TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from '../schemas/user.js';
import type { Store } from '../store/index.js';
import type { User } from '../store/users.js';

export interface Principal {
  user: User;
  via: 'session' | 'token';
}

export interface AuthOptions {
  sessionTtlHours: number;
  /** perAccount: failures per account from one address; perIp: failures per address. */
  loginLimit: { perAccount: number; perIp: number; windowSec: number };
}

/** The slowdown of an account failed from many addresses: 0.5 s, 1 s, 2 s … at most 8 s. */
const SLOWDOWN_BASE_MS = 500;
const SLOWDOWN_MAX_MS = 8_000;
const DAY_MS = 86_400_000;

// 2 = Argon2id; the package exports it as an ambient const enum, which isolated modules cannot read.
const ARGON = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON);
}

export class AuthService {
  private readonly perPair: RateLimiterMemory;
  private readonly perIp: RateLimiterMemory;
  private readonly accountFailures: RateLimiterMemory;
  private readonly events = new EventEmitter();
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: AuthOptions,
    private readonly now: () => number = Date.now,
  ) {
    const { perAccount, perIp, windowSec } = options.loginLimit;
    this.perPair = new RateLimiterMemory({ points: perAccount, duration: windowSec });
    this.perIp = new RateLimiterMemory({ points: perIp, duration: windowSec });
    this.accountFailures = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: windowSec });
  }

  async login(username: string, password: string, meta: { ip: string; userAgent?: string }) {
    const accountKey = username.trim().toLowerCase();
    const pairKey = `${accountKey}\n${meta.ip}`;
    // Counted before the password (attempts in flight count too), given back on success.
    await this.consume(this.perIp, meta.ip);
    await this.consume(this.perPair, pairKey);
    const delayMs = this.slowdownMs((await this.accountFailures.get(accountKey))?.consumedPoints ?? 0);
    if (delayMs > 0) await sleep(delayMs);

    const found = this.store.users.findByUsername(username.trim());
    const ok = found?.passwordHash
      ? await verify(found.passwordHash, password)
      : (await verify(await this.dummy(), password), false);
    if (!found || !ok || found.disabled) {
      await this.accountFailures.penalty(accountKey, 1);
      throw new HttpError(401, 'invalid_credentials', 'Wrong username or password');
    }
    await Promise.all([this.perIp.reward(meta.ip, 1), this.perPair.delete(pairKey)]);

    const sessionId = randomBytes(32).toString('base64url');
    const ttlMs = this.options.sessionTtlHours * 3_600_000;
    this.store.sessions.create(sessionId, found.id, this.now(), ttlMs, meta);
    const { passwordHash: _omit, ...user } = found;
    return { sessionId, user: user as User, expiresAt: this.now() + ttlMs };
  }

  logout(sessionId: string): void {
    const userId = this.store.sessions.destroy(sessionId);
    if (userId) this.accessChanged(userId);
  }

  /**
   * Ends every session of the user but `keepSessionId` and revokes all its API tokens: after a
   * password change or reset, and when the account is disabled (re-enabling brings none back).
   */
  revokeAll(userId: string, keepSessionId?: string): void {
    this.store.sessions.revokeAll(userId, keepSessionId);
    this.accessChanged(userId);
  }

  /** The user's sessions, role or grants changed: whoever holds its live connections checks them now. */
  accessChanged(userId: string): void {
    this.events.emit('access', userId);
  }

  onAccessChange(listener: (userId: string) => void): () => void {
    this.events.on('access', listener);
    return () => this.events.off('access', listener);
  }

  fromSession(sessionId: string): Principal | undefined {
    const owner = this.store.sessions.resolve(sessionId, this.now());
    const user = owner && this.store.users.get(owner.userId);
    return user && !user.disabled ? { user, via: 'session' } : undefined;
  }

  fromToken(token: string): Principal | undefined {
    const userId = this.store.sessions.resolveToken(token, this.now());
    const user = userId && this.store.users.get(userId);
    return user && !user.disabled ? { user, via: 'token' } : undefined;
  }

  /**
   * A new API token; its value is returned once and only its hash is kept. It lasts
   * `expiresInDays` or until `expiresAt`, by default TOKEN_DEFAULT_DAYS, never more than TOKEN_MAX_DAYS.
   */
  issueToken(userId: string, name: string, lifetime: { expiresInDays?: number; expiresAt?: string }) {
    const now = this.now();
    const expiresAt = lifetime.expiresAt ? Date.parse(lifetime.expiresAt) : now + (lifetime.expiresInDays ?? TOKEN_DEFAULT_DAYS) * DAY_MS;
    if (!(expiresAt > now) || expiresAt > now + TOKEN_MAX_DAYS * DAY_MS) {
      throw invalid([{ path: 'expiresAt', message: `must be in the future and at most ${TOKEN_MAX_DAYS} days ahead` }]);
    }
    const value = `pnt_${randomBytes(32).toString('base64url')}`;
    const token = this.store.sessions.createToken(value, userId, name, now, expiresAt);
    return { ...token, token: value };
  }

  /** Creates the `admin` user on first start when a password is configured and no admin exists. */
  async ensureFirstAdmin(password: string | undefined): Promise<'created' | 'exists' | 'no-password'> {
    if (this.store.users.countAdmins() > 0 || this.store.users.findByUsername('admin')) return 'exists';
    if (!password) return 'no-password';
    this.store.users.insert(
      { username: 'admin', displayName: 'Administrator', role: 'admin', passwordHash: await hashPassword(password), language: 'id', timeZone: 'Asia/Makassar' },
      this.now(),
    );
    return 'created';
  }

  /** No delay up to `perAccount` failures from everywhere; then 0.5 s, doubling, capped. */
  private slowdownMs(failures: number): number {
    const excess = failures - this.options.loginLimit.perAccount;
    return excess <= 0 ? 0 : Math.min(SLOWDOWN_MAX_MS, SLOWDOWN_BASE_MS * 2 ** (excess - 1));
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }

  private async consume(limiter: RateLimiterMemory, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw tooMany(err);
      throw err;
    }
  }
}

function tooMany(res: RateLimiterRes): HttpError {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new HttpError(429, 'too_many_attempts', `Too many failed sign-ins from this address; try again in ${retryAfter} s`, undefined, {
    'Retry-After': String(retryAfter),
  }, { s: retryAfter });
}
