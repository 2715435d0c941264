/**
 * CSV import (admins): the columns and a template to download; a dry run that says how many
 * rows are ready and each bad row's problems in words; a real import whose result stays on
 * screen after the list reloads and which, when a row was bad, says nothing was written and
 * offers to import the good rows alone. Rows with an inventory id (external_id) that is
 * registered update their camera: the result says per row new, updated or unchanged. The whole
 * registry downloads as a CSV in the same columns, to edit and import again.
 */
import { send } from '../api';
import { button, h } from '../dom';
import { t, type Key } from '../i18n';
import { fill, issueMessage, type Issue } from './admin-form-errors';

type Action = 'created' | 'updated' | 'unchanged';
interface RowResult {
  row: number;
  ok: boolean;
  action?: Action;
  name?: string;
  issues?: Issue[];
}
interface Report {
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  dryRun: boolean;
  rows: RowResult[];
}

/** The server's columns (src/services/camera-import.ts), with an example row for the template. */
const TEMPLATE: [column: string, example: string][] = [
  ['external_id', 'INV-0001'], ['name', 'CCTV Masjid Agung'], ['site', 'Masjid Agung Lasusua'], ['agency', 'Diskominfo'], ['lat', '-3.4587'], ['lng', '120.8236'],
  ['address', 'Jl. Poros Lasusua'], ['innovation', 'Pantau Masjid'], ['innovation_launched_on', '2021-08-17'], ['owners', 'budi;sari'],
  ['onvif_host', '192.168.1.64'], ['onvif_port', '80'], ['onvif_username', 'admin'], ['onvif_password', ''], ['rtsp_url', ''], ['snapshot_url', ''],
  ['check_interval_sec', '30'], ['image_check_interval_sec', '300'], ['enabled', 'ya'], ['private', 'tidak'], ['public', 'tidak'], ['tags', 'masjid;depan'], ['parent', ''],
];
const NOTES: [column: string, note: Key][] = [
  ['name, site, agency', 'colRequired'], ['external_id', 'colExternalId'], ['onvif_host, rtsp_url, snapshot_url', 'colEndpoint'], ['owners', 'colOwners'],
  ['tags', 'colTags'], ['parent', 'colParent'], ['enabled', 'colEnabled'], ['private', 'colPrivate'], ['public', 'colPublic'], ['innovation_launched_on', 'colDate'],
];

/** Server paths as the CSV's columns, and what each column's problem means when the code says no more. */
const COLUMN_OF: Record<string, string> = {
  rtspUrl: 'rtsp_url', snapshotUrl: 'snapshot_url', 'onvif.host': 'onvif_host', 'onvif.port': 'onvif_port', onvif: 'onvif_host / rtsp_url / snapshot_url',
  checkIntervalSec: 'check_interval_sec', imageCheckIntervalSec: 'image_check_interval_sec', 'location.lat': 'lat', 'location.lng': 'lng',
  'innovation.name': 'innovation', 'innovation.launchedOn': 'innovation_launched_on', parentId: 'parent', externalId: 'external_id',
};
const EXPLAIN: Record<string, Key> = {
  rtsp_url: 'errRtspUrl', snapshot_url: 'errSnapshotUrl', onvif_host: 'errHost', 'onvif_host / rtsp_url / snapshot_url': 'errNeedEndpoint', parent: 'errParent',
  innovation_launched_on: 'errDate', lat: 'errNumber', lng: 'errNumber', onvif_port: 'errNumber', check_interval_sec: 'errNumber', enabled: 'colEnabled', private: 'colPrivate', public: 'colPublic', owners: 'errOwner',
};

/** The last real import's result: it stays when the page reloads its camera list. */
let kept: HTMLElement | undefined;

function columnOf(path: string): string {
  const base = path.replace(/\.\d+$/, '');
  return COLUMN_OF[base] ?? base;
}

function rowLines(rows: RowResult[]): HTMLElement {
  return h(
    'ul',
    { class: 'import-rows' },
    ...rows
      .filter((r) => !r.ok)
      .map((r) =>
        h('li', {}, h('strong', {}, `${fill('importRow', { n: r.row })}: `), (r.issues ?? []).map((i) => `${columnOf(i.path)} — ${issueMessage(i, EXPLAIN[columnOf(i.path)])}`).join(' · ')),
      ),
  );
}

const ACTION_WORD: Record<Action, Key> = { created: 'importActionCreated', updated: 'importActionUpdated', unchanged: 'importActionUnchanged' };

