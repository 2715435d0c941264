/**
 * Users and their access grants. Password hashes are stored, never passwords; hashing is the
 * caller's job (services/auth), so this file stays free of crypto policy.
 */
import { randomUUID } from 'node:crypto';
import { HttpError } from '../errors.js';
import type { GrantLevel } from '../domain/access-level.js';
import type { Db } from './db.js';

export type Role = 'admin' | 'owner' | 'viewer';
export type GrantScope = 'agency' | 'site' | 'camera';

export interface Grant {
  id: string;
  scope: GrantScope;
  value: string;
  /** What the grant shows: status only, pictures, or live video too. */
  level: GrantLevel;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  language: 'id' | 'en';
  timeZone: string;
  disabled: boolean;
  grants: Grant[];
  /** Agencies (OPD) this user heads: escalations and digests of them reach this user. */
  headOf: string[];
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  language: 'id' | 'en';
  time_zone: string;
  disabled: number;
  head_of: string;
  created_at: number;
  updated_at: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string | null;
  language: 'id' | 'en';
  timeZone: string;
}

/** A grant to store; without a level it shows pictures, as grants always did. */
export type GrantDraft = Omit<Grant, 'id' | 'level'> & { level?: GrantLevel };

export type UserChanges = Partial<Omit<NewUser, 'username'>> & { disabled?: boolean; grants?: GrantDraft[]; headOf?: string[] };

export class UserStore {
  constructor(private readonly db: Db) {}

  list(): User[] {
    const rows = this.db.prepare('SELECT * FROM users ORDER BY username').all() as Row[];
    return rows.map((r) => this.fromRow(r));
  }

  get(id: string): User | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
    return row && this.fromRow(row);
  }

  findByUsername(username: string): (User & { passwordHash: string | null }) | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined;
    return row && { ...this.fromRow(row), passwordHash: row.password_hash };
  }

  /** Ids that exist, of those asked for: callers report the rest as unknown. */
  existingIds(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.db
      .prepare(`SELECT id FROM users WHERE id IN (${ids.map(() => '?').join(',')})`)
      .pluck()
      .all(...ids) as string[];
    return new Set(rows);
  }

  countAdmins(): number {
    return this.db.prepare("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").pluck().get() as number;
  }

  insert(user: NewUser, now: number): User {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO users (id, username, display_name, role, password_hash, language, time_zone, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, user.username, user.displayName, user.role, user.passwordHash, user.language, user.timeZone, now, now);
    return this.get(id)!;
  }

  update(id: string, changes: UserChanges, now: number): User | undefined {
    const columns: Record<string, unknown> = {
      display_name: changes.displayName,
      role: changes.role,
      password_hash: changes.passwordHash,
      language: changes.language,
      time_zone: changes.timeZone,
      disabled: changes.disabled === undefined ? undefined : changes.disabled ? 1 : 0,
      head_of: changes.headOf === undefined ? undefined : JSON.stringify([...new Set(changes.headOf)]),
    };
    const set = Object.entries(columns).filter(([, v]) => v !== undefined);
    this.keepingAnAdmin(() => {
      this.db
        .prepare(`UPDATE users SET ${[...set.map(([k]) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`)
        .run(...set.map(([, v]) => v), now, id);
      if (changes.grants) this.replaceGrants(id, changes.grants, now);
    });
    return this.get(id);
  }

  delete(id: string): boolean {
    return this.keepingAnAdmin(() => this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0);
  }

  /**
   * Runs a change of users in one write transaction that fails (409 `last_admin`) when it would
   * leave no enabled admin. Checked inside the transaction, after the write: a check before it
   * (two demotions each seeing the other admin) lets concurrent requests remove both. IMMEDIATE
   * takes the write lock first, so a second process cannot interleave either. A database that
   * had no admin (before the first one is made) is not held to it.
   */
  private keepingAnAdmin<T>(change: () => T): T {
    return this.db
      .transaction(() => {
        const before = this.countAdmins();
        const result = change();
        if (before > 0 && this.countAdmins() === 0) {
          throw new HttpError(409, 'last_admin', 'this would leave no enabled admin; make another user an admin first');
        }
        return result;
      })
      .immediate();
  }

  private replaceGrants(userId: string, grants: GrantDraft[], now: number): void {
    this.db.prepare('DELETE FROM access_grants WHERE user_id = ?').run(userId);
    const add = this.db.prepare(
      'INSERT OR IGNORE INTO access_grants (id, user_id, scope, value, level, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const g of grants) add.run(randomUUID(), userId, g.scope, g.value, g.level ?? 'pictures', now);
  }

  private fromRow(r: Row): User {
    const grants = this.db
      .prepare('SELECT id, scope, value, level FROM access_grants WHERE user_id = ? ORDER BY scope, value')
      .all(r.id) as Grant[];
    return {
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      role: r.role,
      language: r.language,
      timeZone: r.time_zone,
      disabled: r.disabled === 1,
      grants,
      headOf: JSON.parse(r.head_of) as string[],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }
}
