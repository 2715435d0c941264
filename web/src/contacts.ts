/**
 * Alert contacts: list, add, remove, change a contact's message language, and "send a test"
 * that says what the channel answered. Only the channels this server has configured are
 * offered (GET /api/contacts/channels); Web Push is added from the account page's own button.
 * Used on the account page (your own) and in the registry (every owner's, for admins). Hidden
 * when the server has no contacts API.
 */
import { get, problem, send, type Answer } from './api';
import { button, field, h, select } from './dom';
import { channelWord, lang, t, type Key } from './i18n';
import { fill } from './pages/admin-form-errors';
import type { Contact, User } from './types';

type Channel = Contact['channel'];
type ContactOut = Contact & { hasSecret?: boolean };
/** What the add form offers, of what the server has; Web Push subscribes from its own button. */
const FORM_CHANNELS: Channel[] = ['email', 'telegram', 'whatsapp', 'webhook'];
const HINTS: Partial<Record<Channel, Key>> = { email: 'ctHintEmail', telegram: 'ctHintTelegram', whatsapp: 'ctHintWhatsapp', webhook: 'ctHintWebhook' };
const LANGUAGES: [string, string][] = [['id', 'Bahasa Indonesia'], ['en', 'English']];
/** The API's test categories (error codes of a 502) in words. */
const OUTCOMES: Record<string, Key> = {
  send_refused: 'ctRefused', send_rejected: 'ctRejected', send_unreachable: 'ctUnreachable', send_timed_out: 'ctTimedOut',
  send_http_status: 'ctHttpStatus', send_failed: 'ctFailed', channel_not_configured: 'ctNotConfigured',
};

/** What a test send answered, in the user's language. */
export function testAnswer(r: Answer<unknown> | null): { text: string; ok: boolean } {
  if (!r) return { text: t('offlineNoData'), ok: false };
  const body = r.body as { httpStatus?: number | null; error?: string; message?: string } | null;
  if (r.status < 300) return { text: body?.httpStatus ? fill('ctDeliveredHttp', { status: body.httpStatus }) : t('ctDelivered'), ok: true };
  const key = body?.error ? OUTCOMES[body.error] : undefined;
  // The status is only in the message: "… answered HTTP 503".
  const status = /HTTP (\d{3})/.exec(body?.message ?? '')?.[1] ?? '';
  return { text: key ? fill(key, { status }) : problem(r), ok: false };
}

