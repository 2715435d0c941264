/**
 * What people do with alerts: read them with their deliveries, acknowledge an outage (in the
 * dashboard or through a signed link), and mute cameras or sites for maintenance. Every answer
 * is limited to the cameras the user may see, and a delivery (its contact, its errors) is shown
 * only to the contact's user and to admins. Acknowledging, by either way, takes only outages of
 * cameras the user owns (admins: any).
 */
import { forbidden, invalid, notFound } from '../errors.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Store } from '../store/index.js';
import type { ActionCamera } from '../domain/alert-policy.js';
import type { Delivery } from '../store/notifications.js';
import type { Mute } from '../store/contacts.js';
import type { Principal } from './auth.js';
import type { AlertService } from './alerts.js';
import { mayAcknowledge, readAckToken } from './alert-messages.js';
import type { CameraRegistry } from './registry.js';
import { recordView, type RecordInput } from './outage-records.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export class AlertFeed {
  constructor(
    private readonly store: Store,
    private readonly registry: CameraRegistry,
    private readonly service: AlertService,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  alerts(principal: Principal, cameraId: string | undefined, days: number) {
    const visible = this.visibleIds(principal, cameraId);
    const seen = principal.user.role === 'admin' ? null : new Set(this.registry.visibleCameras(principal).map((c) => c.id));
    const sees = (id: string) => seen === null || seen.has(id);
    const stored = this.store.notifications.alertsFor(visible, this.now() - days * 86_400_000);
    const deliveries = this.ownDeliveries(principal, this.store.notifications.deliveriesOf(stored.map((a) => a.key)));
    return stored.map(({ key, kind, site, at, action }) => {
      // A site's or a router's alert speaks of other owners' cameras too: only those this user may see are shown.
      const cameras = flatten(action.cameras).filter((c) => sees(c.cameraId));
      const outageIds = action.outageIds.filter((o) => sees(cameraOf(o)));
      const ack = outageIds.map((o) => this.store.notifications.acknowledgementOf(o)).find(Boolean);
      return {
        key,
        kind,
        site,
        at: iso(at)!,
        cameras: cameras.map((c) => ({ cameraId: c.cameraId, outageId: c.outageId, status: c.status, cause: c.cause, since: iso(c.since)!, durationSec: c.durationSec })),
        outageIds,
        acknowledged: ack ? { by: ack.by, at: iso(ack.at)! } : null,
        deliveries: deliveries
          .filter((d) => d.alertKey === key)
          .map((d) => ({ id: d.id, contactId: d.contactId, channel: d.channel, status: d.status, attempts: d.attempts, lastError: d.lastError, sentAt: iso(d.sentAt) })),
      };
    });
  }

  notifications(principal: Principal, cameraId: string, days: number) {
    this.registry.visible(principal, cameraId);
    const stored = this.store.notifications.alertsFor([cameraId], this.now() - days * 86_400_000);
    const deliveries = this.ownDeliveries(principal, this.store.notifications.deliveriesOf(stored.map((a) => a.key)));
    const attempts = this.store.notifications.attemptsOf(deliveries.map((d) => d.id));
    const kinds = new Map(stored.map((a) => [a.key, a.kind]));
    const outages = this.store.notifications.outagesOf(stored.map((a) => a.key), cameraId);
    // Deliveries are the principal's own contacts' (admins: everyone's), so their details may be shown.
    const to = (contactId: string) => {
      const contact = this.store.contacts.get(contactId);
      const user = contact && this.store.users.get(contact.userId);
      return { to: contact && contact.channel !== 'webpush' ? contact.address : null, userName: user ? user.displayName || user.username : null };
    };
    return deliveries
      .map((d) => ({
        id: d.id,
        alertKey: d.alertKey,
        kind: kinds.get(d.alertKey) ?? null,
        outageId: outages.get(d.alertKey) ?? null,
        contactId: d.contactId,
        ...to(d.contactId),
        channel: d.channel,
        status: d.status,
        createdAt: iso(d.createdAt),
        sentAt: iso(d.sentAt),
        attempts: (attempts.get(d.id) ?? []).map((a) => ({ at: iso(a.at), ok: a.ok, permanent: a.permanent, error: a.error })),
      }))
      .reverse();
  }

  /** Acknowledges an outage and, given one, records its cause with it (a new entry in its history). */
  acknowledge(principal: Principal, outageId: string, record?: RecordInput) {
    const cameraId = cameraOf(outageId);
    this.registry.visible(principal, cameraId);
    if (!mayAcknowledge(principal.user, cameraId, this.store.cameras)) throw forbidden('only the camera’s owners and admins acknowledge its outages');
    if (!this.store.flips.outageStartsAt(cameraId, Number(outageId.slice(cameraId.length + 1)))) throw notFound('outage');
    this.service.acknowledge(outageId, cameraId, principal.user.username);
    const ack = this.store.notifications.acknowledgementOf(outageId)!;
    const stored = record ? this.store.outageNotes.append({ outageId, cameraId, ...record, by: principal.user.username, at: this.now() }) : null;
    return { outageId, by: ack.by, at: iso(ack.at)!, record: stored ? recordView(stored) : null };
  }

  readAckLink(token: string) {
    return readAckToken(token, this.box, this.now());
  }

  /**
   * Acknowledges, as the link's user, the link's outages that this user may acknowledge now: a
   * link is checked again when used (it may be older than an ownership change, or have been
   * made before links were limited to the recipient's own outages). Says which cameras' outages it acknowledged.
   */
  acknowledgeByLink(token: string, record?: RecordInput): { cameraIds: string[] } | null {
    const link = this.readAckLink(token);
    const user = link && this.store.users.get(link.userId);
    if (!link || !user || user.disabled) return null;
    const cameraIds = new Set<string>();
    for (const outageId of link.outageIds) {
      const cameraId = cameraOf(outageId);
      if (this.store.cameras.exists(cameraId) && mayAcknowledge(user, cameraId, this.store.cameras)) {
        this.service.acknowledge(outageId, cameraId, user.username);
        if (record && this.store.flips.outageStartsAt(cameraId, Number(outageId.slice(cameraId.length + 1)))) {
          this.store.outageNotes.append({ outageId, cameraId, ...record, by: user.username, at: this.now() });
        }
        cameraIds.add(cameraId);
      }
    }
    return { cameraIds: [...cameraIds] };
  }

  mutes(principal: Principal) {
    const visible = new Set(this.registry.visibleCameras(principal).map((c) => c.id));
    const sites = new Set(this.registry.visibleCameras(principal).map((c) => c.site));
    return this.store.contacts
      .activeMutes(this.now())
      .filter((m) => (m.cameraId ? visible.has(m.cameraId) : sites.has(m.site!)))
      .map(toPublicMute);
  }

  mute(principal: Principal, body: { cameraId?: string | undefined; site?: string | undefined; until: string; reason?: string | undefined }) {
    if (body.site !== undefined && principal.user.role !== 'admin') throw forbidden('only admins mute a whole site');
    if (body.cameraId !== undefined) {
      const camera = this.registry.visible(principal, body.cameraId);
      if (principal.user.role !== 'admin' && !camera.owners.includes(principal.user.id)) throw forbidden('only the camera’s owners and admins mute it');
    } else if (!this.store.cameras.all().some((c) => c.site === body.site)) {
      throw invalid([{ path: 'site', message: `no camera is at site "${body.site}"` }]);
    }
    const mute = this.store.contacts.addMute(
      { cameraId: body.cameraId ?? null, site: body.site ?? null, until: Date.parse(body.until), reason: body.reason ?? null, createdBy: principal.user.username },
      this.now(),
    );
    return toPublicMute(mute);
  }

  unmute(principal: Principal, id: string): void {
    const mute = this.store.contacts.getMute(id);
    if (!mute) throw notFound('mute');
    if (principal.user.role !== 'admin') {
      const camera = mute.cameraId ? this.store.cameras.get(mute.cameraId) : undefined;
      if (!camera || !camera.owners.includes(principal.user.id)) throw forbidden('only admins and the camera’s owners end this mute');
    }
    this.store.contacts.deleteMute(id);
  }

  private visibleIds(principal: Principal, cameraId: string | undefined): string[] | null {
    if (cameraId) return [this.registry.visible(principal, cameraId).id];
    return principal.user.role === 'admin' ? null : this.registry.visibleCameras(principal).map((c) => c.id);
  }

  /** Deliveries name a contact and carry its errors: shown to the contact's user and to admins. */
  private ownDeliveries(principal: Principal, deliveries: Delivery[]): Delivery[] {
    if (principal.user.role === 'admin') return deliveries;
    const mine = new Set(this.store.contacts.list(principal.user.id).map((c) => c.id));
    return deliveries.filter((d) => mine.has(d.contactId));
  }
}

/** Every camera an alert speaks of, those behind another included. */
function flatten(cameras: ActionCamera[]): ActionCamera[] {
  return cameras.flatMap((c) => [c, ...flatten(c.behind)]);
}

/** Outage ids are `${cameraId}:${startMs}`. */
function cameraOf(outageId: string): string {
  const i = outageId.lastIndexOf(':');
  if (i <= 0) throw notFound('outage');
  return outageId.slice(0, i);
}

function toPublicMute(m: Mute) {
  return { id: m.id, cameraId: m.cameraId, site: m.site, until: iso(m.until)!, reason: m.reason, createdBy: m.createdBy };
}
