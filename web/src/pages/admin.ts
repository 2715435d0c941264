/**
 * The registry (admins): cameras with edit, pause and delete; adding one through ONVIF; CSV
 * import with a dry run; users and roles; every owner's alert contacts with a test button.
 */
import { get, send } from '../api';
import { button, h } from '../dom';
import { t } from '../i18n';
import type { Ctx, Page } from '../page';
import type { Camera, User } from '../types';
import { contactsSection } from '../contacts';
import { statusLine } from '../widgets';
import { cameraForm } from './admin-camera-form';
import { usersSection } from './admin-users';
import { importSection } from './admin-import';
import { refusal } from './admin-form-errors';

export async function adminPage(ctx: Ctx): Promise<Page> {
  const [cameraList, userList] = await Promise.all([get<Camera[]>('/api/cameras'), get<User[]>('/api/users')]);
  const cameras = cameraList.body ?? [];
  const users = usersSection(userList.status === 200 ? userList.body : [], cameras);
  const formSlot = h('div', {});
  const message = h('p', { class: 'note', attrs: { role: 'status' } });
  const openForm = (c: Camera | null) => {
    formSlot.replaceChildren(cameraForm(c, { cameras, users: users.users }, () => ctx.rerender()));
    formSlot.scrollIntoView({ behavior: 'smooth' });
  };

  const rows = cameras.map((c) =>
    h(
      'li',
      { class: 'admin-camera' },
      h('div', {}, h('strong', {}, c.name), h('span', { class: 'muted' }, ` ${c.site} · ${c.agency}`), statusLine(c.status)),
      h(
        'div',
        { class: 'row' },
        button(t('edit'), () => openForm(c)),
        button(c.enabled ? t('pause') : t('resume'), async () => {
          const r = await send('PATCH', `/api/cameras/${encodeURIComponent(c.id)}`, { enabled: !c.enabled }).catch(() => null);
          if (r && r.status < 300) ctx.rerender();
          else message.replaceChildren(h('span', { class: 'error' }, refusal(r)));
        }),
        button(t('delete'), async () => {
          if (!confirm(`${t('confirmDelete')}\n${c.name}`)) return;
          const r = await send('DELETE', `/api/cameras/${encodeURIComponent(c.id)}`).catch(() => null);
          if (r && r.status < 300) ctx.rerender();
          else message.replaceChildren(h('span', { class: 'error' }, refusal(r)));
        }, 'danger'),
      ),
    ),
  );

  const contacts = await contactsSection(ctx.user, { all: true, users: users.users });
  const node = h(
    'article',
    { class: 'admin' },
    h('h1', {}, t('navAdmin')),
    h('p', {}, h('a', { href: '#/tontonan', class: 'button' }, t('viewsTitle'))),
    h('section', {}, h('h2', {}, t('adminCameras')), h('p', {}, button(t('addCamera'), () => openForm(null), 'primary')), formSlot, message, h('ul', { class: 'admin-cameras' }, ...rows)),
    h('section', {}, importSection(() => ctx.rerender())),
    users.node,
    contacts,
  );
  return { node };
}
