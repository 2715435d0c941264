/**
 * Links from messages into the dashboard. The dashboard routes on the hash (web/src/main.ts:
 * `#/kamera/<id>`, `#/lokasi/<site>`, `#/laporan`), so every link names its page there; the path before the hash
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

/**
 * The grid filtered to one site (a grouped alert or recovery about its cameras). A route of its
 * own, not a query, so it survives sign-in like a camera's page does.
 */
export function siteLink(base: string, site: string): string {
  return `${trim(base)}/#/lokasi/${encodeURIComponent(site)}`;
}

/** The uptime report (what a digest summarises). */
export function reportLink(base: string): string {
  return `${trim(base)}/#/laporan`;
}
