/**
 * Sends what the outbox holds. Claims due deliveries atomically (so several senders, or a
 * restarted one, never take the same delivery while its claim lives), sends each through its
 * channel with the delivery's idempotency key, and records every attempt. Temporary failures
 * retry with exponential backoff and jitter up to a limit; permanent ones (a bad address) stop
 * at once and mark the contact broken, where admins see it.
 */
import { NotifyError, type NotifierRegistry } from '../notifiers/index.js';
import type { Logger } from '../log.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Store } from '../store/index.js';
import type { Delivery } from '../store/notifications.js';
import { audience, messageFor } from './alert-messages.js';
import { contactTarget } from './contacts.js';

export interface SenderOptions {
  publicUrl: string;
  /** Attempts before a delivery is given up as failed. @defaultValue 10 */
  maxAttempts: number;
  /** First retry delay; doubles each attempt, with jitter. @defaultValue 30000 */
  baseDelayMs: number;
  /** @defaultValue 3600000 */
  maxDelayMs: number;
  /** How long a claim holds before another sender may take the delivery. @defaultValue 120000 */
  claimMs: number;
  /** Deliveries sent at once. @defaultValue 8 */
  concurrency: number;
  /** @defaultValue 2000 */
  pollMs: number;
  lastGoodFrame: (cameraId: string) => Buffer | undefined;
  log: Logger;
  now?: () => number;
  random?: () => number;
}

export class Sender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly store: Store,
    private readonly notifiers: NotifierRegistry,
    private readonly box: SecretBox,
    private readonly options: SenderOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    this.timer = setInterval(() => this.nudge(), this.options.pollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Runs a pass soon; passes never overlap. */
  nudge(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    // A pass that cannot write (a full disk) leaves its claims to expire; the next poll tries again.
    this.running = this.drain()
      .catch((err: unknown) => this.options.log.error({ err }, 'alert sending failed; will try again on the next poll'))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.abort.signal.aborted) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Stops polling, cancels sends in flight (their claims expire and they are sent later) and waits. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.running;
  }

  /** Sends every delivery due now; resolves when the outbox has nothing due. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.abort.signal.aborted) return;
      const batch = this.store.notifications.claim(this.now(), this.options.claimMs, this.options.concurrency);
      // Notices queued while sending (a broken contact) are due at once and taken next round.
      if (batch.length === 0) return;
      await Promise.all(batch.map((d) => this.deliver(d)));
    }
  }

  private async deliver(d: Delivery): Promise<void> {
    const started = this.now();
    try {
      const contact = this.store.contacts.get(d.contactId);
      const alert = this.store.notifications.getAlert(d.alertKey);
      if (!contact || !alert) throw new NotifyError('the contact or the alert was deleted', { permanent: true, code: 'gone' });
      const user = this.store.users.get(contact.userId);
      const recipient = { userId: contact.userId, language: contact.language, timeZone: user?.timeZone ?? 'Asia/Makassar', ...audience(user, alert.kind, this.store.cameras) };
      const message = messageFor(alert.action, recipient, {
        publicUrl: this.options.publicUrl,
        box: this.box,
        camera: (id) => this.store.cameras.get(id),
        lastGoodFrame: this.options.lastGoodFrame,
        now: started,
      });
      // Not a fault of the contact (so not `gone`, which marks it broken): its user lost sight of the cameras.
      if (!message) throw new NotifyError('nothing in this alert is for this recipient any more', { permanent: true, code: 'rejected' });
      const notifier = this.notifiers.get(contact.channel);
      const result = await notifier.send(
        message,
        contactTarget(contact, this.box),
        { signal: this.abort.signal, idempotencyKey: d.idempotencyKey },
      );
      this.store.cameras.transaction(() => {
        this.store.notifications.recordAttempt(d.id, this.now(), { ok: true, ...(result.response ? { response: result.response } : {}) });
        this.store.notifications.markSent(d.id, this.now());
      });
    } catch (err) {
      if (this.abort.signal.aborted) return; // shutting down: the claim expires and the delivery is sent later
      this.failed(d, err);
    }
  }

  private failed(d: Delivery, err: unknown): void {
    const now = this.now();
    const e = err instanceof NotifyError ? err : new NotifyError(err instanceof Error ? err.message : String(err), { permanent: false, code: 'network' });
    this.store.cameras.transaction(() => {
      this.store.notifications.recordAttempt(d.id, now, { ok: false, permanent: e.permanent, error: `${e.code}: ${e.message}` });
      if (e.permanent) {
        this.store.notifications.markFailed(d.id, `${e.code}: ${e.message}`);
        if (e.code === 'bad_address' || e.code === 'gone' || e.code === 'refused_address') {
          this.store.contacts.markBroken(d.contactId, e.message, now);
          this.tellAdmins(d, e.message, now);
        }
      } else if (d.attempts >= this.options.maxAttempts) {
        this.store.notifications.markFailed(d.id, `gave up after ${d.attempts} attempts: ${e.message}`);
      } else {
        this.store.notifications.markRetry(d.id, now + this.backoff(d.attempts, e.retryAfterMs), `${e.code}: ${e.message}`);
      }
    });
    const level = e.permanent || d.attempts >= this.options.maxAttempts ? 'warn' : 'info';
    this.options.log[level]({ delivery: d.id, channel: d.channel, attempt: d.attempts, code: e.code, permanent: e.permanent }, `alert delivery failed: ${e.message}`);
  }

  /** Admins hear that a contact stopped working, through their own contacts (never the broken one). */
  private tellAdmins(d: Delivery, why: string, now: number): void {
    const contact = this.store.contacts.get(d.contactId);
    const owner = contact && this.store.users.get(contact.userId);
    const key = `notice:contact-broken:${d.contactId}`;
    const lines = [`${owner?.displayName ?? 'Pengguna'} (${owner?.username ?? '?'}): ${d.channel} ${contact?.address ?? ''}`, why];
    const notice = { key, kind: 'digest', site: '', at: now, cameras: [], outageIds: [], digest: { title: 'Kontak peringatan rusak / Alert contact broken', lines } };
    if (!this.store.notifications.insertAlert(notice as never, 'notice')) return;
    const admins = this.store.users.list().filter((u) => u.role === 'admin' && !u.disabled).map((u) => u.id);
    for (const c of this.store.contacts.forUsers(admins)) if (c.id !== d.contactId) this.store.notifications.enqueue(key, c.id, c.channel, now);
  }

  /** Exponential with full jitter, at least what the far side asked for. */
  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const cap = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
    return Math.max(retryAfterMs ?? 0, Math.round(cap / 2 + (this.random() * cap) / 2));
  }
}
