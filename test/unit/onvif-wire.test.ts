import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProbe, parseProbeMatches, rewriteMediaUri } from '../../src/protocols/onvif/index.js';
import { describeOffset } from '../../src/protocols/onvif/inspect.js';
import { decodeEntities, leafText, looksLikeSoap } from '../../src/protocols/onvif/xml.js';

const fixture = (path: string): string => readFileSync(new URL(`../fixtures/onvif/${path}`, import.meta.url), 'utf8');

describe('rewriteMediaUri', () => {
  it('puts the given host in place of the LAN address, keeping port, path and query', () => {
    expect(rewriteMediaUri('rtsp://192.168.1.64:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1', 'cam7.example.id')).toBe(
      'rtsp://cam7.example.id:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1',
    );
    expect(rewriteMediaUri('rtsp://0.0.0.0/cam/realmonitor?channel=1&subtype=0', '10.8.0.12')).toBe(
      'rtsp://10.8.0.12/cam/realmonitor?channel=1&subtype=0',
    );
  });

  it('keeps a bare query word as it is (Hikvision snapshot URLs)', () => {
    expect(rewriteMediaUri('http://192.168.1.64/onvif-http/snapshot?Profile_1', '203.0.113.9')).toBe(
      'http://203.0.113.9/onvif-http/snapshot?Profile_1',
    );
  });

  it('drops embedded credentials, in user-info and in the query', () => {
    const out = rewriteMediaUri('rtsp://admin:hunter2@192.168.1.108:554/live?channel=1&user=admin&Password=hunter2&pwd=x', '10.0.0.2');
    expect(out).toBe('rtsp://10.0.0.2:554/live?channel=1');
    expect(rewriteMediaUri('http://192.168.1.5/snap.cgi?usr=a&pwd=b', '10.0.0.2')).toBe('http://10.0.0.2/snap.cgi');
  });

  it('brackets IPv6 hosts and refuses what is not an absolute rtsp/http URL', () => {
    expect(rewriteMediaUri('rtsp://192.168.1.64:8554/s', 'fd00::5')).toBe('rtsp://[fd00::5]:8554/s');
    expect(rewriteMediaUri('/Streaming/Channels/101', '10.0.0.2')).toBeNull();
    expect(rewriteMediaUri('ftp://192.168.1.64/x', '10.0.0.2')).toBeNull();
    expect(rewriteMediaUri('not a url', '10.0.0.2')).toBeNull();
  });
});

describe('raw XML reading', () => {
  it('reads leaf text by local name, whatever the prefix, decoding entities', () => {
    const xml = '<s:Body><tds:Model>A&amp;B &#x41;&#66;</tds:Model><Serial><![CDATA[00123<x>]]></Serial></s:Body>';
    expect(leafText(xml, 'Model')).toBe('A&B AB');
    expect(leafText(xml, 'Serial')).toBe('00123<x>');
    expect(leafText(xml, 'Missing')).toBeUndefined();
    expect(leafText('<tt:Uri>rtsp://h/a?x=1&amp;y=2</tt:Uri>', 'Uri')).toBe('rtsp://h/a?x=1&y=2');
  });

  it('keeps what type-coercing parsers would mangle', () => {
    const xml = fixture('dahua/GetDeviceInformation.xml');
    expect(leafText(xml, 'HardwareId')).toBe('1.00');
    expect(leafText(xml, 'FirmwareVersion')).toBe('2.800.0000000.28.R, Build Date 2021-09-15');
    expect(leafText('<SerialNumber>123456789012345678901</SerialNumber>', 'SerialNumber')).toBe('123456789012345678901');
  });

  it('leaves unknown or out-of-range entities alone', () => {
    expect(decodeEntities('&bogus; &#x110000; &lt;')).toBe('&bogus; &#x110000; <');
  });

  it('tells SOAP from HTML', () => {
    expect(looksLikeSoap(fixture('hikvision/Fault.xml'))).toBe(true);
    expect(looksLikeSoap('<!DOCTYPE html><html><body>Login</body></html>')).toBe(false);
    expect(looksLikeSoap(undefined)).toBe(false);
  });
});

describe('WS-Discovery parsing', () => {
  const fill = (t: string, vars: Record<string, string>): string => t.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? '');

  it('reads both vendors\' ProbeMatches: XAddrs, scopes, name, hardware, endpoint', () => {
    const hik = fill(fixture('hikvision/ProbeMatches.xml'), {
      messageId: 'm1',
      relatesTo: 'urn:uuid:probe-1',
      uuid: 'aaaa',
      xaddrs: 'http://192.168.1.64/onvif/device_service http://[fe80::1]/onvif/device_service',
    });
    expect(parseProbeMatches(hik, 'urn:uuid:probe-1')).toEqual([
      expect.objectContaining({
        xaddrs: ['http://192.168.1.64/onvif/device_service', 'http://[fe80::1]/onvif/device_service'],
        name: 'HIKVISION DS-2CD2143G2-I',
        hardware: 'DS-2CD2143G2-I',
        urn: 'urn:uuid:aaaa',
      }),
    ]);
    const dahua = fill(fixture('dahua/ProbeMatches.xml'), { messageId: 'm2', relatesTo: 'p', uuid: 'bbbb', xaddrs: 'http://192.168.1.108/onvif/device_service' });
    const [d] = parseProbeMatches(dahua, 'p');
    expect(d).toMatchObject({ name: 'Dahua', hardware: 'IPC-HDW2431T-AS-S2', urn: 'uuid:bbbb' });
    expect(d?.scopes).toHaveLength(7);
  });

  it('ignores replies to other probes, matches without XAddrs, and junk', () => {
    const reply = fill(fixture('dahua/ProbeMatches.xml'), { messageId: 'm', relatesTo: 'theirs', uuid: 'u', xaddrs: 'http://h/onvif/device_service' });
    expect(parseProbeMatches(reply, 'ours')).toEqual([]);
    expect(parseProbeMatches(reply.replace(/<d:XAddrs>[^<]*<\/d:XAddrs>/, ''), 'theirs')).toEqual([]);
    expect(parseProbeMatches('\u0000\u0001garbage<<<>', 'ours')).toEqual([]);
    expect(parseProbeMatches('<a:RelatesTo>x</a:RelatesTo><d:ProbeMatch><d:XAddrs>javascript:alert(1)</d:XAddrs></d:ProbeMatch>', 'x')).toEqual([]);
  });

  it('builds a Probe for NetworkVideoTransmitter with our MessageID', () => {
    const probe = buildProbe('urn:uuid:1234');
    expect(probe).toContain('<a:MessageID>urn:uuid:1234</a:MessageID>');
    expect(probe).toContain('<d:Types>dn:NetworkVideoTransmitter</d:Types>');
    expect(probe).toContain('http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe');
  });
});

describe('describeOffset', () => {
  it('says how far ahead or behind, in words an admin reads', () => {
    expect(describeOffset(90_000)).toBe('1 min 30 s ahead of');
    expect(describeOffset(-(2 * 3600 + 5 * 60) * 1000)).toBe('2 h 5 min behind');
    expect(describeOffset(4_000)).toBe('4 s ahead of');
  });
});
