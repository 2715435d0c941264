/**
 * Imports cameras from CSV (a header row, one camera per row). Every row is checked with the
 * same rules as the API; by default nothing is written unless every row is good, so a bad file
 * never leaves a half-imported registry. A row whose `external_id` a camera already has updates
 * that camera (columns the file leaves out keep their values), so importing a file again makes
 * no duplicates; each row says whether it created, updated or left its camera unchanged.
 */
import { parse } from 'csv-parse/sync';
import { HttpError, invalid, type FieldIssue } from '../errors.js';
import type { Principal } from './auth.js';
import { forbiddenUnlessAdmin } from './access.js';
import type { CameraRegistry } from './registry.js';
import type { Store } from '../store/index.js';
import type { Camera, CameraDraft } from '../store/cameras.js';

export const MAX_IMPORT_ROWS = 5000;

/** Accepted columns; headers match case- and punctuation-blind (`onvif_host` = `onvifHost`). */
export const IMPORT_COLUMNS = [
  'external_id', 'name', 'site', 'lat', 'lng', 'address', 'innovation', 'innovation_launched_on', 'agency', 'owners',
  'onvif_host', 'onvif_port', 'onvif_username', 'onvif_password', 'rtsp_url', 'snapshot_url',
  'check_interval_sec', 'image_check_interval_sec', 'enabled', 'private', 'public', 'tags', 'parent',
] as const;
const COLUMNS = IMPORT_COLUMNS;
export type Column = (typeof IMPORT_COLUMNS)[number];
const BY_KEY = new Map<string, Column>(COLUMNS.map((c) => [normalise(c), c]));

/** The API field each column fills: an update lays only the file's columns over the camera. */
const FIELD: Record<Column, string> = {
  name: 'name', site: 'site', agency: 'agency', lat: 'location', lng: 'location', address: 'location',
  innovation: 'innovation', innovation_launched_on: 'innovation', owners: 'owners',
  onvif_host: 'onvif', onvif_port: 'onvif', onvif_username: 'onvif', onvif_password: 'onvif',
  rtsp_url: 'rtspUrl', snapshot_url: 'snapshotUrl', check_interval_sec: 'checkIntervalSec',
  image_check_interval_sec: 'imageCheckIntervalSec', enabled: 'enabled', private: 'private', public: 'public', tags: 'tags', parent: 'parentId', external_id: 'externalId',
};

export type RowAction = 'created' | 'updated' | 'unchanged';

export type RowResult =
  | { row: number; ok: true; action: RowAction; id: string | null; name: string }
  | { row: number; ok: false; issues: FieldIssue[] };

export interface ImportReport {
  /** Rows written (created plus updated); 0 in a dry run. */
  imported: number;
  /** Good rows by what they do (in a dry run or a refused import: what they would do). */
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  dryRun: boolean;
  rows: RowResult[];
}