export async function contactsSection(me: User, options: { all: boolean; users?: User[] }): Promise<HTMLElement | null> {
  let res;
  try {
    res = await get<ContactOut[]>('/api/contacts');
  } catch {
    return null;
  }
  if (res.status === 404 || !Array.isArray(res.body)) return null;
  const configured = await get<{ channels: Channel[] }>('/api/contacts/channels').catch(() => null);
  const channels = FORM_CHANNELS.filter((c) => configured?.status === 200 && configured.body.channels.includes(c));
  const list = h('ul', { class: 'contacts' });
  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  const nameOf = (id: string) => options.users?.find((u) => u.id === id)?.displayName ?? '';
  /** Each contact's latest answer, kept when the list is drawn again (after an add or a delete). */
  const answers = new Map<string, { text: string; ok: boolean }>();

  const item = (c: ContactOut): HTMLElement => {
    const answer = h('p', { class: 'note contact-answer', attrs: { role: 'status' } });
    const say = (said: { text: string; ok: boolean }) => {
      answers.set(c.id, said);
      answer.className = said.ok ? 'note contact-answer' : 'error contact-answer';
      answer.textContent = said.text;
      answer.hidden = !said.text;
    };
    say(answers.get(c.id) ?? { text: '', ok: true });
    const language = select(LANGUAGES, c.language, async (value) => {
      const r = await send('PATCH', `/api/contacts/${encodeURIComponent(c.id)}`, { language: value }).catch(() => null);
      say({ text: r && r.status < 300 ? t('saved') : r ? problem(r) : t('offlineNoData'), ok: !!r && r.status < 300 });
    });
    return h(
      'li',
      { class: c.broken ? 'contact broken' : 'contact', data: { contact: c.id } },
      h('strong', {}, channelWord(c.channel)),
      h('span', { class: 'addr' }, c.channel === 'webpush' ? '📱' : c.address),
      c.hasSecret ? h('span', { class: 'muted' }, t('ctSigned')) : null,
      options.all ? h('span', { class: 'muted' }, nameOf(c.userId)) : null,
      c.broken ? h('span', { class: 'error' }, `${t('broken')}: ${c.broken}`) : null,
      field(t('ctLanguage'), language),
      h(
        'span',
        { class: 'row' },
        button(t('sendTest'), async () => {
          say({ text: t('ctSending'), ok: true });
          say(testAnswer(await send('POST', `/api/contacts/${encodeURIComponent(c.id)}/test`).catch(() => null)));
        }),
        button(t('delete'), async () => {
          await send('DELETE', `/api/contacts/${encodeURIComponent(c.id)}`).catch(() => null);
          await reload();
        }, 'danger'),
      ),
      answer,
    );
  };
  const render = (contacts: ContactOut[]) => {
    const mine = options.all ? contacts : contacts.filter((c) => c.userId === me.id);
    if (!mine.length) return void list.replaceChildren(h('li', { class: 'muted' }, t('noContacts')));
    list.replaceChildren(...mine.map(item));
  };
  const reload = async () => {
    const r = await get<ContactOut[]>('/api/contacts').catch(() => null);
    if (r?.status === 200) render(r.body);
  };
  render(res.body);
  const section = h('section', {}, h('h2', {}, t('contacts')), list, message);
  if (options.all) return section;
  if (!channels.length) {
    section.append(h('p', { class: 'muted' }, t('ctNoChannels')));
    return section;
  }

  const channel = select(channels.map((c) => [c, channelWord(c)]), channels[0]!);
  const address = h('input', { required: true, autocomplete: 'off' });
  const hint = h('small', {});
  const secret = h('input', { type: 'password', autocomplete: 'new-password', minLength: 8, maxLength: 200 });
  const secretField = field(t('ctSecret'), secret, t('ctSecretHint'));
  // Only webhooks are signed; a slot, since a label's display rule would beat `hidden`.
  const secretSlot = h('div', {});
  const language = select(LANGUAGES, lang());
  const fit = () => {
    const c = channel.value as Channel;
    hint.textContent = t(HINTS[c] ?? 'address');
    address.type = c === 'email' ? 'email' : c === 'webhook' ? 'url' : 'text';
    address.inputMode = c === 'telegram' || c === 'whatsapp' ? 'numeric' : '';
    secretSlot.replaceChildren(...(c === 'webhook' ? [secretField] : []));
  };
  channel.onchange = fit;
  const addressField = field(t('address'), address);
  addressField.append(hint);
  const form = h(
    'form',
    { class: 'stack' },
    h('h3', {}, t('addContact')),
    field(t('channel'), channel),
    addressField,
    secretSlot,
    field(t('ctLanguage'), language),
    h('button', { type: 'submit', class: 'primary' }, t('add')),
  );
  fit();
  form.onsubmit = async (e) => {
    e.preventDefault();
    const body: Record<string, string> = { channel: channel.value, address: address.value.trim(), language: language.value };
    if (channel.value === 'webhook' && secret.value) body.secret = secret.value;
    const r = await send('POST', '/api/contacts', body).catch(() => null);
    if (r && r.status < 300) {
      address.value = '';
      secret.value = '';
      message.className = 'note';
      message.textContent = t('ctAdded');
      await reload();
    } else {
      message.className = 'error';
      message.textContent = r ? problem(r) : t('offlineNoData');
    }
  };
  section.append(form);
  return section;
}
