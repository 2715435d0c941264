/**
 * Encrypts camera credentials at rest with AES-256-GCM. The key is derived from PANTAU_SECRET,
 * or read from (or generated into) `<dataDir>/secret.key` with mode 0600.
 * Ciphertexts are versioned (`v1:`) so the scheme can change without losing stored secrets.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
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

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string): string {
    const [version, payload] = sealed.split(':', 2);
    if (version !== VERSION || !payload) throw new Error('unknown secret format');
    const raw = Buffer.from(payload, 'base64');
    const iv = raw.subarray(0, IV_BYTES);
    const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
