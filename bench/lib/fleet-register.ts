/**
 * Tells a Pantau about a fleet: as CSV through the REST import (what an operator would do,
 * in chunks under the import's row limit, skipping names already registered so a second run
 * adds nothing), or straight into a store that is not running yet (benchmarks that must not
 * time the import). Both go through the registry's own validation.
 */
import { CameraRegistry } from '../../src/services/registry.js';
import { MAX_IMPORT_ROWS } from '../../src/services/camera-import.js';
import { SecretBox } from '../../src/security/secret-box.js';
import type { Store } from '../../src/store/index.js';
import type { FleetCamera } from './fleet-sim.js';

export interface RegisterOptions {
  /** @defaultValue 30 */
  checkIntervalSec?: number;
  /** @defaultValue 300 */
  imageCheckIntervalSec?: number;
  /** Register the ONVIF service too (the liveness round then asks it the time). @defaultValue false */
  onvif?: boolean;
  /** Register the snapshot URL (image checks use it instead of RTSP + ffmpeg). @defaultValue true */
  snapshots?: boolean;
  /** @defaultValue 120 */
  alertGraceSec?: number;
}

const HEADER = ['name', 'site', 'agency', 'lat', 'lng', 'rtsp_url', 'snapshot_url', 'onvif_host', 'onvif_port', 'check_interval_sec', 'image_check_interval_sec', 'tags'];

export function fleetCsv(cameras: readonly FleetCamera[], o: RegisterOptions = {}): string {
  const q = (v: string | number) => `"${String(v).replace(/"/g, '""')}"`;
  const lines = [HEADER.join(',')];
  for (const c of cameras) {
    lines.push(
      [
        c.name, c.site, c.agency, c.lat.toFixed(5), c.lng.toFixed(5), c.rtspUrl,
        o.snapshots === false ? '' : c.snapshotUrl, o.onvif ? c.host : '', o.onvif ? c.port : '',
        o.checkIntervalSec ?? 30, o.imageCheckIntervalSec ?? 300, 'fleet',
      ].map(q).join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** The JSON body the API would take for a camera; the registry validates it the same way. */
export function cameraInput(c: FleetCamera, o: RegisterOptions = {}) {
  return {
    name: c.name,
    site: c.site,
    agency: c.agency,
    location: { lat: c.lat, lng: c.lng, address: null },
    rtspUrl: c.rtspUrl,
    snapshotUrl: o.snapshots === false ? null : c.snapshotUrl,
    onvif: o.onvif ? { host: c.host, port: c.port, username: null, password: null } : null,
    checkIntervalSec: o.checkIntervalSec ?? 30,
    imageCheckIntervalSec: o.imageCheckIntervalSec ?? 300,
    alertGraceSec: o.alertGraceSec ?? 120,
    tags: ['fleet'],
  };
}

/** Writes the fleet into a store before Pantau starts on it; returns the camera ids by fleet index. */
export function insertFleet(store: Store, cameras: readonly FleetCamera[], o: RegisterOptions = {}): string[] {
  const registry = new CameraRegistry(store, SecretBox.fromSecret('fleet-benchmark-secret-0123456789abcdef'));
  const ids: string[] = [];
  store.cameras.transaction(() => {
    for (const c of cameras) ids.push(registry.insertPrepared(registry.prepare(cameraInput(c, o))));
  });
  return ids;
}

export interface RegisterResult {
  imported: number;
  skipped: number;
}

/** Signs in and imports the cameras Pantau does not have yet (by name), in chunks. */
export async function registerFleet(
  baseUrl: string,
  login: { user: string; password: string },
  cameras: readonly FleetCamera[],
  o: RegisterOptions = {},
  log: (line: string) => void = console.log,
): Promise<RegisterResult> {
  const url = baseUrl.replace(/\/$/, '');
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: login.user, password: login.password }),
  });
  if (res.status !== 200) throw new Error(`signing in to ${url} as ${login.user} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('the login answer carried no session cookie');

  const listed = await fetch(`${url}/api/cameras`, { headers: { cookie } });
  if (listed.status !== 200) throw new Error(`listing cameras failed: ${listed.status}`);
  const known = new Set(((await listed.json()) as { name: string }[]).map((c) => c.name.toLowerCase()));
  const missing = cameras.filter((c) => !known.has(c.name.toLowerCase()));
  // A bounded loop: at most cameras / chunk requests.
  const chunk = Math.min(MAX_IMPORT_ROWS, 2000);
  let imported = 0;
  for (let i = 0; i < missing.length; i += chunk) {
    const part = missing.slice(i, i + chunk);
    const answer = await fetch(`${url}/api/cameras/import`, { method: 'POST', headers: { cookie, 'content-type': 'text/csv' }, body: fleetCsv(part, o) });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`import of cameras ${i + 1}–${i + part.length} failed: ${answer.status} ${text.slice(0, 600)}`);
    imported += (JSON.parse(text) as { imported: number }).imported;
    log(`imported ${imported}/${missing.length}`);
  }
  return { imported, skipped: cameras.length - missing.length };
}
