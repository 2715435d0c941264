/**
 * Links from messages into the dashboard. The dashboard routes on the hash (web/src/main.ts:
 * `#/kamera/<id>`, `#/laporan`), so every link names its page there; the path before the hash
 * is the shell, which the server answers for any path and which keeps the hash through sign-in.
 * Old messages carried `/cameras/<id>`: the server redirects those (http/app.ts).
 */
const trim = (base: string): string => base.replace(/\/+$/, '');

/** The page of one camera. */
export function cameraLink(base: string, cameraId: string): string {
  return `${trim(base)}/#/kamera/${encodeURIComponent(cameraId)}`;
}

/** The grid of all cameras the reader may see. */
export function gridLink(base: string): string {
  return `${trim(base)}/#/`;
}

/** The uptime report (what a digest summarises). */
export function reportLink(base: string): string {
  return `${trim(base)}/#/laporan`;
}
