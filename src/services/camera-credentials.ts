/**
 * How the registry stores an endpoint's credentials: sealed for the scheme, host and port they
 * were given for (from a `*Auth` object, the URL's user part, or its query string), kept on edit
 * only while those stay the same, so an edit that moves an endpoint elsewhere drops them unless
 * they are given again. Opens a password only to bind one stored before binding existed, and to
 * tell whether a save changes nothing (`sameOnvif`, `sameUrl`).
 */
import { onvifBinding, urlBinding } from '../security/credential-binding.js';
import { SecretBox } from '../security/secret-box.js';
import { openSecretParams, sealSecretParams, secretParams } from '../security/url-secrets.js';
import type { Credentials, OnvifEndpoint, UrlEndpoint } from '../store/cameras.js';

export class EndpointCredentials {
  constructor(private readonly box: SecretBox) {}

  /**
   * The password is sealed for the device's host and port; it is kept on edit only while they
   * stay the same, so moving the endpoint elsewhere drops it unless it is given again.
   */
  onvif(
    input: { host: string; port: number; username?: string | null | undefined; password?: string | null | undefined },
    existing: OnvifEndpoint | null,
  ): OnvifEndpoint {
    const binding = onvifBinding(input.host, input.port);
    const kept = existing && onvifBinding(existing.host, existing.port) === binding ? existing.passwordEnc : null;
    return { host: input.host, port: input.port, username: input.username ?? null, passwordEnc: this.sealOrKeep(input.password, kept, binding) };
  }

  /**
   * Credentials come from `auth` when given, else from the URL, else (on edit) stay as they
   * were, but only while the URL's scheme, host and port stay the same: they are sealed for those.
   */
  url(
    rawUrl: string | null | undefined,
    auth: { username: string; password?: string | undefined } | null | undefined,
    existing: UrlEndpoint | null,
  ): UrlEndpoint | null {
    if (!rawUrl) return null;
    const url = new URL(rawUrl);
    const binding = urlBinding(rawUrl);
    const kept = existing && urlBinding(existing.url) === binding ? existing : null;
    const fromUrl: Credentials | null = url.username
      ? { username: decodeURIComponent(url.username), passwordEnc: url.password ? this.box.seal(decodeURIComponent(url.password), binding) : null }
      : null;
    url.username = '';
    url.password = '';
    const bare = sealSecretParams(
      url.toString(),
      kept ? secretParams(kept.url) : new Map(),
      (plain) => this.box.seal(plain, binding),
      (stored) => (SecretBox.isBound(stored) ? stored : this.box.seal(stored, binding)),
    );
    let creds: Credentials;
    if (auth === null) creds = { username: null, passwordEnc: null };
    else if (auth) creds = { username: auth.username || null, passwordEnc: this.sealOrKeep(auth.password, kept?.passwordEnc ?? null, binding) };
    else creds = fromUrl ?? { username: kept?.username ?? null, passwordEnc: this.sealOrKeep(undefined, kept?.passwordEnc ?? null, binding) };
    return { url: bare, ...creds };
  }

  /**
   * Whether two stored ONVIF endpoints are the same device with the same account. Sealed
   * passwords differ byte for byte each time they are sealed, so they are compared opened; the
   * plaintext goes no further than this comparison.
   */
  sameOnvif(a: OnvifEndpoint | null, b: OnvifEndpoint | null): boolean {
    if (!a || !b) return a === b;
    const binding = onvifBinding(a.host, a.port);
    return a.host === b.host && a.port === b.port && a.username === b.username && this.sameSealed(a.passwordEnc, b.passwordEnc, binding);
  }

  /** As sameOnvif, for a stream or snapshot URL (its sealed query secrets compared opened too). */
  sameUrl(a: UrlEndpoint | null, b: UrlEndpoint | null): boolean {
    if (!a || !b) return a === b;
    const binding = urlBinding(a.url);
    if (binding !== urlBinding(b.url) || a.username !== b.username || !this.sameSealed(a.passwordEnc, b.passwordEnc, binding)) return false;
    const open = (stored: string) => this.opened(stored, binding);
    return openSecretParams(a.url, open) === openSecretParams(b.url, open);
  }

  private sameSealed(a: string | null, b: string | null, binding: string): boolean {
    if (a === null || b === null) return a === b;
    return a === b || this.opened(a, binding) === this.opened(b, binding);
  }

  /** A sealed value opened for comparing; one that cannot be opened stands for itself. */
  private opened(sealed: string, binding: string): string {
    try {
      return this.box.open(sealed, SecretBox.isBound(sealed) ? binding : undefined);
    } catch {
      return sealed;
    }
  }

  /** A new password sealed for `binding`, or the kept one (bound now if it was stored unbound). */
  private sealOrKeep(password: string | null | undefined, kept: string | null, binding: string): string | null {
    if (password === undefined) return kept && !SecretBox.isBound(kept) ? this.rebind(kept, binding) : kept;
    return password ? this.box.seal(password, binding) : null;
  }

  /** Seals an unbound (older) password for the endpoint it is stored with. */
  private rebind(sealed: string, binding: string): string {
    try {
      return this.box.seal(this.box.open(sealed), binding);
    } catch {
      return sealed; // unreadable (another key): the prober warns about it
    }
  }
}
