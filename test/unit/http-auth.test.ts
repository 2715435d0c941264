import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  authorizationFor,
  basicAuthorization,
  digestAuthorization,
  parseWwwAuthenticate,
  pickChallenge,
} from '../../src/protocols/http-auth.js';

const mufasa = { username: 'Mufasa', password: 'Circle of Life' };

function params(header: string): Record<string, string> {
  const [c] = parseWwwAuthenticate(header);
  if (!c) throw new Error('no challenge');
  return c.params;
}

describe('parseWwwAuthenticate', () => {
  it('reads several challenges from one header, with quoted commas and escapes', () => {
    const got = parseWwwAuthenticate(
      'Digest realm="IP Camera(C6152)", qop="auth,auth-int", nonce="a,b\\"c", stale=FALSE, Basic realm="x"',
    );
    expect(got).toEqual([
      { scheme: 'digest', params: { realm: 'IP Camera(C6152)', qop: 'auth,auth-int', nonce: 'a,b"c', stale: 'FALSE' } },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  it('accepts repeated headers as an array and ignores an empty value', () => {
    const got = parseWwwAuthenticate(['Digest realm="r", nonce="n1", algorithm=SHA-256', '', 'Basic realm="r"']);
    expect(got.map((c) => c.scheme)).toEqual(['digest', 'basic']);
    expect(got[0]?.params.algorithm).toBe('SHA-256');
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });
});

describe('pickChallenge', () => {
  it('prefers Digest SHA-256, then Digest MD5, then Basic', () => {
    const all = parseWwwAuthenticate([
      'Basic realm="r"',
      'Digest realm="r", nonce="1", qop="auth"',
      'Digest realm="r", nonce="2", qop="auth", algorithm=SHA-256',
    ]);
    expect(pickChallenge(all)?.params.nonce).toBe('2');
    expect(pickChallenge(all.slice(0, 2))?.params.nonce).toBe('1');
    expect(pickChallenge(all.slice(0, 1))?.scheme).toBe('basic');
  });

  it('skips Digest it cannot answer (auth-int only, unknown algorithm)', () => {
    const all = parseWwwAuthenticate([
      'Digest realm="r", nonce="1", qop="auth-int"',
      'Digest realm="r", nonce="2", algorithm=SHA-512-256',
      'Basic realm="r"',
    ]);
    expect(pickChallenge(all)?.scheme).toBe('basic');
  });
});

describe('digestAuthorization', () => {
  // RFC 7616 section 3.9.1
  const rfc7616 =
    'realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
    'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
  const req = { method: 'GET', uri: '/dir/index.html', nc: 1, cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' };

  it('matches the RFC 7616 MD5 example', () => {
    const header = digestAuthorization(
      { scheme: 'digest', params: params(`Digest ${rfc7616}, algorithm=MD5`) },
      mufasa,
      req,
    );
    expect(header).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
    expect(header).toContain('qop=auth, nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"');
    expect(header).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
    expect(header).toContain('algorithm=MD5');
  });

  it('matches the RFC 7616 SHA-256 example', () => {
    const header = digestAuthorization(
      { scheme: 'digest', params: params(`Digest ${rfc7616}, algorithm=SHA-256`) },
      mufasa,
      req,
    );
    expect(header).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
  });

  it('matches the RFC 2617 example (MD5 without an algorithm parameter)', () => {
    const header = digestAuthorization(
      {
        scheme: 'digest',
        params: params('Digest realm="testrealm@host.com", qop="auth", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"'),
      },
      { username: 'Mufasa', password: 'Circle Of Life' }, // RFC 2617 capitalises "Of"
      { method: 'GET', uri: '/dir/index.html', nc: 1, cnonce: '0a4f113b' },
    );
    expect(header).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header).not.toContain('algorithm=');
  });

  it('answers a qop-less challenge the RFC 2069 way, as RTSP cameras expect', () => {
    const header = digestAuthorization(
      { scheme: 'digest', params: { realm: 'IP Camera', nonce: 'abc' } },
      { username: 'admin', password: 'secret' },
      { method: 'DESCRIBE', uri: 'rtsp://10.0.0.5:554/stream1' },
    );
    const md5 = (v: string): string => createHash('md5').update(v).digest('hex');
    const expected = md5(`${md5('admin:IP Camera:secret')}:abc:${md5('DESCRIBE:rtsp://10.0.0.5:554/stream1')}`);
    expect(header).toContain(`response="${expected}"`);
    expect(header).not.toContain('qop=');
    expect(header).not.toContain('cnonce=');
  });

  it('hashes the username when the server asks for userhash', () => {
    const header = digestAuthorization(
      { scheme: 'digest', params: { realm: 'r', nonce: 'n', qop: 'auth', userhash: 'true' } },
      mufasa,
      req,
    );
    expect(header).not.toContain('Mufasa');
    expect(header).toContain('userhash=true');
  });
});

describe('authorizationFor', () => {
  it('builds Basic when only Basic is offered', () => {
    const creds = { username: 'admin', password: 'p@ss:word' };
    expect(authorizationFor('Basic realm="cam"', creds, { method: 'GET', uri: '/' })).toBe(basicAuthorization(creds));
    expect(basicAuthorization(creds)).toBe(`Basic ${Buffer.from('admin:p@ss:word').toString('base64')}`);
  });

  it('returns undefined when nothing can be answered', () => {
    expect(authorizationFor('Negotiate', mufasa, { method: 'GET', uri: '/' })).toBeUndefined();
    expect(authorizationFor(undefined, mufasa, { method: 'GET', uri: '/' })).toBeUndefined();
  });
});
