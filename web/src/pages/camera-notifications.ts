/**
 * A camera's notification history on its page: what was sent (alert, recovery, reminder…), to
 * whom (the contact's address; for admins also whose contact), when, and whether it arrived.
 * From GET /api/notifications, which gives only the reader's own contacts' deliveries (admins:
 * everyone's). Reloads when the camera's outages move, while the section is on the page.
 * The camera's owners and admins record an outage's cause from here too: under the newest line
 * of each outage, its record and the camera page's cause form (viewers see neither; the server
 * checks again).
 */
import { get } from '../api';
import { button, h } from '../dom';
import { channelWord, formatWhen, t, type Key } from '../i18n';
import { live } from '../live';
import type { Camera, Contact, Outage, User } from '../types';
import { recordForm, recordView } from './outage-record';

interface Attempt {
  at: string;
  ok: boolean;
  permanent: boolean;
}
interface Notification {
  id: number;
  kind: string | null;
  /** The outage of this camera the alert was about. */
  outageId: string | null;
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

export function notificationsSection(camera: Pick<Camera, 'id' | 'owners'>, user: User, onRecorded: () => void = () => {}): HTMLElement {
  const cameraId = camera.id;
  const list = h('ul', { class: 'notifications' }, h('li', { class: 'muted' }, t('loading')));
  const node = h('section', { class: 'camera-notifications' }, h('h2', {}, t('nhTitle')), list);
  const canRecord = user.role === 'admin' || (user.role === 'owner' && camera.owners.includes(user.id));
  // A cause being written is not thrown away by a reload: the reload waits until the form closes.
  let editing = false;
  let reloadWaiting = false;

  /** Under an outage's newest line: its record, and the form to record or change it. */
  const causeBox = (o: Outage): HTMLElement => {
    const box = h('div', { class: 'record-box' });
    const actions = h('div', { class: 'row outage-actions' });
    const close = () => {
      editing = false;
      if (reloadWaiting) {
        reloadWaiting = false;
        void load();
      }
    };
    actions.append(
      button(o.record ? t('editCause') : t('recordCause'), () => {
        actions.hidden = true;
        editing = true;
        const form = recordForm(o, () => {
          editing = false;
          reloadWaiting = false;
          void load();
          onRecorded();
        }, () => {
          form.remove();
          actions.hidden = false;
          close();
        });
        box.append(form);
        form.querySelector('select')?.focus();
      }, 'record-cause'),
    );
    return h('div', { class: 'notification-cause' }, o.record ? recordView(o.record) : null, actions, box);
  };

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

  async function load(): Promise<void> {
    if (editing) return void (reloadWaiting = true);
    const [r, outages] = await Promise.all([
      get<Notification[]>(`/api/notifications?cameraId=${encodeURIComponent(cameraId)}&days=${DAYS}`).catch(() => null),
      canRecord ? get<Outage[]>(`/api/cameras/${encodeURIComponent(cameraId)}/outages`).catch(() => null) : Promise.resolve(null),
    ]);
    if (editing) return void (reloadWaiting = true);
    if (!r || r.status !== 200 || !Array.isArray(r.body)) return void list.replaceChildren(h('li', { class: 'muted' }, t('offlineNoData')));
    if (!r.body.length) return void list.replaceChildren(h('li', { class: 'muted' }, fill('nhNone', { days: DAYS })));
    // A saved copy cannot be acted on: saving would only fail.
    const known = new Map(outages && outages.status === 200 && !outages.fromCache && Array.isArray(outages.body) ? outages.body.map((o) => [o.id, o]) : []);
    const shown = new Set<string>();
    list.replaceChildren(
      ...r.body.map((n) => {
        const li = line(n);
        const outage = n.outageId === null ? undefined : known.get(n.outageId);
        if (outage && !shown.has(outage.id)) {
          shown.add(outage.id);
          li.append(causeBox(outage));
        }
        return li;
      }),
    );
  }
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
