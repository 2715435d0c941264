/** Contacts, alerts (with deliveries), acknowledgements, mutes, and the signed acknowledge link. */
import express, { type Router } from 'express';
import type { Api } from '../api.js';
import { z } from '../../schemas/zod.js';
import { IdParams } from '../../schemas/common.js';
import { AlertOut, AlertsQuery, ChannelName, ContactInput, ContactOut, ContactPatch, MuteInput, MuteOut } from '../../schemas/alerts.js';
import { cameraLink, gridLink } from '../../notifiers/links.js';
import type { Contacts } from '../../services/contacts.js';
import type { AlertFeed } from '../../services/alert-feed.js';
import { AckInput, OutageRecordOut } from '../../schemas/outage-records.js';
import { isOutageCause, isPlainText, OUTAGE_CAUSES, FIXED_BY_MAX, NOTE_MAX, PUBLIC_NOTE_MAX, type OutageCause } from '../../domain/outage-causes.js';

export function alertRoutes(api: Api, router: Router, deps: { contacts: Contacts; feed: AlertFeed }) {
  const { contacts, feed } = deps;

  api.route({
    method: 'get',
    path: '/api/contacts',
    summary: 'Your contacts (admins: everyone’s, or ?userId=)',
    tag: 'alerts',
    access: 'signed-in',
    query: z.object({ userId: z.string().optional() }),
    responses: { 200: { description: 'Contacts', schema: z.array(ContactOut) } },
    handler: ({ principal, query }) => contacts.list(principal!, query.userId),
  });

  api.route({
    method: 'get',
    path: '/api/contacts/channels',
    summary: 'The channels this server can send through (configured in notifiers.*): a contact of another channel cannot be added',
    tag: 'alerts',
    access: 'signed-in',
    responses: { 200: { description: 'Channels', schema: z.object({ channels: z.array(ChannelName) }) } },
    handler: () => ({ channels: contacts.channels() }),
  });

  api.route({
    method: 'post',
    path: '/api/contacts',
    summary: 'Add a contact: where alerts reach a user',
    tag: 'alerts',
    access: 'signed-in',
    body: ContactInput,
    status: 201,
    responses: { 201: { description: 'Added', schema: ContactOut } },
    handler: ({ principal, body }) => contacts.create(principal!, body),
  });

  api.route({
    method: 'patch',
    path: '/api/contacts/:id',
    summary: 'Change a contact (fixing the address clears its broken mark)',
    tag: 'alerts',
    access: 'signed-in',
    params: IdParams,
    body: ContactPatch,
    responses: { 200: { description: 'Changed', schema: ContactOut } },
    handler: ({ principal, params, body }) => contacts.update(principal!, params.id, body),
  });

  api.route({
    method: 'delete',
    path: '/api/contacts/:id',
    summary: 'Remove a contact',
    tag: 'alerts',
    access: 'signed-in',
    params: IdParams,
    responses: { 204: { description: 'Removed' } },
    handler: ({ principal, params }) => contacts.remove(principal!, params.id),
  });

  api.route({
    method: 'post',
    path: '/api/contacts/:id/test',
    summary: 'Send a test message to a contact now',
    tag: 'alerts',
    access: 'signed-in',
    params: IdParams,
    responses: {
      200: { description: 'Delivered', schema: z.object({ ok: z.literal(true), outcome: z.literal('delivered'), httpStatus: z.number().int().nullable() }) },
      502: {
        description:
          'Not delivered. The error code says only the category (send_refused: the outbound-address policy refused the address; send_rejected, send_unreachable, send_timed_out, send_http_status, send_failed), never the far side’s answer',
      },
    },
    handler: ({ principal, params }) => contacts.test(principal!, params.id),
  });

  api.route({
    method: 'get',
    path: '/api/push/vapid-public-key',
    summary: 'The VAPID public key, to subscribe this browser to Web Push',
    tag: 'alerts',
    access: 'signed-in',
    responses: { 200: { description: 'The key', schema: z.object({ key: z.string() }) } },
    handler: () => ({ key: contacts.vapidPublicKey }),
  });

  api.route({
    method: 'get',
    path: '/api/alerts',
    summary: 'Alerts of the cameras you may see (open and recent; of a group, only those cameras), with their deliveries to your contacts (admins: everyone’s)',
    tag: 'alerts',
    access: 'signed-in',
    query: AlertsQuery,
    responses: { 200: { description: 'Alerts, newest first', schema: z.array(AlertOut) } },
    handler: ({ principal, query }) => feed.alerts(principal!, query.cameraId, query.days),
  });

  api.route({
    method: 'get',
    path: '/api/notifications',
    summary: 'Every delivery attempt for a camera’s alerts to your contacts (admins: everyone’s)',
    tag: 'alerts',
    access: 'signed-in',
    query: z.object({ cameraId: z.string().min(1), days: z.coerce.number().int().min(1).max(365).default(30) }),
    responses: {
      200: {
        description:
          'Deliveries with attempts, newest first: the alert’s kind (alert, group, reminder, escalation, recovery, flapping), the outage of this camera it was about (`outageId`, for recording its cause), and to whom — the contact’s address (none for Web Push) and its user’s name; only your own contacts’ (admins: everyone’s)',
      },
    },
    handler: ({ principal, query }) => feed.notifications(principal!, query.cameraId, query.days),
  });

  api.route({
    method: 'post',
    path: '/api/alerts/:id/ack',
    summary: 'Acknowledge an outage (id: the outage id in an alert); stops reminders and escalation. With a cause, records it too (see PUT /api/outages/{id}/record)',
    tag: 'alerts',
    access: ['admin', 'owner'],
    params: IdParams,
    body: AckInput,
    responses: {
      200: { description: 'Acknowledged', schema: z.object({ outageId: z.string(), by: z.string(), at: z.string(), record: OutageRecordOut.nullable() }) },
    },
    handler: ({ principal, params, body }) => feed.acknowledge(principal!, params.id, body?.cause === undefined ? undefined : { ...body, cause: body.cause }),
  });

  api.route({
    method: 'get',
    path: '/api/mutes',
    summary: 'Mutes in force',
    tag: 'alerts',
    access: 'signed-in',
    responses: { 200: { description: 'Mutes', schema: z.array(MuteOut) } },
    handler: ({ principal }) => feed.mutes(principal!),
  });

  api.route({
    method: 'post',
    path: '/api/mutes',
    summary: 'Mute a camera (admins, its owners) or a site (admins) until a time: probing goes on, nothing is sent',
    tag: 'alerts',
    access: ['admin', 'owner'],
    body: MuteInput,
    status: 201,
    responses: { 201: { description: 'Muted', schema: MuteOut } },
    handler: ({ principal, body }) => feed.mute(principal!, body),
  });

  api.route({
    method: 'delete',
    path: '/api/mutes/:id',
    summary: 'End a mute now',
    tag: 'alerts',
    access: ['admin', 'owner'],
    params: IdParams,
    responses: { 204: { description: 'Ended' } },
    handler: ({ principal, params }) => feed.unmute(principal!, params.id),
  });

  // A file, not a <style> element: the Content-Security-Policy allows styles from Pantau only.
  router.get('/ack.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('css').send(ACK_CSS);
  });
  // The signed link in a message: GET shows a confirm button (link previews must not acknowledge), POST acknowledges.
  router.get('/ack/:token', (req, res) => {
    const found = feed.readAckLink(req.params.token);
    res.type('html').send(ackPage(found ? 'confirm' : 'invalid', req.params.token));
  });
  router.post('/ack/:token', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => {
    const form = ackForm(req.body as Record<string, unknown> | undefined);
    if ('error' in form) {
      const found = feed.readAckLink(req.params.token);
      res.status(400).type('html').send(ackPage(found ? 'confirm' : 'invalid', req.params.token, [], form.error));
      return;
    }
    const done = feed.acknowledgeByLink(req.params.token, form.record);
    res.status(done ? 200 : 400).type('html').send(ackPage(done ? 'done' : 'invalid', req.params.token, done?.cameraIds));
  });
}

