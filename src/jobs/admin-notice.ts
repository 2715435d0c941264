/**
 * Notices to admins about Pantau itself (a probe queue without a worker, and its end), sent
 * through the alert outbox like every other message: stored with a deterministic key (so a
 * replay inserts nothing twice), one delivery per admin contact, sent by the server's sender
 * with its retries. The same shape the sender uses to report a broken contact.
 */
import type { StoredAction } from '../services/alert-messages.js';
import type { Store } from '../store/index.js';

export interface AdminNotice {
  /** Deterministic: the same event gives the same key, so it is stored and sent once. */
  key: string;
  title: string;
  lines: string[];
  at: number;
}

/** Stores the notice and its deliveries; false when it was already stored. */
export function noticeAdmins(store: Store, notice: AdminNotice): boolean {
  const action: StoredAction = { key: notice.key, kind: 'digest', site: '', at: notice.at, cameras: [], outageIds: [], digest: { title: notice.title, lines: notice.lines } };
  let fresh = false;
  store.cameras.transaction(() => {
    fresh = store.notifications.insertAlert(action as never, 'notice');
    if (!fresh) return;
    const admins = store.users.list().filter((u) => u.role === 'admin' && !u.disabled).map((u) => u.id);
    for (const c of store.contacts.forUsers(admins)) store.notifications.enqueue(notice.key, c.id, c.channel, notice.at);
  });
  return fresh;
}
