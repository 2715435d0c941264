import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { header, parseRtspResponse, RtspError, RtspResponseReader } from '../../src/protocols/rtsp/index.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/rtsp/${name}`, import.meta.url));

function failure(fn: () => unknown): RtspError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RtspError) return err;
    throw err;
  }
  throw new Error('expected an RtspError');
}

describe('RTSP response parser', () => {
  it('reads a Hikvision DESCRIBE reply: status, headers, body by Content-Length', () => {
    const res = parseRtspResponse(fixture('hikvision-describe-200.txt'));
    expect(res.statusCode).toBe(200);
    expect(res.statusText).toBe('OK');
    expect(header(res, 'Content-Type')).toBe('application/sdp');
    expect(header(res, 'cseq')).toBe('3');
    expect(res.body.toString()).toMatch(/^v=0\r\n/);
    expect(res.body.length).toBe(Number(header(res, 'content-length')));
  });

  it('keeps every WWW-Authenticate challenge of a 401', () => {
    const res = parseRtspResponse(fixture('hikvision-describe-401.txt'));
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toHaveLength(2);
    expect(res.headers['www-authenticate']?.[0]).toMatch(/^Digest realm="IP Camera\(C6130\)"/);
    expect(res.body.length).toBe(0);
  });

  it('assembles a reply that arrives one byte at a time', () => {
    const bytes = fixture('dahua-describe-200-h265.txt');
    const reader = new RtspResponseReader();
    let res;
    for (let i = 0; i < bytes.length; i++) {
      res = reader.push(bytes.subarray(i, i + 1));
      if (i < bytes.length - 1) expect(res).toBeUndefined();
    }
    expect(res?.statusCode).toBe(200);
    expect(res?.body.toString()).toContain('H265/90000');
  });

  it('leaves bytes after a complete reply for the next one', () => {
    const two = Buffer.concat([fixture('hikvision-options-200.txt'), fixture('hikvision-describe-401.txt')]);
    const reader = new RtspResponseReader();
    expect(reader.push(two)?.statusCode).toBe(200);
    expect(reader.pending).toBe(fixture('hikvision-describe-401.txt').length);
  });

  it('keeps what is left of a lent chunk once retained, whatever is written over the chunk later', () => {
    const bytes = Buffer.concat([fixture('hikvision-options-200.txt'), fixture('dahua-describe-200-h265.txt')]);
    const lent = Buffer.alloc(bytes.length);
    const cut = fixture('hikvision-options-200.txt').length + 40;
    const reader = new RtspResponseReader();
    bytes.copy(lent, 0, 0, cut);
    reader.feed(lent.subarray(0, cut), true);
    expect(reader.next()).toMatchObject({ kind: 'response', response: { statusCode: 200 } });
    expect(reader.next()).toBeUndefined();
    reader.retain();
    lent.fill(0x58); // the next read's bytes
    const rest = bytes.length - cut;
    bytes.copy(lent, 0, cut);
    reader.feed(lent.subarray(0, rest), true);
    const res = reader.next();
    reader.retain();
    expect(res).toMatchObject({ kind: 'response', response: { statusCode: 200 } });
    expect(res?.kind === 'response' && res.response.body.toString()).toContain('H265/90000');
    expect(reader.pending).toBe(0);
  });

  it('tolerates bare LF line endings and folded header lines', () => {
    const res = parseRtspResponse(Buffer.from('RTSP/1.0 200 OK\nCSeq: 1\nPublic: OPTIONS,\n DESCRIBE\n\n'));
    expect(header(res, 'public')).toBe('OPTIONS, DESCRIBE');
  });

  it('rejects a reply that does not start like RTSP on its first bytes', () => {
    const reader = new RtspResponseReader();
    const err = failure(() => reader.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n')));
    expect(err.code).toBe('bad_response');
    expect(err.reached).toBe(true);
    expect(failure(() => new RtspResponseReader().push(Buffer.from([0x16, 0x03, 0x01]))).code).toBe('bad_response');
  });

  it('rejects a malformed status line or header line', () => {
    expect(failure(() => parseRtspResponse(Buffer.from('RTSP/1.0 OK\r\n\r\n'))).code).toBe('bad_response');
    expect(failure(() => parseRtspResponse(Buffer.from('RTSP/1.0 200 OK\r\nno colon here\r\n\r\n'))).code).toBe('bad_response');
    expect(failure(() => parseRtspResponse(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: -4\r\n\r\n'))).code).toBe('bad_response');
  });

  it('gives up on an endless header as soon as it passes the cap', () => {
    const reader = new RtspResponseReader(1024);
    reader.push(Buffer.from('RTSP/1.0 200 OK\r\n'));
    let err: RtspError | undefined;
    for (let i = 0; i < 100 && !err; i++) {
      try {
        reader.push(Buffer.from(`X-Filler-${i}: ${'a'.repeat(40)}\r\n`));
      } catch (e) {
        err = e as RtspError;
      }
    }
    expect(err?.code).toBe('too_large');
    expect(reader.pending).toBeLessThanOrEqual(1024 + 64);
  });

  it('refuses a body declared larger than the cap before receiving it', () => {
    const err = failure(() => new RtspResponseReader(4096).push(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: 50000000\r\n\r\n')));
    expect(err.code).toBe('too_large');
  });
});
