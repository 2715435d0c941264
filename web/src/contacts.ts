/**
 * Alert contacts: list, add, remove and "send a test". Used on the account page (your own)
 * and in the registry (every owner's, for admins). Hidden when the server has no contacts API.
 */
import { get, problem, send } from './api';
import { button, field, h, select } from './dom';
import { channelWord, lang, t } from './i18n';
import type { Contact, User } from './types';

const CHANNELS: Contact['channel'][] = ['email', 'telegram', 'whatsapp', 'webhook'];

export async function contactsSection(me: User, options: { all: boolean; users?: User[] }): Promise<HTMLElement | null> {
  let res;
  try {
    res = await get<Contact[]>('/api/contacts');
  } catch {
    return null;
  }
  if (res.status === 404 || !Array.isArray(res.body)) return null;
  const list = h('ul', { class: 'contacts' });
  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  const nameOf = (id: string) => options.users?.find((u) => u.id === id)?.displayName ?? '';

  const render = (contacts: Contact[]) => {
    const mine = options.all ? contacts : contacts.filter((c) => c.userId === me.id);
    if (!mine.length) return void list.replaceChildren(h('li', { class: 'muted' }, t('noContacts')));
    list.replaceChildren(
      ...mine.map((c) =>
        h(
          'li',
          { class: c.broken ? 'contact broken' : 'contact' },
          h('strong', {}, channelWord(c.channel)),
          h('span', { class: 'addr' }, c.channel === 'webpush' ? '📱' : c.address),
          options.all ? h('span', { class: 'muted' }, nameOf(c.userId)) : null,
          c.broken ? h('span', { class: 'error' }, `${t('broken')}: ${c.broken}`) : null,
          h(
            'span',
            { class: 'row' },
            button(t('sendTest'), async () => {
              const r = await send('POST', `/api/contacts/${encodeURIComponent(c.id)}/test`).catch(() => null);
              message.textContent = r && r.status < 300 ? t('testSent') : r ? problem(r) : t('offlineNoData');
            }),
            button(t('delete'), async () => {
              await send('DELETE', `/api/contacts/${encodeURIComponent(c.id)}`).catch(() => null);
              await reload();
            }, 'danger'),
          ),
        ),
      ),
    );
  };
  const reload = async () => {
    const r = await get<Contact[]>('/api/contacts').catch(() => null);
    if (r?.status === 200) render(r.body);
  };
  render(res.body);

  const channel = select(CHANNELS.map((c) => [c, channelWord(c)]), 'email');
  const address = h('input', { required: true, autocomplete: 'off' });
  const form = h('form', { class: 'stack' }, h('h3', {}, t('addContact')), field(t('channel'), channel), field(t('address'), address), h('button', { type: 'submit', class: 'primary' }, t('add')));
  form.onsubmit = async (e) => {
    e.preventDefault();
    const r = await send('POST', '/api/contacts', { channel: channel.value, address: address.value.trim(), language: lang() }).catch(() => null);
    if (r && r.status < 300) {
      address.value = '';
      await reload();
    } else message.textContent = r ? problem(r) : t('offlineNoData');
  };
  return h('section', {}, h('h2', {}, t('contacts')), list, message, options.all ? null : form);
}