export function importCameras(
  deps: { registry: CameraRegistry; store: Store },
  principal: Principal,
  csv: string,
  options: { partial: boolean; dryRun: boolean },
): { status: number; report: ImportReport } {
  forbiddenUnlessAdmin(principal, 'only admins import cameras');
  const { columns, records } = readCsv(csv);
  const fields = new Set([...columns].map((c) => FIELD[c]));
  const users = deps.store.users.list();
  const usersByName = new Map(users.map((u) => [u.username.toLowerCase(), u.id]));
  const userIds = new Set(users.map((u) => u.id));
  const cameras = deps.store.cameras.all();
  const camerasByName = new Map(cameras.map((c) => [c.name.toLowerCase(), c.id]));
  const byExternalId = new Map(cameras.flatMap((c) => (c.externalId === null ? [] : [[c.externalId, c] as const])));
  const seenExternalIds = new Map<string, number>(); // external id → the line that named it first
  const pendingNames = new Map<string, string>(); // name in this file → placeholder id
  type Good = { row: number; draft: CameraDraft; parentName: string | null; existing: Camera | undefined; action: RowAction };
  const prepared: Array<Good | { row: number; issues: FieldIssue[] }> = [];

  for (const { line, record } of records) {
    const { input, issues, parentName } = toInput(record, { usersByName, userIds }, camerasByName, pendingNames);
    const externalId = record.external_id?.trim() || undefined;
    const existing = externalId === undefined ? undefined : byExternalId.get(externalId);
    if (externalId !== undefined) {
      const first = seenExternalIds.get(externalId);
      if (first !== undefined) issues.push({ path: 'externalId', message: `external id "${externalId}" is already on row ${first} of this file`, code: 'external_id_repeated', params: { value: externalId, row: first } });
      else seenExternalIds.set(externalId, line);
    }
    try {
      // An update keeps what the file does not speak of: only its columns are laid over the camera.
      const body = existing ? { ...deps.registry.editable(existing), ...pick(input, fields) } : input;
      const draft = deps.registry.prepare(body, existing, new Set(pendingNames.values()));
      if (issues.length) throw invalid(issues);
      const action: RowAction = !existing ? 'created' : deps.registry.unchanged(draft, existing) ? 'unchanged' : 'updated';
      prepared.push({ row: line, draft, parentName, existing, action });
      if (existing) camerasByName.set(draft.name.toLowerCase(), existing.id);
      else pendingNames.set(draft.name.toLowerCase(), `pending:${line}`);
    } catch (err) {
      if (!(err instanceof HttpError) || !err.issues) throw err;
      prepared.push({ row: line, issues: [...issues, ...err.issues.filter((i) => !issues.some((j) => j.path === i.path))] });
    }
  }

  const failed = prepared.filter((p) => 'issues' in p).length;
  const write = !options.dryRun && (failed === 0 || options.partial);
  const rows: RowResult[] = [];
  const write$ = () => {
    const realIds = new Map<string, string>();
    for (const p of prepared) {
      if ('issues' in p) {
        rows.push({ row: p.row, ok: false, issues: p.issues });
        continue;
      }
      let draft = p.draft;
      if (draft.parentId?.startsWith('pending:')) {
        const parentId = realIds.get(draft.parentId);
        if (!parentId) {
          rows.push({ row: p.row, ok: false, issues: [{ path: 'parent', message: `parent "${p.parentName}" was not imported` }] });
          continue;
        }
        draft = { ...draft, parentId };
      }
      let id: string | null = p.existing?.id ?? null;
      if (write && p.action === 'created') id = deps.registry.insertPrepared(draft);
      if (write && p.action === 'updated') deps.registry.replacePrepared(p.existing!.id, draft);
      if (id && p.action === 'created') realIds.set(`pending:${p.row}`, id);
      rows.push({ row: p.row, ok: true, action: p.action, id, name: draft.name });
    }
  };
  if (write) deps.registry.batch(write$);
  else write$();

  const count = (action: RowAction) => rows.filter((r) => r.ok && r.action === action).length;
  const imported = write ? count('created') + count('updated') : 0;
  const report = { imported, created: count('created'), updated: count('updated'), unchanged: count('unchanged'), failed: rows.filter((r) => !r.ok).length, dryRun: options.dryRun, rows };
  return { status: failed > 0 && !options.partial ? 422 : 200, report };
}

