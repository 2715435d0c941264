/**
 * The registry as CSV in the import's own columns, so an admin can export, edit and import the
 * file again: rows with an external id update their camera instead of adding one. Owners are
 * written as usernames and parents by name, as people write them; passwords never leave
 * (an empty password cell keeps the stored one on import) and URL query secrets show as ***,
 * which an import reads as "keep".
 */
import type { Camera } from '../store/cameras.js';
import type { Store } from '../store/index.js';
import { maskSecretParams } from '../security/url-secrets.js';
import { IMPORT_COLUMNS, type Column } from './camera-import.js';

export function exportCamerasCsv(store: Store): string {
  const cameras = store.cameras.list({ role: 'admin' });
  const usernames = new Map(store.users.list().map((u) => [u.id, u.username]));
  const names = new Map(cameras.map((c) => [c.id, c.name]));
  const cells = (c: Camera): Record<Column, string | number | null> => ({
    external_id: c.externalId,
    name: c.name,
    site: c.site,
    agency: c.agency,
    lat: c.location?.lat ?? null,
    lng: c.location?.lng ?? null,
    address: c.location?.address ?? null,
    innovation: c.innovation?.name ?? null,
    innovation_launched_on: c.innovation?.launchedOn ?? null,
    owners: c.owners.map((id) => usernames.get(id) ?? id).join(';'),
    onvif_host: c.onvif?.host ?? null,
    onvif_port: c.onvif?.port ?? null,
    onvif_username: c.onvif?.username ?? null,
    onvif_password: null,
    rtsp_url: c.rtsp ? maskSecretParams(c.rtsp.url) : null,
    snapshot_url: c.snapshot ? maskSecretParams(c.snapshot.url) : null,
    check_interval_sec: c.checkIntervalSec,
    image_check_interval_sec: c.imageCheckIntervalSec,
    enabled: c.enabled ? 'true' : 'false',
    private: c.private ? 'true' : 'false',
    public: c.public ? 'true' : 'false',
    tags: c.tags.join(';'),
    parent: c.parentId ? (names.get(c.parentId) ?? c.parentId) : null,
  });
  const lines = [IMPORT_COLUMNS.join(',')];
  for (const c of cameras) {
    const row = cells(c);
    lines.push(IMPORT_COLUMNS.map((col) => cell(row[col])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** A quoted cell; text that a spreadsheet would run as a formula gets a leading quote (numbers stay numbers). */
function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : /^[=+\-@]/.test(v) ? `'${v}` : v;
  return `"${s.replace(/"/g, '""')}"`;
}
