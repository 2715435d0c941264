/**
 * Turns a stored alert (the policy's action) into the message one contact receives: the
 * cameras in words, links to the dashboard and a signed acknowledge link, the last good
 * snapshot, in the contact's language and the user's time zone.
 * A message speaks of several owners' cameras (a site, devices behind a router); each recipient
 * reads only the cameras it may see, and its acknowledge link covers only the outages it may
 * acknowledge (the owners' and admins' business). Must not send: the sender does.
 */
import type { ActionCamera, AlertAction } from '../domain/alert-policy.js';
import type { AlertCamera, AlertKind, AlertMessage, Language } from '../notifiers/types.js';
import { cameraLink, gridLink, reportLink, siteLink } from '../notifiers/links.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Camera, CameraStore } from '../store/cameras.js';
import type { User } from '../store/users.js';
import { allows } from '../domain/access-level.js';

const ACK_LINK_DAYS = 30;
const NEEDS_ACK = new Set(['alert', 'group', 'reminder', 'escalation']);

export interface MessageContext {
  publicUrl: string;
  box: SecretBox;
  camera: (id: string) => Camera | undefined;
  lastGoodFrame: (cameraId: string) => Buffer | undefined;
  now: number;
}

/** A stored action: the policy's, or a digest (which carries its own lines). */
export type StoredAction = AlertAction | (Omit<AlertAction, 'kind'> & { kind: 'digest'; digest: { title: string; lines: string[] } });

/** Who a message is for, and what of it is theirs. */
export interface Recipient {
  userId: string;
  language: Language;
  timeZone: string;
  /** Whether this camera may be in the recipient's message. */
  sees: (cameraId: string) => boolean;
  /** Whether the recipient may acknowledge this camera's outages. */
  acknowledges: (cameraId: string) => boolean;
  /** Whether the recipient may see this camera's picture (its grant's level; private cameras); none when absent. */
  seesPicture?: (cameraId: string) => boolean;
}

/**
 * What a user may read in a message and acknowledge from it: admins everything; others the
 * cameras they may see (owned or granted) — and in an escalation, which goes to the heads of
 * the cameras' agencies, that agency's cameras — and acknowledge the outages of cameras they own.
 * Nothing for a user deleted or disabled since the message was queued.
 */
export function audience(
  user: User | undefined,
  kind: string,
  cameras: Pick<CameraStore, 'get' | 'isOwner'> & Partial<Pick<CameraStore, 'accessOf'>>,
): Pick<Recipient, 'sees' | 'acknowledges' | 'seesPicture'> {
  if (!user || user.disabled) return { sees: () => false, acknowledges: () => false, seesPicture: () => false };
  if (user.role === 'admin') return { sees: () => true, acknowledges: () => true, seesPicture: () => true };
  const viewer = { role: user.role, userId: user.id };
  const heads = (id: string) => kind === 'escalation' && user.headOf.includes(cameras.get(id)?.agency ?? '');
  return {
    sees: (id) => cameras.get(id, viewer) !== undefined || heads(id),
    acknowledges: (id) => mayAcknowledge(user, id, cameras),
    // The alert's picture follows the same rights as any other picture: a status-only grant, or
    // a private camera seen without a live grant, gets the words without the picture.
    seesPicture: (id) => (cameras.accessOf ? allows(cameras.accessOf(id, viewer), 'pictures') : false),
  };
}

/** Admins acknowledge any outage; owners those of the cameras they own; nobody else any. */
export function mayAcknowledge(user: User, cameraId: string, cameras: Pick<CameraStore, 'isOwner'>): boolean {
  if (user.disabled) return false;
  return user.role === 'admin' || (user.role === 'owner' && cameras.isOwner(cameraId, user.id));
}

/**
 * The recipient's message, or null when nothing of the alert is theirs to see (they lost sight
 * of its cameras after it was queued).
 */
