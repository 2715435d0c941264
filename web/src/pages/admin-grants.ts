/**
 * Picks what a user may see from values that exist: an agency, a site or a camera of the
 * registry, one grant per pick, each with its level (status only, pictures, live). Free text
 * let "Dinas Kesehatan, Dinas Perdagangan" become one grant that matched nothing; a grant that
 * matches no camera now says so and can be removed.
 */
import { button, h, select } from '../dom';
import { t } from '../i18n';
import type { Camera, GrantLevel } from '../types';
import { labelled } from './admin-form-errors';

export type Scope = 'agency' | 'site' | 'camera';
export interface Grant {
  scope: Scope;
  value: string;
  level: GrantLevel;
}

const SCOPES = (): [Scope, string][] => [['agency', t('agency')], ['site', t('site')], ['camera', t('grantCamera')]];
const LEVELS = (): [GrantLevel, string][] => [['status', t('levelStatus')], ['pictures', t('levelPictures')], ['live', t('levelLive')]];

/** The values each scope can take, as [value, label]: agencies and sites by name, cameras by id. */
function choices(cameras: Camera[], scope: Scope): [string, string][] {
  if (scope === 'camera') return cameras.map((c): [string, string] => [c.id, `${c.name} · ${c.site}`]).sort((a, b) => a[1].localeCompare(b[1]));
  return [...new Set(cameras.map((c) => c[scope]))].sort((a, b) => a.localeCompare(b)).map((v): [string, string] => [v, v]);
}

export function grantLabel(cameras: Camera[], g: Grant): string {
  const scope = SCOPES().find(([s]) => s === g.scope)?.[1] ?? g.scope;
  const value = g.scope === 'camera' ? (cameras.find((c) => c.id === g.value)?.name ?? g.value) : g.value;
  const level = LEVELS().find(([l]) => l === g.level)?.[1] ?? g.level;
  return `${scope}: ${value} · ${level}`;
}

export function grantPicker(cameras: Camera[], initial: Grant[], idPrefix: string): { node: HTMLElement; grants(): Grant[]; reset(): void } {
  let grants = initial.map((g) => ({ scope: g.scope, value: g.value, level: g.level }));
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
  const level = select(LEVELS(), 'pictures', () => undefined);
  scope.id = `${idPrefix}-scope`;
  value.id = `${idPrefix}-value`;
  level.id = `${idPrefix}-level`;
  const add = button(t('addGrant'), () => {
    const g: Grant = { scope: scope.value as Scope, value: value.value, level: level.value as GrantLevel };
    if (!g.value) return;
    // One grant per agency, site or camera: picking it again changes its level.
    const same = grants.findIndex((x) => x.scope === g.scope && x.value === g.value);
    if (same >= 0) grants[same] = g;
    else grants.push(g);
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
    labelled(t('grantLevel'), level),
    h('small', { class: 'muted' }, t('grantLevelHint')),
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
