/**
 * Contacts: where each user wants alerts. Users manage their own, admins anyone's. Addresses
 * are checked by the channel that will use them; webhook secrets are sealed and never shown.
 */
import { randomUUID } from 'node:crypto';
import { HttpError, forbidden, invalid, notFound } from '../errors.js';
import { NotifyError, type Channel, type NotifierRegistry } from '../notifiers/index.js';
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
    this.checkAddress(body.channel, body.address);
    if (body.secret && body.channel !== 'webhook') throw invalid([{ path: 'secret', message: 'only webhook contacts take a signing secret' }]);
    const contact = this.store.contacts.insert(
      { userId, channel: body.channel, address: body.address, secretEnc: body.secret ? this.box.seal(body.secret) : null, language: body.language },
      Date.now(),
    );
    return toPublic(contact);
  }

  update(principal: Principal, id: string, body: { address?: string | undefined; secret?: string | null | undefined; language?: 'id' | 'en' | undefined }) {
    const contact = this.own(principal, id);
    const address = body.address ?? contact.address;
    if (body.address !== undefined) this.checkAddress(contact.channel, address);
    const secretEnc = body.secret === undefined ? contact.secretEnc : body.secret === null ? null : this.box.seal(body.secret);
    // A changed address gets a fresh chance; the old one was what failed.
    const broken = body.address !== undefined && body.address !== contact.address ? null : contact.broken;
    return toPublic(this.store.contacts.update(id, { address, secretEnc, language: body.language ?? contact.language, broken }, Date.now()));
  }

  remove(principal: Principal, id: string): void {
    this.own(principal, id);
    this.store.contacts.delete(id);
  }

  /** Sends a test message now, outside the outbox, and says what the channel answered. */
  async test(principal: Principal, id: string) {
    const contact = this.own(principal, id);
    const notifier = this.channel(contact.channel);
    const user = this.store.users.get(contact.userId);
    try {
      const result = await notifier.send(
        { kind: 'test', language: contact.language, cameras: [], dashboardUrl: `${this.publicUrl.replace(/\/$/, '')}/`, timeZone: user?.timeZone ?? 'Asia/Makassar' },
        { id: contact.id, channel: contact.channel, address: contact.address, language: contact.language, ...(contact.secretEnc ? { secret: this.box.open(contact.secretEnc) } : {}) },
        { signal: AbortSignal.timeout(30_000), idempotencyKey: `test:${contact.id}:${randomUUID()}` },
      );
      if (contact.broken) this.store.contacts.update(id, { ...contact, broken: null }, Date.now());
      return { ok: true as const, response: result.response ?? null };
    } catch (err) {
      const e = err instanceof NotifyError ? err : null;
      throw new HttpError(502, `send_${e?.code ?? 'failed'}`, `The ${contact.channel} channel refused the test message: ${(err as Error).message}`);
    }
  }

  private own(principal: Principal, id: string): Contact {
    const contact = this.store.contacts.get(id);
    if (!contact || (contact.userId !== principal.user.id && principal.user.role !== 'admin')) throw notFound('contact');
    return contact;
  }

  private channel(channel: Channel) {
    if (!this.notifiers.has(channel)) {
      throw new HttpError(400, 'channel_not_configured', `The ${channel} channel is not set up on this server (see notifiers.${channel} in the configuration)`);
    }
    return this.notifiers.get(channel);
  }

  private checkAddress(channel: Channel, address: string): void {
    const problem = this.channel(channel).validateAddress(address);
    if (problem) throw invalid([{ path: 'address', message: problem }]);
  }
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
