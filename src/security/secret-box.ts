/**
 * Encrypts camera credentials at rest with AES-256-GCM. The key is derived from PANTAU_SECRET,
 * or read from (or generated into) `<dataDir>/secret.key` with mode 0600.
 * Ciphertexts are versioned so the scheme can change without losing stored secrets: `v1:` is
 * sealed alone; `v2:` is bound to a context (for camera credentials: the scheme, host and port
 * they were given for) as GCM additional data, so it opens only for that same context and a
 * credential cannot be unsealed for any other address.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const BOUND_VERSION = 'v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  readonly #key: Buffer;
  /** A separate key for signing links, so a signature never reveals anything about the cipher key. */
  readonly #macKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.#key = key;
    this.#macKey = Buffer.from(hkdfSync('sha256', key, 'pantau', 'signed-links-v1', 32));
  }

  /** A compact signature of `data` (signed acknowledge links). */
  sign(data: string): string {
    return createHmac('sha256', this.#macKey).update(data).digest('base64url');
  }

  verify(data: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(data));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** A box whose key comes from a passphrase (PANTAU_SECRET). */
  static fromSecret(secret: string): SecretBox {
    return new SecretBox(Buffer.from(hkdfSync('sha256', secret, 'pantau', 'camera-credentials-v1', 32)));
  }

  /** A box whose key lives in a file, generated on first use. */
  static fromKeyFile(file: string): SecretBox {
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    // Tighten permissions left loose by hand, rather than refuse to start.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file}: expected 32 bytes of base64 key material`);
    return new SecretBox(key);
  }

  /** Seals `plaintext`; with `boundTo`, it opens only for that same context. */
  seal(plaintext: string, boundTo?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    if (boundTo !== undefined) cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${boundTo === undefined ? VERSION : BOUND_VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /**
   * Opens a sealed value. A bound one (`v2`) opens only when `boundTo` is the context it was
   * sealed for, and throws otherwise; an unbound one (`v1`, stored before binding) opens alone.
   */
  open(sealed: string, boundTo?: string): string {
    const [version, payload] = sealed.split(':', 2);
    if ((version !== VERSION && version !== BOUND_VERSION) || !payload) throw new Error('unknown secret format');
    if (version === BOUND_VERSION && boundTo === undefined) throw new Error('this secret is bound to an address and was opened without one');
    const raw = Buffer.from(payload, 'base64');
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    if (version === BOUND_VERSION) decipher.setAAD(Buffer.from(boundTo!, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (err) {
      throw new Error(version === BOUND_VERSION ? 'the secret was sealed for another address, or with another key' : 'the secret was sealed with another key', { cause: err });
    }
  }

  /** True when `sealed` is bound to a context (and so cannot be opened for another). */
  static isBound(sealed: string): boolean {
    return sealed.startsWith(`${BOUND_VERSION}:`);
  }
}
