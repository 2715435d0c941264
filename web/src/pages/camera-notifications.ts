/**
 * A camera's notification history on its page: what was sent (alert, recovery, reminder…), to
 * whom (the contact's address; for admins also whose contact), when, and whether it arrived.
 * From GET /api/notifications, which gives only the reader's own contacts' deliveries (admins:
 * everyone's). Reloads when the camera's outages move, while the section is on the page.
 */
import { get } from '../api';
import { h } from '../dom';
import { channelWord, formatWhen, t, type Key } from '../i18n';
import { live } from '../live';
import type { Contact, User } from '../types';

interface Attempt {
  at: string;
  ok: boolean;
  permanent: boolean;
}
interface Notification {
  id: number;
  kind: string | null;
  channel: Contact['channel'];
  to: string | null;
  userName: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  createdAt: string;
  sentAt: string | null;
  attempts: Attempt[];
}

const KINDS: Record<string, Key> = {
  alert: 'nhKindAlert', group: 'nhKindAlert', reminder: 'nhKindReminder', escalation: 'nhKindEscalation', recovery: 'nhKindRecovery', flapping: 'nhKindFlapping',
};
// Local, not the form-error module: this page is in the first bundle, that one is not.
const fill = (key: Key, params: Record<string, number>): string => t(key).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
const DAYS = 30;
/** Deliveries leave a moment after the outage event: read again after this long. */
const AFTER_EVENT_MS = 4000;

export function notificationsSection(cameraId: string, user: User): HTMLElement {
  const list = h('ul', { class: 'notifications' }, h('li', { class: 'muted' }, t('loading')));
  const node = h('section', { class: 'camera-notifications' }, h('h2', {}, t('nhTitle')), list);

  const line = (n: Notification): HTMLElement => {
    const when = n.sentAt ?? n.attempts.at(-1)?.at ?? n.createdAt;
    const [word, cls] =
      n.status === 'sent'
        ? [t('nhSent'), 'ok']
        : n.status === 'failed'
          ? [t('nhFailed'), 'error']
          : [n.attempts.length ? fill('nhRetrying', { n: n.attempts.length }) : t('nhPending'), 'muted'];
    const whom = [n.to ?? channelWord(n.channel), user.role === 'admin' && n.userName ? `(${n.userName})` : ''].filter(Boolean).join(' ');
    return h(
      'li',
      { class: `notification ${n.status}` },
      h('strong', {}, `${t(KINDS[n.kind ?? ''] ?? 'nhKindOther')} · ${channelWord(n.channel)}`),
      h('span', { class: 'addr' }, `${t('nhTo')} ${whom}`),
      h('span', {}, h('span', { class: cls }, word), ` · ${formatWhen(when)}`),
    );
  };

  const load = async (): Promise<void> => {
    const r = await get<Notification[]>(`/api/notifications?cameraId=${encodeURIComponent(cameraId)}&days=${DAYS}`).catch(() => null);
    if (!r || r.status !== 200 || !Array.isArray(r.body)) return void list.replaceChildren(h('li', { class: 'muted' }, t('offlineNoData')));
    if (!r.body.length) return void list.replaceChildren(h('li', { class: 'muted' }, fill('nhNone', { days: DAYS })));
    list.replaceChildren(...r.body.map(line));
  };
  void load();
  let shown = false;
  const off = live.on((e) => {
    shown ||= node.isConnected;
    if (shown && !node.isConnected) {
      off();
      return;
    }
    if (e.type === 'outage' && e.event.cameraId === cameraId) setTimeout(() => void load(), AFTER_EVENT_MS);
  });
  return node;
}