const ACK_CSS =
  'body{font:18px system-ui,sans-serif;margin:24px;color:#10201f;max-width:40em}button{min-height:48px;padding:0 20px;font-size:18px;border:0;border-radius:8px;background:#0f3d3e;color:#fff}' +
  'label{display:block;margin:12px 0 4px;font-weight:600}select,input,textarea{box-sizing:border-box;width:100%;font:inherit;min-height:44px;padding:6px}.field-error{color:#a11;margin:4px 0}small{font-weight:400}';

/** Cause labels on the acknowledge page, both languages (the page has no language of its own). */
const CAUSE_LABELS: Record<OutageCause, string> = {
  power: 'Listrik / Power',
  network: 'Jaringan / ISP — Network',
  camera_hardware: 'Perangkat kamera / Camera hardware',
  recorder: 'Perekam (NVR) / Recorder',
  cable_theft: 'Kabel, perusakan, pencurian / Cable, vandalism, theft',
  configuration: 'Pengaturan / kata sandi — Configuration / password',
  maintenance: 'Pemeliharaan terencana / Planned maintenance',
  unknown: 'Tidak diketahui / Unknown',
};

type AckFormResult = { record?: { cause: OutageCause; note: string; fixedBy: string; publicNote: string } } | { error: { field: string; text: string } };

