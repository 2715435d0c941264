/**
 * What a stored camera credential is bound to: the scheme, host and port it was given for.
 * The registry seals each password for its endpoint's binding (secret-box `v2`), drops it when
 * an edit moves the endpoint elsewhere without giving it again, and the prober opens it only for
 * the endpoint it is about to contact, so a password never reaches any other address. Pure.
 */

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'rtsp:': 554, 'rtsps:': 322 };

/** `rtsp://cam.local:554`: the binding of a URL endpoint (RTSP stream, HTTP snapshot). */
export function urlBinding(url: string): string {
  const u = new URL(url);
  const port = u.port ? Number(u.port) : (DEFAULT_PORTS[u.protocol] ?? 0);
  return `${u.protocol}//${hostKey(u.hostname)}:${port}`;
}

/** `onvif://cam.local:80`: the binding of an ONVIF device service. */
export function onvifBinding(host: string, port: number): string {
  return `onvif://${hostKey(host)}:${port}`;
}

/** The host part of a binding, for "same device" tests (the ONVIF account reused for a stream). */
export function bindingHost(binding: string): string {
  return binding.slice(binding.indexOf('//') + 2, binding.lastIndexOf(':'));
}

/** Hosts compared as written, ignoring case, IPv6 brackets and a trailing dot. */
function hostKey(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}
