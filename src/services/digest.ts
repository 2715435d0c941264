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
import type { OutageRecords } from './outage-records.js';
import { cameraLink, reportLink } from '../notifiers/links.js';
import { stateChanges, type InnovationState } from '../domain/innovation-state.js';
import type { InnovationReports } from './innovation-report.js';

const STATE_ID: Record<InnovationState, string> = { healthy: 'sehat', at_risk: 'berisiko', dying: 'sekarat', dead: 'mati', unknown: 'belum ada data' };

export interface DigestOptions {
  cron: string;
  timeZone: string;
  policy: AlertPolicy;
  log: Logger;
  /** Open this long with no cause recorded: the camera's owners are asked for one. @defaultValue 7 days */
  askCauseAfterMs?: number;
  /** Base of the links to camera pages in the ask. */
  publicUrl?: string;
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
    private readonly records: OutageRecords,
    private readonly innovations: InnovationReports,
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
    const asking = this.records.asking(this.options.askCauseAfterMs ?? 7 * 86_400_000);
    // Innovations whose state moved since the last digest; remembered once the digest is queued.
    const states = this.innovations.report(cameras, 'innovation').groups.filter((g) => g.group !== '');
    const changed = new Map(stateChanges(this.store.reportStates.all(), states).map((c) => [c.group, c]));
    let queued = 0;
    this.store.cameras.transaction(() => {
      queued += this.askForCauses(asking, users, now, day);
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
          ...asking.filter((a) => ids.has(a.camera.id)).map((a) => `• Penyebab belum dicatat: ${a.camera.name} (${formatDuration((now - a.start) / 1000, 'id')})`),
          ...[...new Set(mine.map((c) => c.innovation?.name).filter((n): n is string => !!n))]
            .flatMap((name) => {
              const c = changed.get(name);
              return c ? [`• Inovasi ${name}: ${c.from === null ? 'baru' : STATE_ID[c.from]} → ${STATE_ID[c.to]}`] : [];
            }),
          `Laporan inovasi: ${reportLink(this.options.publicUrl ?? '')}`,
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
    this.store.reportStates.save(new Map(states.map((g) => [g.group, g.state])), now);
    if (queued) this.options.onQueued?.();
    if (asking.length) this.options.log.info({ outages: asking.length }, 'owners asked again for the causes of long outages');
    this.options.log.info({ deliveries: queued }, 'weekly digest queued');
    return queued;
  }

  /**
   * Each owner of a camera dark for long with no cause recorded gets one message listing those
   * outages, each with the link to its camera's page (cameras without an owner: the admins).
   */
  private askForCauses(asking: ReturnType<OutageRecords['asking']>, users: ReturnType<Store['users']['list']>, now: number, day: string): number {
    const active = new Set(users.map((u) => u.id));
    const admins = users.filter((u) => u.role === 'admin').map((u) => u.id);
    const perUser = new Map<string, string[]>();
    for (const a of asking) {
      const owners = a.camera.owners.filter((id) => active.has(id));
      const line = `• ${a.camera.name} (${a.camera.site}): ${formatDuration((now - a.start) / 1000, 'id')} — ${cameraLink(this.options.publicUrl ?? '', a.camera.id)}`;
      for (const userId of owners.length ? owners : admins) perUser.set(userId, [...(perUser.get(userId) ?? []), line]);
    }
    let queued = 0;
    for (const [userId, lines] of perUser) {
      const key = `cause-ask:${userId}:${day}`;
      const digest = { title: 'Mohon catat penyebab gangguan / Please record the outage cause', lines };
      const action = { key, kind: 'digest', site: '', at: now, cameras: [], outageIds: [], digest };
      if (!this.store.notifications.insertAlert(action as never, 'digest')) continue;
      for (const contact of this.store.contacts.forUsers([userId])) {
        this.store.notifications.enqueue(key, contact.id, contact.channel, now);
        queued++;
      }
    }
    return queued;
  }
}
