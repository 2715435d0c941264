/** A few lines instead of a framework: build elements, and keep text that ages up to date. */
import { ago } from './i18n';

type Child = Node | string | null | undefined | false;
/** Text goes in as children or textContent, never as markup: no prop parses HTML. */
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'style' | 'dataset' | 'innerHTML' | 'outerHTML'>> & {
  class?: string;
  data?: Record<string, string>;
  attrs?: Record<string, string>;
};

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const { class: cls, data, attrs, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  if (cls) node.className = cls;
  if (data) Object.assign(node.dataset, data);
  if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** A label wrapping its control: the whole row is the touch target, and screen readers name it. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint ? h('small', {}, hint) : null);
}

export function button(text: string, onclick: (e: MouseEvent) => void, cls = ''): HTMLButtonElement {
  return h('button', { type: 'button', textContent: text, className: cls, onclick });
}

export function select(options: [string, string][], value: string, onchange?: (v: string) => void): HTMLSelectElement {
  const s = h('select', {}, ...options.map(([v, label]) => h('option', { value: v, textContent: label, selected: v === value })));
  if (onchange) s.onchange = () => onchange(s.value);
  return s;
}

/** An element whose text says how long ago `at` was; refreshed by `tickAges`. */
export function ageText(at: number, prefix = ''): HTMLElement {
  const span = h('span', { class: 'age' }, `${prefix}${ago(at)}`);
  span.dataset.at = String(at);
  span.dataset.prefix = prefix;
  return span;
}

export function tickAges(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>('.age[data-at]')) {
    el.textContent = `${el.dataset.prefix ?? ''}${ago(Number(el.dataset.at))}`;
  }
}
