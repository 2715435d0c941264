/**
 * The signed acknowledge link of an alert message: GET shows a confirm button with the optional
 * cause form (link previews must not acknowledge), POST acknowledges and records the cause given.
 * Words from ./words.ts in the link's language (or the browser's); user text only ever escaped.
 */
import express, { type Request, type Router } from 'express';
import { FIXED_BY_MAX, isOutageCause, isPlainText, NOTE_MAX, OUTAGE_CAUSES, PUBLIC_NOTE_MAX, type OutageCause } from '../../domain/outage-causes.js';
import { cameraLink, gridLink } from '../../notifiers/links.js';
import type { AlertFeed } from '../../services/alert-feed.js';
import { ACK_WORDS, ackLangOf, type AckLang, type AckWords } from './words.js';

const ACK_CSS =
  'body{font:18px system-ui,sans-serif;margin:24px;color:#10201f;max-width:40em}button{min-height:48px;padding:0 20px;font-size:18px;border:0;border-radius:8px;background:#0f3d3e;color:#fff}' +
  'label{display:block;margin:12px 0 4px;font-weight:600}select,input,textarea{box-sizing:border-box;width:100%;font:inherit;min-height:44px;padding:6px}.field-error{color:#a11;margin:4px 0}small{font-weight:400}' +
  '.lang{float:right;font-size:16px}';

type FieldError = { field: string; text: string };

export function ackPageRoutes(router: Router, feed: AlertFeed): void {
  // A file, not a <style> element: the Content-Security-Policy allows styles from Pantau only.
  router.get('/ack.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('css').send(ACK_CSS);
  });
  const langOf = (req: Request) => ackLangOf(req.query.lang, (...l) => req.acceptsLanguages(...l));
  router.get('/ack/:token', (req, res) => {
    const lang = langOf(req);
    const found = feed.readAckLink(req.params.token);
    res.setHeader('Vary', 'Accept-Language');
    res.type('html').send(ackPage(lang, found ? 'confirm' : 'invalid', req.params.token));
  });
  router.post('/ack/:token', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => {
    const lang = langOf(req);
    const form = ackForm(ACK_WORDS[lang], req.body as Record<string, unknown> | undefined);
    if ('error' in form) {
      const found = feed.readAckLink(req.params.token);
      res.status(400).type('html').send(ackPage(lang, found ? 'confirm' : 'invalid', req.params.token, [], form.error));
      return;
    }
    const done = feed.acknowledgeByLink(req.params.token, form.record);
    res.status(done ? 200 : 400).type('html').send(ackPage(lang, done ? 'done' : 'invalid', req.params.token, done?.cameraIds));
  });
}

type AckFormResult = { record?: { cause: OutageCause; note: string; fixedBy: string; publicNote: string } } | { error: FieldError };

/** The acknowledge form: the cause is optional; a note without a cause, or text too long, is refused next to its field. */
function ackForm(w: AckWords, body: Record<string, unknown> | undefined): AckFormResult {
  const text = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string).trim() : '');
  const cause = text('cause');
  const note = text('note');
  const fixedBy = text('fixedBy');
  const publicNote = text('publicNote');
  if (note.length > NOTE_MAX) return { error: { field: 'note', text: w.atMost(NOTE_MAX) } };
  if (fixedBy.length > FIXED_BY_MAX) return { error: { field: 'fixedBy', text: w.atMost(FIXED_BY_MAX) } };
  if (!isPlainText(note, true)) return { error: { field: 'note', text: w.plainText } };
  if (!isPlainText(fixedBy, false)) return { error: { field: 'fixedBy', text: w.oneLine } };
  if (publicNote.length > PUBLIC_NOTE_MAX || !isPlainText(publicNote, false)) return { error: { field: 'publicNote', text: w.oneLineAtMost(PUBLIC_NOTE_MAX) } };
  if (cause === '') return note || fixedBy || publicNote ? { error: { field: 'cause', text: w.chooseCause } } : {};
  if (!isOutageCause(cause)) return { error: { field: 'cause', text: w.unknownCause } };
  return { record: { cause, note, fixedBy, publicNote } };
}

function causeFields(w: AckWords, error?: FieldError): string {
  const err = (field: string) => (error?.field === field ? `<p class="field-error" id="${field}-error" role="alert">${escapeHtml(error.text)}</p>` : '');
  const described = (field: string) => (error?.field === field ? ` aria-invalid="true" aria-describedby="${field}-error"` : '');
  const options = OUTAGE_CAUSES.map((c) => `<option value="${c}">${escapeHtml(w.cause[c])}</option>`).join('');
  return `<label for="cause">${escapeHtml(w.causeLabel)} <small>(${escapeHtml(w.causeOptional)})</small></label>
      <select id="cause" name="cause"${described('cause')}><option value="">—</option>${options}</select>${err('cause')}
      <label for="note">${escapeHtml(w.note)}</label><textarea id="note" name="note" maxlength="${NOTE_MAX}" rows="3"${described('note')}></textarea>${err('note')}
      <label for="fixedBy">${escapeHtml(w.fixedBy)}</label><input id="fixedBy" name="fixedBy" maxlength="${FIXED_BY_MAX}"${described('fixedBy')}>${err('fixedBy')}
      <label for="publicNote">${escapeHtml(w.publicNote)}</label><input id="publicNote" name="publicNote" maxlength="${PUBLIC_NOTE_MAX}"${described('publicNote')}>${err('publicNote')}
      <p></p>`;
}

/** After acknowledging one camera's outage, its page; otherwise the grid (sign-in keeps the route). */
function ackPage(lang: AckLang, state: 'confirm' | 'done' | 'invalid', token: string, cameraIds: string[] = [], error?: FieldError): string {
  const w = ACK_WORDS[lang];
  const [only, ...others] = cameraIds;
  const open = escapeHtml(only && others.length === 0 ? cameraLink('', only) : gridLink(''));
  const self = `/ack/${encodeURIComponent(token)}`;
  const body = {
    confirm: `<p>${escapeHtml(w.confirm)}</p>
      <form method="post" action="${self}?lang=${lang}">${causeFields(w, error)}<button type="submit">${escapeHtml(w.confirmButton)}</button></form>`,
    done: `<p>${escapeHtml(w.done)}</p><p><a href="${open}">${escapeHtml(w.open)}</a></p>`,
    invalid: `<p>${escapeHtml(w.invalid)}</p><p><a href="${open}">${escapeHtml(w.open)}</a></p>`,
  }[state];
  const switchLang = state === 'confirm' ? `<a class="lang" href="${self}?lang=${w.otherLang}" lang="${w.otherLang}">${escapeHtml(w.other)}</a>` : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Pantau</title>
<link rel="stylesheet" href="/ack.css">
</head><body>${switchLang}<h1>Pantau</h1>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