function readCsv(csv: string): { columns: Set<Column>; records: Array<{ line: number; record: Partial<Record<Column, string>> }> } {
  let rows: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    rows = parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: false });
  } catch (err) {
    throw new HttpError(400, 'bad_csv', `The CSV cannot be read: ${(err as Error).message}`);
  }
  if (rows.length === 0) throw new HttpError(400, 'bad_csv', 'The CSV has no rows under its header');
  if (rows.length > MAX_IMPORT_ROWS) throw new HttpError(400, 'bad_csv', `At most ${MAX_IMPORT_ROWS} rows per import`);
  const unknown = Object.keys(rows[0]!.record).filter((h) => !BY_KEY.has(normalise(h)));
  if (unknown.length) {
    throw new HttpError(400, 'bad_csv', `Unknown column(s): ${unknown.join(', ')}. Known columns: ${COLUMNS.join(', ')}`);
  }
  return {
    columns: new Set(Object.keys(rows[0]!.record).map((h) => BY_KEY.get(normalise(h))!)),
    records: rows.map((r) => ({
      line: r.info.lines,
      // A leading ' before = + - @ is how an export defuses spreadsheet formulas: read it back off.
      record: Object.fromEntries(Object.entries(r.record).map(([k, v]) => [BY_KEY.get(normalise(k))!, v.replace(/^'(?=[=+\-@])/, '')])),
    })),
  };
}

/** The input's fields that the file's columns fill. */
function pick(input: Record<string, unknown>, fields: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([k]) => fields.has(k)));
}

function toInput(
  r: Partial<Record<Column, string>>,
  users: { usersByName: Map<string, string>; userIds: ReadonlySet<string> },
  camerasByName: Map<string, string>,
  pendingNames: Map<string, string>,
) {
  const issues: FieldIssue[] = [];
  const blank = (v: string | undefined) => v === undefined || v === '';
  const num = (col: Column) => {
    const v = r[col];
    if (blank(v)) return undefined;
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    issues.push({ path: col, message: `"${v}" is not a number` });
    return undefined;
  };
  const list = (v: string | undefined) => (blank(v) ? [] : v!.split(/[;|]/).map((s) => s.trim()).filter(Boolean));

  // Usernames (what people write) or ids; a name that is neither is reported as a name.
  const owners = list(r.owners).map((o, i) => {
    const id = users.usersByName.get(o.toLowerCase()) ?? (users.userIds.has(o) ? o : undefined);
    if (id === undefined) {
      issues.push({ path: `owners.${i}`, message: `no user named "${o}"; the owners column takes usernames (or user ids) separated by ; or |`, code: 'unknown_user', params: { value: o } });
    }
    return id ?? o;
  });
  let parentId: string | null = null;
  const parentName = blank(r.parent) ? null : r.parent!;
  if (parentName) {
    parentId = camerasByName.get(parentName.toLowerCase()) ?? pendingNames.get(parentName.toLowerCase()) ?? parentName;
  }
  const yesNo = (column: 'enabled' | 'private' | 'public'): boolean | undefined => {
    if (blank(r[column])) return undefined;
    const e = r[column]!.toLowerCase();
    if (['true', 'yes', 'ya', '1'].includes(e)) return true;
    if (['false', 'no', 'tidak', '0'].includes(e)) return false;
    issues.push({ path: column, message: `"${r[column]}" is not true/false` });
    return undefined;
  };
  const enabled = yesNo('enabled');
  const isPrivate = yesNo('private');
  const isPublic = yesNo('public');
  const hasLocation = !blank(r.lat) || !blank(r.lng) || !blank(r.address);
  const input = {
    name: r.name ?? '',
    site: r.site ?? '',
    agency: r.agency ?? '',
    location: hasLocation ? { lat: num('lat') ?? null, lng: num('lng') ?? null, address: r.address || null } : null,
    innovation: blank(r.innovation) ? null : { name: r.innovation!, launchedOn: r.innovation_launched_on || null },
    owners,
    onvif: blank(r.onvif_host)
      ? null
      // An empty password is left out: a new camera has none, an updated one keeps its own.
      : { host: r.onvif_host!, port: num('onvif_port') ?? 80, username: r.onvif_username || null, password: r.onvif_password || undefined },
    rtspUrl: r.rtsp_url || null,
    snapshotUrl: r.snapshot_url || null,
    checkIntervalSec: num('check_interval_sec'),
    imageCheckIntervalSec: num('image_check_interval_sec'),
    enabled,
    private: isPrivate,
    public: isPublic,
    tags: list(r.tags),
    parentId,
    externalId: r.external_id?.trim() || null,
  };
  return { input: JSON.parse(JSON.stringify(input)) as Record<string, unknown>, issues, parentName };
}

function normalise(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}
