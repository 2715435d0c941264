import { describe, expect, it } from 'vitest';
import { maskSecretParams, openSecretParams, sealSecretParams, secretParams } from '../../src/security/url-secrets.js';

const seal = (v: string) => `sealed(${v})`;
const reseal = (v: string) => (v.startsWith('sealed(') ? v : seal(v));

describe('credentials in query strings', () => {
  it('masks only credential parameters, leaving the rest byte for byte', () => {
    expect(maskSecretParams('http://cam/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=x%26y')).toBe('http://cam/cgi-bin/CGIProxy.fcgi?cmd=snapPicture2&usr=admin&pwd=***');
    expect(maskSecretParams('http://cam/snap?PassWord=a&Token=b&auth=YWRtaW46&w=1%2C2#f')).toBe('http://cam/snap?PassWord=***&Token=***&auth=***&w=1%2C2#f');
    expect(maskSecretParams('rtsp://cam/live?channel=1&subtype=0')).toBe('rtsp://cam/live?channel=1&subtype=0');
    expect(maskSecretParams('http://cam/snap.jpg')).toBe('http://cam/snap.jpg');
  });

  it('seals new values, keeps *** from the stored URL, drops *** with nothing kept', () => {
    const stored = sealSecretParams('http://cam/s?usr=admin&pwd=a%26b', new Map(), seal, reseal);
    expect(stored).toBe(`http://cam/s?usr=admin&pwd=${encodeURIComponent('sealed(a&b)')}`);
    expect(sealSecretParams('http://cam/s?usr=admin&pwd=***', secretParams(stored), seal, reseal)).toBe(stored);
    expect(sealSecretParams('http://cam/s?usr=admin&pwd=***', new Map(), seal, reseal)).toBe('http://cam/s?usr=admin');
    // A value stored in clear before sealing existed is sealed when kept.
    expect(sealSecretParams('http://cam/s?pwd=***', secretParams('http://cam/s?pwd=old'), seal, reseal)).toBe(`http://cam/s?pwd=${encodeURIComponent('sealed(old)')}`);
  });

  it('opens sealed values for probing, or drops those that do not open', () => {
    const stored = sealSecretParams('http://cam/s?usr=admin&pwd=a%26b&x=1', new Map(), seal, reseal);
    expect(openSecretParams(stored, (v) => v.slice(7, -1))).toBe('http://cam/s?usr=admin&pwd=a%26b&x=1');
    expect(openSecretParams(stored, () => null)).toBe('http://cam/s?usr=admin&x=1');
  });
});
