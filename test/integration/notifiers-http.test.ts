import { afterEach, describe, expect, it } from 'vitest';
import { classifyStatus, encodeMultipart, postJson, postMultipart, request, retryAfterMs } from '../../src/notifiers/http.js';
import { rejection } from '../support/fake-alerts.js';
import { FakeHttpServer, formDataOf } from '../support/fake-http.js';
import { closedPort } from '../support/fake-smtp.js';

const servers: FakeHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function server(): Promise<FakeHttpServer> {
  const s = await new FakeHttpServer().start();
  servers.push(s);
  return s;
}
const live = (): AbortSignal => new AbortController().signal;

describe('notifier HTTP seam', () => {
  it('POSTs JSON with the Pantau user agent and returns status, headers and body', async () => {
    const s = await server();
    s.reply({ status: 201, headers: { 'x-id': '7' }, body: { accepted: true } });
    const res = await postJson(`${s.origin}/in?x=1`, { a: 'ü' }, { timeoutMs: 1000, signal: live() });
    expect(res).toMatchObject({ status: 201, body: '{"accepted":true}', truncated: false });
    expect(res.headers.get('x-id')).toBe('7');
    const req = s.single();
    expect(req).toMatchObject({ method: 'POST', path: '/in?x=1' });
    expect(req.headers['user-agent']).toBe('Pantau');
    expect(req.body.toString('utf8')).toBe('{"a":"ü"}');
  });

  it('cuts a reply body at the size cap instead of reading it all', async () => {
    const s = await server();
    s.reply({ status: 200, body: 'x'.repeat(200_000) });
    const res = await request({ url: s.origin, timeoutMs: 2000, signal: live(), maxResponseBytes: 1000 });
    expect(res.truncated).toBe(true);
    expect(res.body).toHaveLength(1000);
  });

  it('does not follow redirects', async () => {
    const s = await server();
    s.reply({ status: 301, headers: { location: `${s.origin}/elsewhere` } });
    const res = await request({ url: `${s.origin}/old`, timeoutMs: 1000, signal: live() });
    expect(res.status).toBe(301);
    expect(s.requests).toHaveLength(1);
  });

  it('tells a timeout, a cancellation and a refused connection apart, all temporary', async () => {
    const s = await server();
    s.always('hang');
    const timedOut = await rejection(request({ url: s.origin, timeoutMs: 200, signal: live() }));
    expect(timedOut).toMatchObject({ permanent: false, code: 'timeout' });

    const caller = new AbortController();
    setTimeout(() => caller.abort(), 100);
    const started = Date.now();
    const cancelled = await rejection(request({ url: s.origin, timeoutMs: 10_000, signal: caller.signal }));
    expect(cancelled).toMatchObject({ permanent: false, code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2000);

    const refused = await rejection(request({ url: `http://127.0.0.1:${await closedPort()}/x`, timeoutMs: 1000, signal: live() }));
    expect(refused).toMatchObject({ permanent: false, code: 'network' });
    expect(refused.message).toContain('ECONNREFUSED');
  });

  it('encodes multipart itself, keeping text fields byte for byte', async () => {
    const s = await server();
    const photo = Buffer.from([0xff, 0xd8, 0x00, 0x0d, 0x0a, 0xff, 0xd9]);
    await postMultipart(
      s.origin,
      [
        { name: 'caption', value: 'baris 1\nbaris "2" ✓' },
        { name: 'photo', filename: 'snap.jpg', contentType: 'image/jpeg', data: photo },
      ],
      { timeoutMs: 1000, signal: live() },
    );
    const form = await formDataOf(s.single());
    expect(form.get('caption')).toBe('baris 1\nbaris "2" ✓');
    const file = form.get('photo') as File;
    expect(file.name).toBe('snap.jpg');
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true);
    expect(encodeMultipart([]).contentType).toMatch(/^multipart\/form-data; boundary=-+pantau[0-9a-f]{24}$/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 29, 5, 0, 0);
    expect(retryAfterMs(new Headers({ 'retry-after': '30' }), now)).toBe(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 29 Nov 2026 05:02:00 GMT' }), now)).toBe(120_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  it.each([
    [200, null],
    [204, null],
    [408, false],
    [429, false],
    [500, false],
    [503, false],
    [400, true],
    [401, true],
    [404, true],
    [410, true],
    [301, true],
  ])('classifies HTTP %i as permanent=%s (null: success)', (status, permanent) => {
    const err = classifyStatus({ status, headers: new Headers(), body: '', truncated: false }, 'x');
    expect(err === null ? null : err.permanent).toBe(permanent);
  });
});
