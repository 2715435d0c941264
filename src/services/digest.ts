/**
 * The weekly digest per agency (OPD): cameras dark now and for how long, last week's uptime,
 * the innovations dark for more than a week, and outages whose reminders are used up. Sent to
 * the agency's heads and to admins, through the same outbox as alerts.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { digestLines } from '../domain/alert-policy.js';
import type { AlertPolicy } from '../domain/alert-policy.js';
import { formatDuration } from '../notifiers/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import type { AlertService } from './alerts.js';
import type { Reports } from './reports.js';

export interface DigestOptions {
  cron: string;
  timeZone: string;
  policy: AlertPolicy;
  log: Logger;
  now?: () => number;
  onQueued?: () => void;
}

export class Digest {
  private task: ScheduledTask | undefined;
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly reports: Reports,
    private readonly alerts: AlertService,
    private readonly options: DigestOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    this.task = cron.schedule(this.options.cron, () => {
      try {
        this.send();
      } catch (err) {
        this.options.log.error({ err }, 'weekly digest failed');
      }
    }, { timezone: this.options.timeZone, noOverlap: true });
  }

  stop(): void {
    void this.task?.destroy();
  }

  /** Queues this week's digest for every agency; keyed by agency and day, so a rerun sends nothing twice. */
  send(): number {
    const now = this.now();
    const cameras = this.store.cameras.all();
    const report = this.reports.agencies(cameras, '7d');
    const exhausted = digestLines(this.alerts.current, now, this.options.policy);
    const users = this.store.users.list().filter((u) => !u.disabled);
    const day = new Date(now).toISOString().slice(0, 10);
    let queued = 0;
    this.store.cameras.transaction(() => {
      for (const agency of report.agencies) {
        const mine = cameras.filter((c) => c.agency === agency.agency);
        const ids = new Set(mine.map((c) => c.id));
        const lines = [
          `${agency.agency}: ${agency.cameras} kamera, uptime 7 hari ${agency.uptime === null ? '—' : `${(agency.uptime * 100).toFixed(1)}%`} (${agency.zone})`,
          ...mine
            .map((c) => ({ c, s: this.reports.status(c) }))
            .filter(({ s }) => s.status === 'down' || s.status === 'degraded')
            .map(({ c, s }) => `• ${c.name} (${c.site}): ${s.status} sejak ${formatDuration((now - Date.parse(s.since)) / 1000, 'id')}`),
          ...report.dark.filter((d) => ids.has(d.cameraId)).map((d) => `• Mati > 7 hari: ${d.cameraName ?? d.cameraId}${d.innovation ? ` — ${d.innovation}` : ''}`),
          ...exhausted.filter((l) => ids.has(l.cameraId)).map((l) => `• Belum ditangani: ${this.store.cameras.get(l.cameraId)?.name ?? l.cameraId}`),
        ];
        const key = `digest:${agency.agency}:${day}`;
        const action = { key, kind: 'digest', site: '', at: now, cameras: [], outageIds: [], digest: { title: `Ringkasan mingguan ${agency.agency}`, lines } };
        if (!this.store.notifications.insertAlert(action as never, 'digest')) continue;
        const recipients = users.filter((u) => u.role === 'admin' || u.headOf.includes(agency.agency)).map((u) => u.id);
        for (const contact of this.store.contacts.forUsers(recipients)) {
          this.store.notifications.enqueue(key, contact.id, contact.channel, now);
          queued++;
        }
      }
    });
    if (queued) this.options.onQueued?.();
    this.options.log.info({ deliveries: queued }, 'weekly digest queued');
    return queued;
  }
}
