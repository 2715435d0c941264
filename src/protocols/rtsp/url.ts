/**
 * RTSP URLs as cameras advertise them: scheme, host, port (554 for rtsp, 322 for rtsps),
 * credentials embedded or not, and the request URL with the credentials taken out. Must not
 * put credentials back into anything that is sent as a request line or logged.
 */

export interface RtspEndpoint {
  tls: boolean;
  host: string;
  port: number;
  /** The URL to put in request lines: no user information, everything else as given. */
  requestUrl: string;
  /** Credentials embedded in the URL, decoded; undefined when there were none. */
  username?: string | undefined;
  password?: string | undefined;
}

export const RTSP_DEFAULT_PORT = 554;
export const RTSPS_DEFAULT_PORT = 322;

/** Parses an rtsp:// or rtsps:// URL; undefined when it is neither. */
export function parseRtspUrl(url: string): RtspEndpoint | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const tls = u.protocol === 'rtsps:';
  if (!tls && u.protocol !== 'rtsp:') return undefined;
  if (!u.hostname) return undefined;
  const username = u.username ? safeDecode(u.username) : undefined;
  const password = u.password ? safeDecode(u.password) : undefined;
  const port = u.port ? Number(u.port) : tls ? RTSPS_DEFAULT_PORT : RTSP_DEFAULT_PORT;
  u.username = '';
  u.password = '';
  // IPv6 literals come back bracketed; sockets want them bare.
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { tls, host, port, requestUrl: u.toString(), username, password };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

