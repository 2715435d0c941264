/** Contacts (where a user wants alerts) and mutes (maintenance windows). Webhook secrets arrive sealed. */
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { Channel } from '../notifiers/types.js';

export interface Contact {
  id: string;
  userId: string;
  channel: Channel;
  address: string;
  secretEnc: string | null;
  language: 'id' | 'en';
  /** The address was set by an admin: it is not held to the outbound-address policy. */
  addressByAdmin: boolean;
  /** Why sending to it failed for good (bad address), or null while it works. */
  broken: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface Mute {
  id: string;
  cameraId: string | null;
  site: string | null;
  until: number;
  reason: string | null;
  createdBy: string | null;
  createdAt: number;
}

interface ContactRow {
  id: string;
  user_id: string;
  channel: Channel;
  address: string;
  secret_enc: string | null;
  language: 'id' | 'en';
  address_by_admin: number;
  broken: string | null;
  created_at: number;
  updated_at: number;
}

const toContact = (r: ContactRow): Contact => ({
  id: r.id,
  userId: r.user_id,
  channel: r.channel,
  address: r.address,
  secretEnc: r.secret_enc,
  language: r.language,
  addressByAdmin: r.address_by_admin === 1,
  broken: r.broken,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface MuteRow {
  id: string;
  camera_id: string | null;
  site: string | null;
  until: number;
  reason: string | null;
  created_by: string | null;
  created_at: number;
}
const toMute = (r: MuteRow): Mute => ({ id: r.id, cameraId: r.camera_id, site: r.site, until: r.until, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at });

export class ContactStore {
  constructor(private readonly db: Db) {}

  list(userId?: string): Contact[] {
    const rows = userId
      ? this.db.prepare('SELECT * FROM contacts WHERE user_id = ? ORDER BY created_at').all(userId)
      : this.db.prepare('SELECT * FROM contacts ORDER BY user_id, created_at').all();
    return (rows as ContactRow[]).map(toContact);
  }

  /** Working contacts of these users, for fanning an alert out. */
  forUsers(userIds: readonly string[]): Contact[] {
    if (userIds.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM contacts WHERE broken IS NULL AND user_id IN (${userIds.map(() => '?').join(',')}) ORDER BY created_at`)
      .all(...userIds) as ContactRow[];
    return rows.map(toContact);
  }

  get(id: string): Contact | undefined {
    const row = this.db.prepare('SELECT * FROM contacts WHERE id = ?').get(id) as ContactRow | undefined;
    return row && toContact(row);
  }

  insert(c: Omit<Contact, 'id' | 'createdAt' | 'updatedAt' | 'broken'>, now: number): Contact {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO contacts (id, user_id, channel, address, secret_enc, language, address_by_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, c.userId, c.channel, c.address, c.secretEnc, c.language, c.addressByAdmin ? 1 : 0, now, now);
    return this.get(id)!;
  }

  update(id: string, c: Pick<Contact, 'address' | 'secretEnc' | 'language' | 'broken' | 'addressByAdmin'>, now: number): Contact {
    this.db
      .prepare('UPDATE contacts SET address = ?, secret_enc = ?, language = ?, broken = ?, address_by_admin = ?, updated_at = ? WHERE id = ?')
      .run(c.address, c.secretEnc, c.language, c.broken, c.addressByAdmin ? 1 : 0, now, id);
    return this.get(id)!;
  }

  markBroken(id: string, why: string, now: number): void {
    this.db.prepare('UPDATE contacts SET broken = ?, updated_at = ? WHERE id = ?').run(why.slice(0, 500), now, id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM contacts WHERE id = ?').run(id).changes > 0;
  }

  addMute(m: Omit<Mute, 'id' | 'createdAt'>, now: number): Mute {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO mutes (id, camera_id, site, until, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, m.cameraId, m.site, m.until, m.reason, m.createdBy, now);
    return toMute(this.db.prepare('SELECT * FROM mutes WHERE id = ?').get(id) as MuteRow);
  }

  /** Mutes that have not ended yet. */
  activeMutes(now: number): Mute[] {
    return (this.db.prepare('SELECT * FROM mutes WHERE until > ? ORDER BY until').all(now) as MuteRow[]).map(toMute);
  }

  getMute(id: string): Mute | undefined {
    const row = this.db.prepare('SELECT * FROM mutes WHERE id = ?').get(id) as MuteRow | undefined;
    return row && toMute(row);
  }

  deleteMute(id: string): boolean {
    return this.db.prepare('DELETE FROM mutes WHERE id = ?').run(id).changes > 0;
  }
}