/** What each good row did (or, in a dry run, would do): new, updated or unchanged. */
function actionLines(rows: RowResult[]): HTMLElement | null {
  const good = rows.filter((r) => r.ok && r.action);
  if (!good.length) return null;
  return h(
    'details',
    { class: 'import-actions' },
    h('summary', {}, t('importRowsTitle')),
    h('ul', { class: 'import-rows' }, ...good.map((r) => h('li', { attrs: { 'data-action': r.action! } }, `${fill('importRow', { n: r.row })}: ${r.name ?? ''} — ${t(ACTION_WORD[r.action!])}`))),
  );
}

const counts = (report: Report) => ({ created: report.created, updated: report.updated, unchanged: report.unchanged });

export function importSection(reload: () => void): HTMLElement {
  const template = [TEMPLATE.map(([c]) => c).join(','), TEMPLATE.map(([, e]) => e).join(',')].join('\n') + '\n';
  const download = h('a', { class: 'button', href: URL.createObjectURL(new Blob([template], { type: 'text/csv' })), download: 'pantau-kamera.csv' }, t('downloadTemplate'));
  const exportAll = h('a', { class: 'button', href: '/api/cameras/export', download: 'pantau-kamera-semua.csv' }, t('exportCamerasCsv'));
  const columns = h(
    'details',
    { class: 'columns' },
    h('summary', {}, t('csvColumns')),
    h('p', { class: 'addr' }, TEMPLATE.map(([c]) => c).join(', ')),
    h('ul', {}, ...NOTES.map(([c, note]) => h('li', {}, h('code', {}, c), ` — ${t(note)}`))),
  );
  const file = h('input', { type: 'file', accept: '.csv,text/csv', id: 'import-file' });
  const dry = h('input', { type: 'checkbox', checked: true });
  const result = kept ?? h('div', { class: 'import-result', attrs: { role: 'status' } });
  kept = undefined;

  const show = (...nodes: (Node | null)[]) => result.replaceChildren(...nodes.filter((n): n is Node => n !== null));
  const run = async (csv: string, dryRun: boolean, partial: boolean) => {
    result.replaceChildren(h('p', { class: 'note' }, t('importing')));
    const r = await send<Report & { error?: string }>('POST', `/api/cameras/import?dryRun=${dryRun}&partial=${partial}`, csv, 'text/csv').catch(() => null);
    if (!r?.body) return void result.replaceChildren(h('p', { class: 'error' }, r ? t('errorGeneric') : t('offlineNoData')));
    if (!Array.isArray(r.body.rows)) return void result.replaceChildren(h('p', { class: 'error' }, r.body.error === 'bad_csv' ? t('importBadCsv') : t('errorGeneric')), columns);
    const report = r.body;
    const good = report.rows.filter((row) => row.ok).length;
    const bad = report.rows.length - good;
    if (report.dryRun) {
      show(
        h('p', { class: good ? 'ok' : 'note' }, fill('importReady', { n: good })),
        good ? h('p', { class: 'import-counts' }, fill('importReadyCounts', counts(report))) : null,
        bad ? h('p', { class: 'error' }, fill('importBadRows', { n: bad })) : null,
        rowLines(report.rows),
        actionLines(report.rows),
      );
      return;
    }
    if (r.status === 422) {
      const offer = good ? button(fill('importGoodRows', { n: good }), () => void run(csv, false, true), 'primary') : null;
      show(h('p', { class: 'error' }, fill('importNothingWritten', { n: bad })), rowLines(report.rows), offer);
      return;
    }
    show(
      h('p', { class: 'ok' }, fill('importDone', { n: report.imported })),
      h('p', { class: 'import-counts' }, fill('importDoneCounts', counts(report))),
      bad ? h('p', { class: 'error' }, fill('importSkipped', { n: bad })) : null,
      rowLines(report.rows),
      actionLines(report.rows),
    );
    kept = result;
    reload();
  };

  const form = h(
    'form',
    { class: 'stack card' },
    h('h3', {}, t('importCsv')),
    h('p', { class: 'muted' }, t('importIntro')),
    h('div', { class: 'row' }, download, exportAll),
    columns,
    h('div', { class: 'field' }, h('span', { class: 'field-label' }, h('label', { htmlFor: file.id }, t('csvFile'))), file),
    h('label', { class: 'check' }, dry, ` ${t('dryRun')}`),
    h('button', { type: 'submit', class: 'primary' }, t('importButton')),
    result,
  );
  form.onsubmit = async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return void result.replaceChildren(h('p', { class: 'error' }, t('csvPickFile')));
    await run(await chosen.text(), dry.checked, false);
  };
  return form;
}
