/**
 * Problems with an admin form, each shown under its own field in the user's language, all at
 * once: first the browser's own constraints (required, min, max, type=url), read from each
 * control's `validity` so they are worded like the rest of the page, then the server's field
 * issues, matched to fields by their path (`location.lat`, `owners.2`) and worded from their
 * stable code and parameters, or from the field's own explanation when the code says no more.
 * Also: labels that name their control alone, and refusals that are about no one field.
 */
import type { Answer } from '../api';
import { h } from '../dom';
import { fill, t, type Key } from '../i18n';

/** A field issue as the API answers it (see ErrorBody in src/schemas/common.ts). */
export interface Issue {
  path: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

interface Slot {
  /** Controls whose constraints the browser checks; the first is focused when the field is wrong. */
  controls: Control[];
  focus: HTMLElement;
  error: HTMLElement;
  /** What is wrong with this field when the server's code says only "invalid". */
  explain: Key | undefined;
}

export { fill };

let nextId = 0;

/** A control under a label that names it alone (a wrapping label would add a select's option to its name). */
export function labelled(label: string, control: Control, hint?: string): HTMLDivElement {
  control.id ||= `field-${++nextId}`;
  return h('div', { class: 'field' }, h('span', { class: 'field-label' }, h('label', { htmlFor: control.id }, label)), control, hint ? h('small', {}, hint) : null);
}

export class FieldErrors {
  private readonly slots = new Map<string, Slot>();
  /** Says how many fields are wrong, next to the Save button; other problems are listed in it. */
  readonly summary = h('div', { class: 'form-errors', attrs: { role: 'alert' } });

  /** Server paths that belong to another field, e.g. `onvif` (no endpoint at all) → the ONVIF host. */
  constructor(private readonly aliases: Record<string, string> = {}) {}

  /**
   * A labelled control with a place for its problem. `path` is the API field it fills; a
   * required field is marked with a star (the control's `required` tells screen readers).
   */
  field(path: string, label: string, control: Control, opts: { hint?: string; explain?: Key } = {}): HTMLDivElement {
    const error = this.register(path, [control], control, opts.explain);
    // The label names the control and nothing else: the hint and the problem describe it.
    control.id ||= `field-${++nextId}`;
    return h(
      'div',
      { class: 'field' },
      h('span', { class: 'field-label' }, h('label', { htmlFor: control.id }, label), control.required ? h('span', { class: 'req', attrs: { 'aria-hidden': 'true' } }, '*') : null),
      control,
      opts.hint ? h('small', {}, opts.hint) : null,
      error,
    );
  }

  /** A place for the problems of a group of controls (checkboxes, a list): returns the element to show them in. */
  register(path: string, controls: Control[], focus: HTMLElement, explain?: Key): HTMLElement {
    const error = h('small', { class: 'field-error', id: `field-error-${++nextId}`, hidden: true });
    for (const c of controls) c.setAttribute('aria-describedby', error.id);
    this.slots.set(path, { controls, focus, error, explain });
    return error;
  }

  clear(): void {
    for (const s of this.slots.values()) this.mark(s, undefined);
    this.summary.replaceChildren();
  }

  /** Checks every control's browser constraints and shows what fails; true when all pass. */
  checkBrowser(extra: [path: string, problem: string][] = []): boolean {
    this.clear();
    for (const slot of this.slots.values()) {
      const bad = slot.controls.find((c) => !c.validity.valid);
      if (bad) this.mark(slot, validityMessage(bad, slot.explain));
    }
    for (const [path, problem] of extra) this.show(path, problem);
    return this.finish() === 0;
  }

  /** Shows these problems, [field path, words], and nothing else. */
  showProblems(problems: [path: string, problem: string][]): void {
    this.clear();
    for (const [path, problem] of problems) this.show(path, problem);
    this.finish();
  }

  /** Shows the server's field issues; issues of fields not on this form go in the summary. */
  showServer(issues: Issue[]): void {
    this.clear();
    for (const issue of issues) {
      const path = this.slotPath(issue.path);
      const slot = path === undefined ? undefined : this.slots.get(path);
      this.show(path ?? issue.path, issueMessage(issue, slot?.explain));
    }
    this.finish();
  }

