import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/security/secret-box.js';
import { maskUrlCredentials } from '../../src/log.js';

describe('SecretBox', () => {
  it('round-trips, and never gives the same ciphertext twice', () => {
    const box = SecretBox.fromSecret('a'.repeat(32));
    const a = box.seal('kata sandi');
    expect(a).toMatch(/^v1:/);
    expect(a).not.toContain('kata');
    expect(box.seal('kata sandi')).not.toBe(a);
    expect(box.open(a)).toBe('kata sandi');
  });

  it('refuses a tampered ciphertext or another key', () => {
    const box = SecretBox.fromSecret('a'.repeat(32));
    const sealed = box.seal('rahasia');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => SecretBox.fromSecret('b'.repeat(32)).open(sealed)).toThrow();
  });

  it('binds a secret to a context: it opens for that context only', () => {
    const box = SecretBox.fromSecret('a'.repeat(32));
    const sealed = box.seal('admin:rahasia', 'rtsp://192.168.1.64:554');
    expect(sealed).toMatch(/^v2:/);
    expect(SecretBox.isBound(sealed)).toBe(true);
    expect(box.open(sealed, 'rtsp://192.168.1.64:554')).toBe('admin:rahasia');
    expect(() => box.open(sealed, 'rtsp://203.0.113.9:554')).toThrow(/another address/);
    expect(() => box.open(sealed)).toThrow(/bound/);
    // Unbound (older) secrets still open.
    expect(box.open(box.seal('lama'), 'rtsp://192.168.1.64:554')).toBe('lama');
  });

  it('generates a 0600 key file once and reuses it', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pantau-key-')), 'secret.key');
    const sealed = SecretBox.fromKeyFile(file).seal('x');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    expect(SecretBox.fromKeyFile(file).open(sealed)).toBe('x');
    expect(readFileSync(file, 'utf8')).toBe(key);
  });
});

describe('maskUrlCredentials', () => {
  it('masks passwords inside URLs', () => {
    expect(maskUrlCredentials('failed rtsp://admin:s3cret@10.0.0.2:554/x and http://u:p@h/')).toBe('failed rtsp://admin:***@10.0.0.2:554/x and http://u:***@h/');
  });
});
