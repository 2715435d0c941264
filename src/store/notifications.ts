/**
 * The alert outbox: the policy's saved state, each alert it decided on (keyed, so a replay
 * inserts nothing), one delivery per alert and contact (idempotency key unique), and every
 * attempt. Senders claim deliveries atomically; a claim that outlives its sender (a crash) is
 * claimed again, so a message is delayed, never lost.
 */
import type { Db } from './db.js';
import type { AlertAction } from '../domain/alert-policy.js';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface Delivery {
  id: number;
  alertKey: string;
  contactId: string;
  channel: string;
  idempotencyKey: string;
  status: DeliveryStatus;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  sentAt: number | null;
  createdAt: number;
}

export interface StoredAlert {
  key: string;
  kind: string;
  site: string;
  at: number;
  action: AlertAction;
}

interface DeliveryRow {
  id: number;
  alert_key: string;
  contact_id: string;
  channel: string;
  idempotency_key: string;
  status: DeliveryStatus;
  attempts: number;
  next_at: number;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
}
const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  alertKey: r.alert_key,
  contactId: r.contact_id,
  channel: r.channel,
  idempotencyKey: r.idempotency_key,
  status: r.status,
  attempts: r.attempts,
  nextAt: r.next_at,
  lastError: r.last_error,
  sentAt: r.sent_at,
  createdAt: r.created_at,
});

export class NotificationStore {
  constructor(private readonly db: Db) {}

  loadState(): { state: unknown; lastFlip: number } | undefined {
    const row = this.db.prepare('SELECT state, last_flip FROM alert_state WHERE id = 1').get() as { state: string; last_flip: number } | undefined;
    if (!row) return undefined;
    try {
      return { state: JSON.parse(row.state), lastFlip: row.last_flip };
    } catch {
      return { state: null, lastFlip: row.last_flip };
    }
  }

  saveState(state: unknown, lastFlip: number, now: number): void {
    this.saveStateText(JSON.stringify(state), lastFlip, now);
  }

  /** The state already serialised, for a caller that compares it with what it saved last. */
  saveStateText(json: string, lastFlip: number, now: number): void {
    this.db
      .prepare(
        `INSERT INTO alert_state (id, state, last_flip, updated_at) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, last_flip = excluded.last_flip, updated_at = excluded.updated_at`,
      )
      .run(json, lastFlip, now);
  }

  /** Stores an alert once; returns false when its key was stored before (a replay). */
  insertAlert(action: AlertAction, kind: string): boolean {
    const inserted = this.db
      .prepare('INSERT OR IGNORE INTO alerts (key, kind, site, at, action) VALUES (?, ?, ?, ?, ?)')
      .run(action.key, kind, action.site, action.at, JSON.stringify(action)).changes > 0;
    if (inserted) {
      const link = this.db.prepare('INSERT OR IGNORE INTO alert_cameras (alert_key, camera_id, outage_id) VALUES (?, ?, ?)');
      const walk = (cams: AlertAction['cameras']) => {
        for (const c of cams) {
          link.run(action.key, c.cameraId, c.outageId ?? '');
          walk(c.behind);
        }
      };
      walk(action.cameras);
    }
    return inserted;
  }

  getAlert(key: string): StoredAlert | undefined {
    const row = this.db.prepare('SELECT * FROM alerts WHERE key = ?').get(key) as { key: string; kind: string; site: string; at: number; action: string } | undefined;
    return row && { ...row, action: JSON.parse(row.action) as AlertAction };
  }

  /** Alerts since `from` that speak of any of these cameras, newest first. */
  alertsFor(cameraIds: readonly string[] | null, from: number, limit = 200): StoredAlert[] {
    const rows = (
      cameraIds === null
        ? this.db.prepare('SELECT * FROM alerts WHERE at >= ? ORDER BY at DESC LIMIT ?').all(from, limit)
        : cameraIds.length === 0
          ? []
          : this.db
              .prepare(
                `SELECT * FROM alerts WHERE at >= ? AND key IN (SELECT alert_key FROM alert_cameras WHERE camera_id IN (${cameraIds.map(() => '?').join(',')}))
                 ORDER BY at DESC LIMIT ?`,
              )
              .all(from, ...cameraIds, limit)
    ) as { key: string; kind: string; site: string; at: number; action: string }[];
    return rows.map((r) => ({ ...r, action: JSON.parse(r.action) as AlertAction }));
  }