  /** One problem for one field (or, when the form has no such field, in the summary). */
  show(path: string, problem: string): void {
    const slot = this.slots.get(path);
    if (!slot) return void this.summary.append(h('p', {}, `${path}: ${problem}`));
    // A field can fail twice (two bad owners): say each problem once.
    const seen = slot.error.hidden ? '' : slot.error.textContent ?? '';
    if (!seen.includes(problem)) this.mark(slot, seen ? `${seen} ${problem}` : problem);
  }

  /** Counts the wrong fields, says so by the Save button, and takes the user to the first. */
  private finish(): number {
    const wrong = [...this.slots.values()].filter((s) => !s.error.hidden);
    const others = this.summary.childElementCount;
    if (wrong.length) this.summary.prepend(h('p', {}, fill('errCount', { n: wrong.length })));
    wrong[0]?.focus.focus();
    return wrong.length + others;
  }

  private mark(slot: Slot, problem: string | undefined): void {
    slot.error.textContent = problem ?? '';
    slot.error.hidden = problem === undefined;
    for (const c of slot.controls) {
      if (problem === undefined) c.removeAttribute('aria-invalid');
      else c.setAttribute('aria-invalid', 'true');
    }
  }

  /** The field a server path belongs to: itself, its alias, or its nearest parent on the form. */
  private slotPath(path: string): string | undefined {
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const candidate = parts.slice(0, n).join('.');
      const target = this.aliases[candidate] ?? candidate;
      if (this.slots.has(target)) return target;
    }
    return undefined;
  }
}

function validityMessage(c: Control, explain: Key | undefined): string {
  const v = c.validity;
  const type = c instanceof HTMLInputElement ? c.type : '';
  if (v.valueMissing) return t('errRequired');
  if (v.badInput) return type === 'number' ? t('errNumber') : type === 'date' ? t('errDate') : t('errInvalid');
  if (v.rangeUnderflow && c instanceof HTMLInputElement) return fill('errMin', { n: c.min });
  if (v.rangeOverflow && c instanceof HTMLInputElement) return fill('errMax', { n: c.max });
  if (v.stepMismatch) return t('errWhole');
  if (v.typeMismatch) return type === 'url' ? t('errUrl') : t(explain ?? 'errInvalid');
  if (v.tooShort && c instanceof HTMLInputElement) return fill('errTooShort', { n: c.minLength });
  if (v.tooLong && c instanceof HTMLInputElement) return fill('errTooLong', { n: c.maxLength });
  if (v.patternMismatch) return t(explain ?? 'errInvalid');
  if (v.customError) return c.validationMessage;
  return t(explain ?? 'errInvalid');
}

/** Words for a server issue: its code and parameters when they say enough, else the field's explanation. */
export function issueMessage(issue: Issue, explain?: Key): string {
  const p = issue.params ?? {};
  switch (issue.code) {
    case 'too_small':
      if (p.origin === 'string') return Number(p.minimum) <= 1 ? t('errRequired') : fill('errTooShort', { n: p.minimum ?? '' });
      if (p.origin === 'number') return fill('errMin', { n: p.minimum ?? '' });
      break;
    case 'too_big':
      if (p.origin === 'string') return fill('errTooLong', { n: p.maximum ?? '' });
      if (p.origin === 'number') return fill('errMax', { n: p.maximum ?? '' });
      if (p.origin === 'array') return fill('errTooMany', { n: p.maximum ?? '' });
      break;
    case 'unknown_user':
      return fill('errUnknownUser', { value: p.value ?? '' });
    case 'external_id_taken':
      return fill('errExternalIdTaken', { name: p.name ?? '' });
    case 'external_id_repeated':
      return fill('errExternalIdRepeated', { value: p.value ?? '', row: p.row ?? '' });
    case 'invalid_type':
      if (p.expected === 'int') return t('errWhole');
      if (p.expected === 'number') return t('errNumber');
      if (/received undefined/.test(issue.message)) return t('errRequired');
      break;
  }
  return t(explain ?? 'errInvalid');
}

const REFUSALS: Record<string, Key> = { last_admin: 'lastAdmin', self_delete: 'selfDelete', conflict: 'usernameTaken', forbidden: 'forbidden' };

/** Words for a refused change that is not about one field (or for no answer at all). */
export function refusal(r: Answer<unknown> | null): string {
  if (!r) return t('offlineNoData');
  const key = REFUSALS[(r.body as { error?: string } | null)?.error ?? ''];
  return key ? t(key) : t('errorGeneric');
}
