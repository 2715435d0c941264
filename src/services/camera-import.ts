/**
 * Imports cameras from CSV (a header row, one camera per row). Every row is checked with the
 * same rules as the API; by default nothing is written unless every row is good, so a bad file
 * never leaves a half-imported registry.
 */
import { parse } from 'csv-parse/sync';
import { HttpError, invalid, type FieldIssue } from '../errors.js';
import type { Principal } from './auth.js';
import { forbiddenUnlessAdmin } from './access.js';
import type { CameraRegistry } from './registry.js';
import type { Store } from '../store/index.js';
import type { CameraDraft } from '../store/cameras.js';

export const MAX_IMPORT_ROWS = 5000;

/** Accepted columns; headers match case- and punctuation-blind (`onvif_host` = `onvifHost`). */
const COLUMNS = [
  'name', 'site', 'lat', 'lng', 'address', 'innovation', 'innovation_launched_on', 'agency', 'owners',
  'onvif_host', 'onvif_port', 'onvif_username', 'onvif_password', 'rtsp_url', 'snapshot_url',
  'check_interval_sec', 'image_check_interval_sec', 'enabled', 'public', 'tags', 'parent',
] as const;
type Column = (typeof COLUMNS)[number];
const BY_KEY = new Map<string, Column>(COLUMNS.map((c) => [normalise(c), c]));

export type RowResult =
  | { row: number; ok: true; id: string | null; name: string }
  | { row: number; ok: false; issues: FieldIssue[] };

export interface ImportReport {
  imported: number;
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
  const records = readCsv(csv);
  const users = deps.store.users.list();
  const usersByName = new Map(users.map((u) => [u.username.toLowerCase(), u.id]));
  const userIds = new Set(users.map((u) => u.id));
  const camerasByName = new Map(deps.store.cameras.all().map((c) => [c.name.toLowerCase(), c.id]));
  const pendingNames = new Map<string, string>(); // name in this file → placeholder id
  const prepared: Array<{ row: number; draft: CameraDraft; parentName: string | null } | { row: number; issues: FieldIssue[] }> = [];

  for (const { line, record } of records) {
    const { input, issues, parentName } = toInput(record, { usersByName, userIds }, camerasByName, pendingNames);
    try {
      const draft = deps.registry.prepare(input, undefined, new Set(pendingNames.values()));
      if (issues.length) throw invalid(issues);
      prepared.push({ row: line, draft, parentName });
      pendingNames.set(draft.name.toLowerCase(), `pending:${line}`);
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
      const id = write ? deps.registry.insertPrepared(draft) : null;
      if (id) realIds.set(`pending:${p.row}`, id);
      rows.push({ row: p.row, ok: true, id, name: draft.name });
    }
  };
  if (write) deps.registry.batch(write$);
  else write$();

  const imported = write ? rows.filter((r) => r.ok).length : 0;
  const report = { imported, failed: rows.filter((r) => !r.ok).length, dryRun: options.dryRun, rows };
  return { status: failed > 0 && !options.partial ? 422 : 200, report };
}

function readCsv(csv: string): Array<{ line: number; record: Record<string, string> }> {
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
  return rows.map((r) => ({
    line: r.info.lines,
    record: Object.fromEntries(Object.entries(r.record).map(([k, v]) => [BY_KEY.get(normalise(k))!, v])),
  }));
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
  const yesNo = (col: 'enabled' | 'public'): boolean | undefined => {
    const v = r[col];
    if (blank(v)) return undefined;
    const e = v!.toLowerCase();
    if (['true', 'yes', 'ya', '1'].includes(e)) return true;
    if (['false', 'no', 'tidak', '0'].includes(e)) return false;
    issues.push({ path: col, message: `"${v}" is not true/false` });
    return undefined;
  };
  const enabled = yesNo('enabled');
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
      : { host: r.onvif_host!, port: num('onvif_port') ?? 80, username: r.onvif_username || null, password: r.onvif_password || null },
    rtspUrl: r.rtsp_url || null,
    snapshotUrl: r.snapshot_url || null,
    checkIntervalSec: num('check_interval_sec'),
    imageCheckIntervalSec: num('image_check_interval_sec'),
    enabled,
    public: isPublic,
    tags: list(r.tags),
    parentId,
  };
  return { input: JSON.parse(JSON.stringify(input)) as unknown, issues, parentName };
}

function normalise(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}
