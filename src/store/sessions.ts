/**
 * Login sessions and API tokens. Only SHA-256 hashes of the bearer values are stored, so a
 * copy of the database does not let anyone log in.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from './db.js';

export interface SessionOwner {
  userId: string;
  expiresAt: number;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: number;
  expiresAt: number;
  /** Written at most once a minute per token, so using a token costs no write per request. */
  lastUsedAt: number | null;
}

export function hashBearer(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  create(sessionId: string, userId: string, now: number, ttlMs: number, meta: { ip?: string; userAgent?: string }): void {
    this.db
      .prepare(
        `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(hashBearer(sessionId), userId, now, now + ttlMs, now, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null);
  }

  /** The live session's owner; touches last_seen at most once a minute to spare the disk. */
  resolve(sessionId: string, now: number): SessionOwner | undefined {
    const hash = hashBearer(sessionId);
    const row = this.db
      .prepare('SELECT user_id, expires_at, last_seen_at FROM sessions WHERE id_hash = ? AND expires_at > ?')
      .get(hash, now) as { user_id: string; expires_at: number; last_seen_at: number } | undefined;
    if (!row) return undefined;
    if (now - row.last_seen_at > 60_000) this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, hash);
    return { userId: row.user_id, expiresAt: row.expires_at };
  }

  /** Ends one session; answers whose it was, so its user's open sockets can be checked. */
  destroy(sessionId: string): string | undefined {
    const row = this.db.prepare('DELETE FROM sessions WHERE id_hash = ? RETURNING user_id').get(hashBearer(sessionId)) as { user_id: string } | undefined;
    return row?.user_id;
  }

  /**
   * Ends every session of a user and revokes every API token, except the session `keep` (the
   * one that changed the password). Revoked tokens are deleted, not hidden, so nothing can
   * bring them back.
   */
  revokeAll(userId: string, keep?: string): void {
    this.db.transaction(() => {
      if (keep) this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?').run(userId, hashBearer(keep));
      else this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
      this.db.prepare('DELETE FROM api_tokens WHERE user_id = ?').run(userId);
    })();
  }

  /** Deletes expired sessions, and tokens a month after they expired (their owners see them expire). */
  pruneExpired(now: number): number {
    const sessions = this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
    return sessions + this.db.prepare('DELETE FROM api_tokens WHERE expires_at <= ?').run(now - 30 * 86_400_000).changes;
  }

  createToken(token: string, userId: string, name: string, now: number, expiresAt: number): ApiToken {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, userId, name, hashBearer(token), now, expiresAt);
    return { id, userId, name, createdAt: now, expiresAt, lastUsedAt: null };
  }

  resolveToken(token: string, now: number): string | undefined {
    const hash = hashBearer(token);
    const row = this.db
      .prepare('SELECT user_id, last_used_at FROM api_tokens WHERE token_hash = ? AND expires_at > ?')
      .get(hash, now) as { user_id: string; last_used_at: number | null } | undefined;
    if (!row) return undefined;
    if (row.last_used_at === null || now - row.last_used_at > 60_000) {
      this.db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?').run(now, hash);
    }
    return row.user_id;
  }

  listTokens(userId: string): ApiToken[] {
    return this.db
      .prepare(
        `SELECT id, user_id AS userId, name, created_at AS createdAt, expires_at AS expiresAt, last_used_at AS lastUsedAt
         FROM api_tokens WHERE user_id = ? ORDER BY created_at`,
      )
      .all(userId) as ApiToken[];
  }

  deleteToken(id: string, userId: string | null): boolean {
    const stmt = userId
      ? this.db.prepare('DELETE FROM api_tokens WHERE id = ? AND user_id = ?').run(id, userId)
      : this.db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id);
    return stmt.changes > 0;
  }
}
