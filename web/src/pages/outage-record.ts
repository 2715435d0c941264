/**
 * Why an outage happened, on the camera page: the record in force under the outage, and a small
 * form to record or change it (cause from the fixed list, a note, who fixed it, a short public
 * note), also offered when acknowledging. Problems are shown under their own fields; all text is
 * set as text, never as markup.
 */
import type { Answer } from '../api';
import { recordOutage } from '../alerts';
import { button, h } from '../dom';
import { formatWhen, t, type Key } from '../i18n';
import { OUTAGE_CAUSES, type Outage, type OutageCause, type OutageRecord } from '../types';
import { FieldErrors, refusal, type Issue } from './admin-form-errors';

export const causeWord = (c: OutageCause): string => t(`cause_${c}` as Key);

/** The record under an outage: cause, note, who fixed it, the public note, who recorded it. */
export function recordView(r: OutageRecord): HTMLElement {
  return h(
    'div',
    { class: 'outage-record' },
    h('p', {}, h('strong', {}, `${t('causeLabel')}: ${causeWord(r.cause)}`)),
    r.note ? h('p', { class: 'record-note' }, r.note) : null,
    r.fixedBy ? h('p', {}, `${t('recordFixedBy')}: ${r.fixedBy}`) : null,
    r.publicNote ? h('p', { class: 'record-public' }, `${t('recordPublicNote')}: ${r.publicNote}`) : null,
    h('p', { class: 'muted' }, `${t('recordedBy')} ${r.by}, ${formatWhen(r.at)}`),
  );
}

/** The form: saves a cause (required) with the rest, as a new entry of the outage's history. */
export function recordForm(outage: Outage, done: () => void, cancel: () => void): HTMLFormElement {
  const r = outage.record;
  const errors = new FieldErrors();
  const cause = h(
    'select',
    { name: 'cause', required: true },
    h('option', { value: '', textContent: t('causeChoose') }),
    ...OUTAGE_CAUSES.map((c) => h('option', { value: c, textContent: causeWord(c), selected: r?.cause === c })),
  );
  const note = h('textarea', { name: 'note', rows: 3, maxLength: 2000, value: r?.note ?? '' });
  const fixedBy = h('input', { name: 'fixedBy', maxLength: 200, value: r?.fixedBy ?? '', autocomplete: 'off' });
  const publicNote = h('input', { name: 'publicNote', maxLength: 280, value: r?.publicNote ?? '', autocomplete: 'off' });
  const save = h('button', { type: 'submit', className: 'primary', textContent: t('saveRecord') });
  const form = h(
    'form',
    { class: 'record-form', noValidate: true },
    errors.field('cause', t('causeLabel'), cause),
    errors.field('note', t('recordNote'), note),
    errors.field('fixedBy', t('recordFixedBy'), fixedBy),
    errors.field('publicNote', t('recordPublicNote'), publicNote, { hint: t('recordPublicHint') }),
    h('div', { class: 'row' }, save, button(t('cancel'), cancel)),
    errors.summary,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = { note: note.value.trim(), fixedBy: fixedBy.value.trim(), publicNote: publicNote.value.trim() };
    if (!errors.checkBrowser()) return;
    save.disabled = true;
    const request: Promise<Answer<unknown>> = recordOutage(outage.id, { cause: cause.value, ...body });
    void request
      .then((res) => {
        if (res.status < 300) return done();
        const issues = (res.body as { issues?: Issue[] } | null)?.issues;
        if (res.status === 400 && issues) errors.showServer(issues);
        else errors.showProblems([['(root)', refusal(res)]]);
      })
      .catch(() => errors.showProblems([['(root)', refusal(null)]]))
      .finally(() => (save.disabled = false));
  });
  return form;
}
