/**
 * Turning the stream and snapshot URIs a camera reports into ones Pantau can
 * use and store: cameras name themselves by their LAN address (192.168.1.64)
 * or 0.0.0.0, which is not how Pantau reaches them, and some embed credentials.
 */

const CREDENTIAL_PARAMS = new Set(['user', 'username', 'usr', 'login', 'pass', 'password', 'pwd', 'passwd', 'psw']);
const SCHEMES = new Set(['rtsp:', 'rtsps:', 'http:', 'https:']);

/** A host as it goes inside a URL: IPv6 literals need brackets. */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The reported URI with its host replaced by `host` (port, path and query kept),
 * and any user-info or credential-looking query parameters removed. Null when
 * the URI is not an absolute rtsp/http(s) URL.
 */
export function rewriteMediaUri(reported: string, host: string): string | null {
  let url: URL;
  try {
    url = new URL(reported.trim());
  } catch {
    return null;
  }
  if (!SCHEMES.has(url.protocol) || url.host === '') return null;
  url.username = '';
  url.password = '';
  url.hostname = urlHost(host);
  if (url.search) {
    // Filtered by hand: URLSearchParams would turn Hikvision's "?Profile_1" into "?Profile_1=".
    const kept = url.search
      .slice(1)
      .split('&')
      .filter((part) => !CREDENTIAL_PARAMS.has(decodeKey(part)));
    url.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  }
  return url.toString();
}

function decodeKey(part: string): string {
  const key = part.split('=')[0] ?? '';
  try {
    return decodeURIComponent(key).toLowerCase();
  } catch {
    return key.toLowerCase();
  }
}
