/**
 * Contacts: where each user wants alerts. Users manage their own, admins anyone's. Addresses
 * are checked by the channel that will use them, and those that users (not admins) set must
 * pass the outbound-address policy; webhook secrets are sealed and never shown.
 */
import { randomUUID } from 'node:crypto';
import { HttpError, forbidden, invalid, notFound } from '../errors.js';
import { NotifyError, type Channel, type ContactTarget, type NotifierRegistry } from '../notifiers/index.js';
import { gridLink } from '../notifiers/links.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Contact } from '../store/contacts.js';
import type { Store } from '../store/index.js';
import type { Principal } from './auth.js';

export class Contacts {
  constructor(
    private readonly store: Store,
    private readonly notifiers: NotifierRegistry,
    private readonly box: SecretBox,
    readonly vapidPublicKey: string,
    private readonly publicUrl: string,
  ) {}

  list(principal: Principal, userId?: string) {
    const isAdmin = principal.user.role === 'admin';
    const scope = isAdmin ? userId : principal.user.id;
    if (!isAdmin && userId && userId !== principal.user.id) throw forbidden('you may only see your own contacts');
    return this.store.contacts.list(scope).map(toPublic);
  }

  create(principal: Principal, body: { userId?: string | undefined; channel: Channel; address: string; secret?: string | undefined; language: 'id' | 'en' }) {
    const userId = body.userId ?? principal.user.id;
    if (userId !== principal.user.id && principal.user.role !== 'admin') throw forbidden('only admins add contacts for others');
    if (!this.store.users.get(userId)) throw invalid([{ path: 'userId', message: `no user with id "${userId}"` }]);
    const byAdmin = principal.user.role === 'admin';
    this.checkAddress(body.channel, body.address, byAdmin);
    if (body.secret && body.channel !== 'webhook') throw invalid([{ path: 'secret', message: 'only webhook contacts take a signing secret' }]);
    const contact = this.store.contacts.insert(
      { userId, channel: body.channel, address: body.address, secretEnc: body.secret ? this.box.seal(body.secret) : null, language: body.language, addressByAdmin: byAdmin },
      Date.now(),
    );
    return toPublic(contact);
  }

  update(principal: Principal, id: string, body: { address?: string | undefined; secret?: string | null | undefined; language?: 'id' | 'en' | undefined }) {
    const contact = this.own(principal, id);
    const address = body.address ?? contact.address;
    const changed = address !== contact.address;
    // Whoever sets the address answers for it: an admin's passes the outbound policy, anyone else's not.
    const addressByAdmin = changed ? principal.user.role === 'admin' : contact.addressByAdmin;
    if (changed) this.checkAddress(contact.channel, address, addressByAdmin);
    const secretEnc = body.secret === undefined ? contact.secretEnc : body.secret === null ? null : this.box.seal(body.secret);
    // A changed address gets a fresh chance; the old one was what failed.
    const broken = changed ? null : contact.broken;
    return toPublic(this.store.contacts.update(id, { address, secretEnc, language: body.language ?? contact.language, broken, addressByAdmin }, Date.now()));
  }

  /** The channels configured on this server, in a stable order. */
  channels(): Channel[] {
    return this.notifiers.channels().sort();
  }

  remove(principal: Principal, id: string): void {
    this.own(principal, id);
    this.store.contacts.delete(id);
  }

  /**
   * Sends a test message now, outside the outbox, and says how it went as a category only:
   * never the far side's body or a raw network error, which would let a user read internal
   * services or port-scan through Pantau.
   */
  async test(principal: Principal, id: string) {
    const contact = this.own(principal, id);
    const notifier = this.channel(contact.channel);
    const user = this.store.users.get(contact.userId);
    try {
      const result = await notifier.send(
        { kind: 'test', language: contact.language, cameras: [], dashboardUrl: gridLink(this.publicUrl), timeZone: user?.timeZone ?? 'Asia/Makassar' },
        contactTarget(contact, this.box),
        { signal: AbortSignal.timeout(30_000), idempotencyKey: `test:${contact.id}:${randomUUID()}` },
      );
      if (contact.broken) this.store.contacts.update(id, { ...contact, broken: null }, Date.now());
      const status = /^HTTP (\d{3})$/.exec(result.response ?? '')?.[1];
      return { ok: true as const, outcome: 'delivered' as const, httpStatus: status ? Number(status) : null };
    } catch (err) {
      const { outcome, httpStatus } = testOutcome(err);
      const what = TEST_OUTCOME_WORDS[outcome].replace('{status}', String(httpStatus));
      throw new HttpError(502, `send_${outcome}`, `The test message to this ${contact.channel} contact was not delivered: ${what}`);
    }
  }

  private own(principal: Principal, id: string): Contact {
    const contact = this.store.contacts.get(id);
    if (!contact || (contact.userId !== principal.user.id && principal.user.role !== 'admin')) throw notFound('contact');
    return contact;
  }

  private channel(channel: Channel) {
    if (!this.notifiers.has(channel)) {
      throw new HttpError(400, 'channel_not_configured', `The ${channel} channel is not set up on this server (see notifiers.${channel} in the configuration)`, undefined, undefined, { channel });
    }
    return this.notifiers.get(channel);
  }

  private checkAddress(channel: Channel, address: string, byAdmin: boolean): void {
    const problem = this.channel(channel).validateAddress(address, byAdmin);
    if (problem) throw invalid([{ path: 'address', message: problem }]);
  }
}

export type TestOutcome = 'delivered' | 'refused' | 'rejected' | 'unreachable' | 'timed_out' | 'http_status' | 'failed';

const TEST_OUTCOME_WORDS: Record<Exclude<TestOutcome, 'delivered'>, string> = {
  refused: 'Pantau does not connect to this address (an admin may allow it: outbound in the configuration)',
  rejected: 'the far side refused this address',
  unreachable: 'the far side could not be reached',
  timed_out: 'the far side did not answer in time',
  http_status: 'the far side answered HTTP {status}',
  failed: 'the channel could not send it',
};

/** The category of a failed test send; the only thing a test send tells the user. */
export function testOutcome(err: unknown): { outcome: Exclude<TestOutcome, 'delivered'>; httpStatus: number | null } {
  if (!(err instanceof NotifyError)) return { outcome: 'failed', httpStatus: null };
  if (err.httpStatus !== undefined) return { outcome: 'http_status', httpStatus: err.httpStatus };
  const outcome = ({ refused_address: 'refused', bad_address: 'rejected', gone: 'rejected', network: 'unreachable', timeout: 'timed_out', cancelled: 'timed_out' } as const)[err.code as string] ?? 'failed';
  return { outcome, httpStatus: null };
}

/** Where a delivery to `c` goes, its webhook secret opened. */
export function contactTarget(c: Contact, box: SecretBox): ContactTarget {
  return { id: c.id, channel: c.channel, address: c.address, language: c.language, addressByAdmin: c.addressByAdmin, ...(c.secretEnc ? { secret: box.open(c.secretEnc) } : {}) };
}

function toPublic(c: Contact) {
  return {
    id: c.id,
    userId: c.userId,
    channel: c.channel,
    address: c.address,
    hasSecret: c.secretEnc !== null,
    language: c.language,
    broken: c.broken,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}
