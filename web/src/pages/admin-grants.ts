/**
 * Picks what a user may see from values that exist: an agency, a site or a camera of the
 * registry, one grant per pick. Free text let "Dinas Kesehatan, Dinas Perdagangan" become one
 * grant that matched nothing; a grant that matches no camera now says so and can be removed.
 */
import { button, h, select } from '../dom';
import { t } from '../i18n';
import type { Camera } from '../types';
import { labelled } from './admin-form-errors';

export type Scope = 'agency' | 'site' | 'camera';
export interface Grant {
  scope: Scope;
  value: string;
}

const SCOPES = (): [Scope, string][] => [['agency', t('agency')], ['site', t('site')], ['camera', t('grantCamera')]];

/** The values each scope can take, as [value, label]: agencies and sites by name, cameras by id. */
function choices(cameras: Camera[], scope: Scope): [string, string][] {
  if (scope === 'camera') return cameras.map((c): [string, string] => [c.id, `${c.name} · ${c.site}`]).sort((a, b) => a[1].localeCompare(b[1]));
  return [...new Set(cameras.map((c) => c[scope]))].sort((a, b) => a.localeCompare(b)).map((v): [string, string] => [v, v]);
}

export function grantLabel(cameras: Camera[], g: Grant): string {
  const scope = SCOPES().find(([s]) => s === g.scope)?.[1] ?? g.scope;
  const value = g.scope === 'camera' ? (cameras.find((c) => c.id === g.value)?.name ?? g.value) : g.value;
  return `${scope}: ${value}`;
}

export function grantPicker(cameras: Camera[], initial: Grant[], idPrefix: string): { node: HTMLElement; grants(): Grant[]; reset(): void } {
  let grants = initial.map((g) => ({ scope: g.scope, value: g.value }));
  const list = h('ul', { class: 'chips', attrs: { 'aria-live': 'polite' } });
  const matches = (g: Grant) => choices(cameras, g.scope).some(([v]) => v === g.value);
  const removeButton = (g: Grant, i: number) => {
    const b = button('×', () => {
      grants = grants.filter((_, j) => j !== i);
      render();
    }, 'chip-remove');
    b.setAttribute('aria-label', `${t('removeGrant')}: ${grantLabel(cameras, g)}`);
    return b;
  };
  const render = (): void =>
    list.replaceChildren(
      ...(grants.length
        ? grants.map((g, i) =>
            h(
              'li',
              { class: matches(g) ? 'chip' : 'chip stale' },
              h('span', {}, grantLabel(cameras, g), matches(g) ? '' : ` (${t('grantMatchesNothing')})`),
              removeButton(g, i),
            ),
          )
        : [h('li', { class: 'muted' }, t('noGrants'))]),
    );

  const value = h('select', {});
  const fillValues = (scope: Scope) => value.replaceChildren(...choices(cameras, scope).map(([v, label]) => h('option', { value: v, textContent: label })));
  const scope = select(SCOPES(), 'agency', (s) => fillValues(s as Scope));
  fillValues('agency');
  scope.id = `${idPrefix}-scope`;
  value.id = `${idPrefix}-value`;
  const add = button(t('addGrant'), () => {
    const g: Grant = { scope: scope.value as Scope, value: value.value };
    if (!g.value || grants.some((x) => x.scope === g.scope && x.value === g.value)) return;
    grants.push(g);
    render();
  });
  render();
  const node = h(
    'fieldset',
    { class: 'group grants' },
    h('legend', {}, t('access')),
    h('small', { class: 'muted' }, t('accessHint')),
    list,
    h('div', { class: 'row' }, labelled(t('grantScope'), scope), labelled(t('grantValue'), value)),
    add,
  );
  return {
    node,
    grants: () => grants.map((g) => ({ ...g })),
    reset: () => {
      grants = [];
      render();
    },
  };
}