  enqueue(alertKey: string, contactId: string, channel: string, now: number): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO deliveries (alert_key, contact_id, channel, idempotency_key, status, next_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
      )
      .run(alertKey, contactId, channel, `${alertKey}|${contactId}`, now, now);
  }

  /** Claims up to `limit` due deliveries for `claimMs`: pending ones whose time has come, and abandoned claims. */
  claim(now: number, claimMs: number, limit: number): Delivery[] {
    const rows = this.db
      .prepare(
        `UPDATE deliveries SET status = 'sending', claimed_until = @until, attempts = attempts + 1
         WHERE id IN (
           SELECT id FROM deliveries
           WHERE (status = 'pending' AND next_at <= @now) OR (status = 'sending' AND claimed_until <= @now)
           ORDER BY next_at LIMIT @limit)
         RETURNING *`,
      )
      .all({ now, until: now + claimMs, limit }) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  recordAttempt(id: number, at: number, outcome: { ok: boolean; permanent?: boolean; error?: string; response?: string }): void {
    this.db
      .prepare('INSERT INTO delivery_attempts (delivery_id, at, ok, permanent, error, response) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, at, outcome.ok ? 1 : 0, outcome.permanent ? 1 : 0, outcome.error?.slice(0, 1000) ?? null, outcome.response?.slice(0, 500) ?? null);
  }

  markSent(id: number, at: number): void {
    this.db.prepare("UPDATE deliveries SET status = 'sent', sent_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?").run(at, id);
  }

  markRetry(id: number, nextAt: number, error: string): void {
    this.db.prepare("UPDATE deliveries SET status = 'pending', next_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?").run(nextAt, error.slice(0, 1000), id);
  }

  markFailed(id: number, error: string): void {
    this.db.prepare("UPDATE deliveries SET status = 'failed', claimed_until = NULL, last_error = ? WHERE id = ?").run(error.slice(0, 1000), id);
  }

  deliveriesOf(alertKeys: readonly string[]): Delivery[] {
    if (alertKeys.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM deliveries WHERE alert_key IN (${alertKeys.map(() => '?').join(',')}) ORDER BY id`)
      .all(...alertKeys) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  /** Deliveries with their attempts, for the notifications log. */
  attemptsOf(deliveryIds: readonly number[]): Map<number, { at: number; ok: boolean; permanent: boolean; error: string | null }[]> {
    const out = new Map<number, { at: number; ok: boolean; permanent: boolean; error: string | null }[]>();
    if (deliveryIds.length === 0) return out;
    const rows = this.db
      .prepare(`SELECT * FROM delivery_attempts WHERE delivery_id IN (${deliveryIds.map(() => '?').join(',')}) ORDER BY id`)
      .all(...deliveryIds) as { delivery_id: number; at: number; ok: number; permanent: number; error: string | null }[];
    for (const r of rows) {
      const list = out.get(r.delivery_id) ?? [];
      list.push({ at: r.at, ok: r.ok === 1, permanent: r.permanent === 1, error: r.error });
      out.set(r.delivery_id, list);
    }
    return out;
  }

  counts(): Record<DeliveryStatus, number> {
    const rows = this.db.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all() as { status: DeliveryStatus; n: number }[];
    const out: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  acknowledge(outageId: string, cameraId: string, by: string, at: number): boolean {
    return this.db.prepare('INSERT OR IGNORE INTO acknowledgements (outage_id, camera_id, by_user, at) VALUES (?, ?, ?, ?)').run(outageId, cameraId, by, at).changes > 0;
  }

  acknowledgementOf(outageId: string): { by: string; at: number } | undefined {
    return this.db.prepare('SELECT by_user AS by, at FROM acknowledgements WHERE outage_id = ?').get(outageId) as { by: string; at: number } | undefined;
  }

  /** The outage of one camera each alert was about (a grouped alert names one per camera). */
  outagesOf(alertKeys: readonly string[], cameraId: string): Map<string, string> {
    if (alertKeys.length === 0) return new Map();
    const rows = this.db
      .prepare(`SELECT alert_key, outage_id FROM alert_cameras WHERE camera_id = ? AND alert_key IN (SELECT value FROM json_each(?))`)
      .all(cameraId, JSON.stringify(alertKeys)) as { alert_key: string; outage_id: string }[];
    return new Map(rows.map((r) => [r.alert_key, r.outage_id]));
  }
}