export function messageFor(action: StoredAction, recipient: Recipient, ctx: MessageContext): AlertMessage | null {
  const flat: ActionCamera[] = [];
  const walk = (cams: ActionCamera[]) => cams.forEach((c) => (flat.push(c), walk(c.behind)));
  walk(seenBy(action.cameras, recipient.sees));
  if (flat.length === 0 && action.kind !== 'digest') return null;
  const cameras: AlertCamera[] = flat.map((c) => {
    const cam = ctx.camera(c.cameraId);
    return {
      id: c.cameraId,
      name: cam?.name ?? c.cameraId,
      site: cam?.site ?? action.site,
      agency: cam?.agency ?? '',
      ...(cam?.innovation ? { innovation: cam.innovation.name } : {}),
      status: c.status,
      reason: c.cause ?? c.reason ?? 'unknown',
      since: c.since,
      durationSec: c.durationSec,
    };
  });
  const first = cameras[0];
  const base = ctx.publicUrl.replace(/\/$/, '');
  const open = flat.filter((c) => c.outageId && !c.acknowledged && recipient.acknowledges(c.cameraId)).map((c) => c.outageId!);
  const message: AlertMessage = {
    kind: kindOf(action, flat),
    language: recipient.language,
    cameras,
    dashboardUrl: dashboardUrl(action, cameras, ctx.publicUrl),
    timeZone: recipient.timeZone,
  };
  if (action.kind === 'digest') message.digest = action.digest;
  if (NEEDS_ACK.has(action.kind) && open.length) message.ackUrl = `${base}/ack/${ackToken(open, recipient.userId, ctx)}?lang=${recipient.language}`; // the page in the message's language
  const jpeg = first && recipient.seesPicture?.(first.id) ? ctx.lastGoodFrame(first.id) : undefined;
  if (jpeg) message.snapshot = { jpeg };
  return message;
}

/**
 * One camera: its page; several at one site (a site, devices behind its router): the grid
 * filtered to that site; several sites: the whole grid; a digest: the report.
 */
function dashboardUrl(action: StoredAction, cameras: AlertCamera[], base: string): string {
  if (action.kind === 'digest') return reportLink(base);
  const only = cameras.length === 1 ? cameras[0] : undefined;
  if (only) return cameraLink(base, only.id);
  const sites = new Set(cameras.map((c) => c.site));
  return sites.size === 1 ? siteLink(base, [...sites][0]!) : gridLink(base);
}

/**
 * The cameras this recipient may see, nesting kept: a camera it may not see is left out and
 * those behind it that it may see take its place.
 */
function seenBy(cameras: ActionCamera[], sees: (cameraId: string) => boolean): ActionCamera[] {
  return cameras.flatMap((c) => {
    const behind = seenBy(c.behind, sees);
    return sees(c.cameraId) ? [{ ...c, behind }] : behind;
  });
}

/** A group of which the recipient sees one camera reads as that camera's alert. */
function kindOf(action: StoredAction, seen: ActionCamera[]): AlertKind {
  switch (action.kind) {
    case 'alert':
    case 'group':
      if (action.kind === 'group' && seen.length > 1) return 'group';
      return seen[0]?.status === 'degraded' ? 'degraded' : 'down';
    case 'recovery':
      return 'recovered';
    default:
      return action.kind;
  }
}

/** A link that acknowledges these outages as this user, valid for a month. */
export function ackToken(outageIds: string[], userId: string, ctx: Pick<MessageContext, 'box' | 'now'>): string {
  const payload = Buffer.from(JSON.stringify({ o: outageIds, u: userId, e: ctx.now + ACK_LINK_DAYS * 86_400_000 })).toString('base64url');
  return `${payload}.${ctx.box.sign(payload)}`;
}

export function readAckToken(token: string, box: SecretBox, now: number): { outageIds: string[]; userId: string } | null {
  const [payload, signature] = token.split('.');
  if (!payload || !signature || !box.verify(payload, signature)) return null;
  try {
    const data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { o?: unknown; u?: unknown; e?: unknown };
    if (!Array.isArray(data.o) || typeof data.u !== 'string' || typeof data.e !== 'number' || data.e < now) return null;
    return { outageIds: data.o.filter((x): x is string => typeof x === 'string'), userId: data.u };
  } catch {
    return null;
  }
}