/** The acknowledge form: the cause is optional; a note without a cause, or text too long, is refused next to its field. */
function ackForm(body: Record<string, unknown> | undefined): AckFormResult {
  const text = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string).trim() : '');
  const cause = text('cause');
  const note = text('note');
  const fixedBy = text('fixedBy');
  const publicNote = text('publicNote');
  if (note.length > NOTE_MAX) return { error: { field: 'note', text: `Paling banyak ${NOTE_MAX} karakter / At most ${NOTE_MAX} characters` } };
  if (fixedBy.length > FIXED_BY_MAX) return { error: { field: 'fixedBy', text: `Paling banyak ${FIXED_BY_MAX} karakter / At most ${FIXED_BY_MAX} characters` } };
  if (!isPlainText(note, true)) return { error: { field: 'note', text: 'Teks biasa saja / Plain text only' } };
  if (!isPlainText(fixedBy, false)) return { error: { field: 'fixedBy', text: 'Satu baris / One line' } };
  if (publicNote.length > PUBLIC_NOTE_MAX || !isPlainText(publicNote, false)) {
    return { error: { field: 'publicNote', text: `Satu baris, paling banyak ${PUBLIC_NOTE_MAX} karakter / One line, at most ${PUBLIC_NOTE_MAX} characters` } };
  }
  if (cause === '') {
    return note || fixedBy || publicNote ? { error: { field: 'cause', text: 'Pilih penyebab untuk menyimpan catatan / Choose a cause to save a note' } } : {};
  }
  if (!isOutageCause(cause)) return { error: { field: 'cause', text: 'Penyebab tidak dikenal / Unknown cause' } };
  return { record: { cause, note, fixedBy, publicNote } };
}

function causeFields(error?: { field: string; text: string }): string {
  const err = (field: string) => (error?.field === field ? `<p class="field-error" id="${field}-error" role="alert">${escapeAttr(error.text)}</p>` : '');
  const described = (field: string) => (error?.field === field ? ` aria-invalid="true" aria-describedby="${field}-error"` : '');
  const options = OUTAGE_CAUSES.map((c) => `<option value="${c}">${escapeAttr(CAUSE_LABELS[c])}</option>`).join('');
  return `<label for="cause">Penyebab (boleh nanti) <small>/ Cause (optional)</small></label>
      <select id="cause" name="cause"${described('cause')}><option value="">—</option>${options}</select>${err('cause')}
      <label for="note">Catatan <small>/ Note</small></label><textarea id="note" name="note" maxlength="${NOTE_MAX}" rows="3"${described('note')}></textarea>${err('note')}
      <label for="fixedBy">Diperbaiki oleh <small>/ Fixed by</small></label><input id="fixedBy" name="fixedBy" maxlength="${FIXED_BY_MAX}"${described('fixedBy')}>${err('fixedBy')}
      <label for="publicNote">Catatan untuk publik <small>/ Public note</small></label><input id="publicNote" name="publicNote" maxlength="${PUBLIC_NOTE_MAX}"${described('publicNote')}>${err('publicNote')}
      <p></p>`;
}

/** After acknowledging one camera's outage, its page; otherwise the grid (sign-in keeps the route). */
function ackPage(state: 'confirm' | 'done' | 'invalid', token: string, cameraIds: string[] = [], error?: { field: string; text: string }): string {
  const [only, ...others] = cameraIds;
  const open = escapeAttr(only && others.length === 0 ? cameraLink('', only) : gridLink(''));
  const body = {
    confirm: `<p>Tandai gangguan ini sudah ditangani? Pengingat dan eskalasi akan berhenti.<br><small>Mark this outage as acknowledged? Reminders and escalation stop.</small></p>
      <form method="post" action="/ack/${encodeURIComponent(token)}">${causeFields(error)}<button type="submit">Ya, sudah ditangani / Acknowledge</button></form>`,
    done: `<p>Terima kasih: gangguan sudah ditandai ditangani.<br><small>Thank you: the outage is acknowledged.</small></p><p><a href="${open}">Buka Pantau / Open Pantau</a></p>`,
    invalid: `<p>Tautan ini tidak berlaku lagi.<br><small>This link is no longer valid.</small></p><p><a href="${open}">Buka Pantau / Open Pantau</a></p>`,
  }[state];
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Pantau</title>
<link rel="stylesheet" href="/ack.css">
</head><body><h1>Pantau</h1>${body}</body></html>`;
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
