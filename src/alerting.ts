/**
 * Wires alerting: notifier channels from config (Web Push keys generated on first start),
 * the alert policy fed by flips, the outbox sender, the weekly digest, contacts and the alert
 * feed for the API. Part of the composition root; holds no logic of its own.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config/schema.js';
import { alertPolicy, DEFAULT_ALERT_POLICY } from './domain/alert-policy.js';
import type { Logger } from './log.js';
import { createNotifierRegistry, generateVapidKeys, type NotifiersConfig } from './notifiers/index.js';
import { outboundPolicies } from './security/outbound-policy.js';
import type { SecretBox } from './security/secret-box.js';
import type { Store } from './store/index.js';
import { AlertFeed } from './services/alert-feed.js';
import { OutageRecords } from './services/outage-records.js';
import { AlertService } from './services/alerts.js';
import { Contacts } from './services/contacts.js';
import { Digest } from './services/digest.js';
import type { Monitor } from './services/monitor.js';
import type { CameraRegistry } from './services/registry.js';
import type { Reports } from './services/reports.js';
import type { InnovationReports } from './services/innovation-report.js';
import { Sender } from './services/sender.js';

export interface Alerting {
  contacts: Contacts;
  feed: AlertFeed;
  records: OutageRecords;
  alerts: AlertService;
  sender: Sender;
  digest: Digest;
  /** Keeps the newest good frame per camera, for the picture in an alert. */
  stop(): Promise<void>;
}

export function startAlerting(deps: {
  config: Config;
  store: Store;
  monitor: Monitor;
  registry: CameraRegistry;
  reports: Reports;
  innovations: InnovationReports;
  box: SecretBox;
  log: Logger;
  /** The camera's last picture an image check judged good, for messages that carry pictures. */
  lastGoodFrame: (cameraId: string) => Buffer | undefined;
}): Alerting {
  const { config, store, monitor, registry, reports, innovations, box, log } = deps;
  const vapid = vapidKeys(config, log);
  const notifiers = createNotifierRegistry(notifierConfig(config, vapid));
  const policy = alertPolicy({
    graceSec: config.alerts.graceSec,
    groupWindowSec: config.alerts.groupWindowSec ?? DEFAULT_ALERT_POLICY.groupWindowSec,
    reminderEverySec: config.alerts.reminderEverySec,
    maxReminders: config.alerts.maxReminders,
    escalateAfterSec: config.alerts.escalateAfterSec,
  });
  if (config.alerts.groupWindowSec !== undefined) {
    log.info(
      { groupWindowSec: config.alerts.groupWindowSec },
      'alerts.groupWindowSec no longer delays alerts: cameras of a site that go dark within the grace share one message. It now only holds a site\'s recoveries for each other; remove it to keep the default (60 s)',
    );
  }
  const sender = new Sender(store, notifiers, box, { ...config.alerts.delivery, publicUrl: config.server.publicUrl, pollMs: 2000, lastGoodFrame: deps.lastGoodFrame, log });
  const alerts = new AlertService(store, monitor, { policy, log, onQueued: () => sender.nudge() });
  const records = new OutageRecords(store, registry);
  const digest = new Digest(store, reports, alerts, records, innovations, {
    cron: config.alerts.digestCron,
    timeZone: config.alerts.digestTimeZone,
    policy,
    log,
    askCauseAfterMs: config.alerts.askCauseAfterDays * 86_400_000,
    publicUrl: config.server.publicUrl,
    onQueued: () => sender.nudge(),
  });
  registry.onChange(() => alerts.camerasChanged());
  alerts.start();
  sender.start();
  digest.start();
  return {
    contacts: new Contacts(store, notifiers, box, vapid.publicKey, config.server.publicUrl),
    feed: new AlertFeed(store, registry, alerts, box),
    records,
    alerts,
    sender,
    digest,
    async stop() {
      digest.stop();
      alerts.stop();
      await sender.stop();
      await notifiers.close();
    },
  };
}

function notifierConfig(config: Config, vapid: { publicKey: string; privateKey: string }): NotifiersConfig {
  const { email, telegram, whatsapp, webpush } = config.notifiers;
  // Users set webhook URLs and Web Push endpoints; the other channels' addresses are the admin's.
  const policy = outboundPolicies(config.outbound).contacts;
  return {
    webhook: { policy },
    webpush: { vapid: { ...vapid, subject: webpush.subject }, policy },
    ...(email
      ? {
          email: {
            host: email.host,
            ...(email.port ? { port: email.port } : {}),
            secure: email.secure,
            starttls: email.starttls,
            ...(email.user ? { auth: { user: email.user, pass: email.password ?? '' } } : {}),
            from: email.from,
            tls: { rejectUnauthorized: email.rejectUnauthorized },
          },
        }
      : {}),
    ...(telegram ? { telegram: { botToken: telegram.botToken, apiBase: telegram.apiBase } } : {}),
    ...(whatsapp ? { whatsapp: { url: whatsapp.url, method: whatsapp.method, headers: whatsapp.headers, bodyTemplate: whatsapp.bodyTemplate } } : {}),
  };
}

/** VAPID keys from config, else from <dataDir>/vapid.json, generated (0600) on first start. */
function vapidKeys(config: Config, log: Logger): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = config.notifiers.webpush;
  if (publicKey && privateKey) return { publicKey, privateKey };
  const file = path.resolve(config.dataDir, 'vapid.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { publicKey: string; privateKey: string };
  const keys = generateVapidKeys();
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  log.info('generated Web Push (VAPID) keys in the data directory');
  return keys;
}
