/**
 * Who is calling: passwords (argon2id), login sessions, API tokens and the login rate limits,
 * and ending access: a password change, a reset or a disabled account ends the user's other
 * sessions and revokes its tokens, and listeners (the live sockets) hear of it at once.
 * Failed logins are limited per account and per client IP; an unknown username costs the same
 * hashing time as a known one, so timing does not reveal which accounts exist.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
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
  loginLimit: { perAccount: number; perIp: number; windowSec: number };
}

const DAY_MS = 86_400_000;

// 2 = Argon2id; the package exports it as an ambient const enum, which isolated modules cannot read.
const ARGON = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON);
}

export class AuthService {
  private readonly perAccount: RateLimiterMemory;
  private readonly perIp: RateLimiterMemory;
  private readonly events = new EventEmitter();
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: AuthOptions,
    private readonly now: () => number = Date.now,
  ) {
    const { perAccount, perIp, windowSec } = options.loginLimit;
    this.perAccount = new RateLimiterMemory({ points: perAccount, duration: windowSec });
    this.perIp = new RateLimiterMemory({ points: perIp, duration: windowSec });
  }

  async login(username: string, password: string, meta: { ip: string; userAgent?: string }) {
    const accountKey = username.trim().toLowerCase();
    await this.consume(this.perIp, meta.ip);
    const blocked = await this.perAccount.get(accountKey);
    if (blocked && blocked.remainingPoints <= 0) throw tooMany(blocked);

    const found = this.store.users.findByUsername(username.trim());
    const ok = found?.passwordHash
      ? await verify(found.passwordHash, password)
      : (await verify(await this.dummy(), password), false);
    if (!found || !ok || found.disabled) {
      await this.consume(this.perAccount, accountKey);
      throw new HttpError(401, 'invalid_credentials', 'Wrong username or password');
    }
    await this.perAccount.delete(accountKey);

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
  return new HttpError(429, 'too_many_attempts', `Too many login attempts; try again in ${retryAfter} s`, undefined, {
    'Retry-After': String(retryAfter),
  });
}
