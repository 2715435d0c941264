/** Health, metrics and the OpenAPI document. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startTestPantau, type TestPantau } from '../support/pantau.js';

let pantau: TestPantau;
beforeAll(async () => {
  pantau = await startTestPantau();
});
afterAll(() => pantau.stop());

describe('operations endpoints', () => {
  it('GET /healthz says the store answers', async () => {
    const res = await new Client(pantau.url).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', checks: { store: 'ok', disk: 'ok' } });
    expect(res.body.details.disk).toMatch(/^\d+ MB free on the data disk; at least 100 MB wanted$/);
  });

  it('GET /healthz answers 503 when the store is gone', async () => {
    const other = await import('../support/pantau.js').then((m) => m.startTestPantau());
    other.store.db.close();
    const res = await new Client(other.url).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body.checks.store).toBe('failing');
    await other.stop().catch(() => {});
  });

  it('GET /healthz checks Redis when one is configured, and a dead Redis is reported, not fatal', async () => {
    const live = await startTestPantau({ redis: { url: 'redis://127.0.0.1:6379' } });
    const dead = await startTestPantau({ redis: { url: 'redis://127.0.0.1:1' } });
    try {
      expect((await new Client(live.url).get('/healthz')).body.checks).toEqual({ store: 'ok', disk: 'ok', redis: 'ok' });
      const res = await new Client(dead.url).get('/healthz');
      expect(res.status).toBe(503);
      expect(res.body.checks).toEqual({ store: 'ok', disk: 'ok', redis: 'failing' });
      expect(dead.logText()).toContain('Redis is unreachable');
    } finally {
      await live.stop();
      await dead.stop();
    }
  });

  it('starts without ffmpeg and says at start-up what that disables', async () => {
    const bare = await startTestPantau({ ffmpeg: { path: '/nonexistent/ffmpeg' } });
    try {
      expect(bare.ffmpeg.found).toBe(false);
      expect(bare.logText()).toMatch(/ffmpeg not found: frame checks over RTSP \(black or frozen picture\) are disabled/);
      expect(bare.logText()).toContain('/nonexistent/ffmpeg (from config ffmpeg.path)');
      expect((await new Client(bare.url).get('/healthz')).status).toBe(200);
    } finally {
      await bare.stop();
    }
  });

  it('GET /metrics speaks Prometheus text with request counts', async () => {
    const c = new Client(pantau.url);
    await c.get('/api/cameras');
    const res = await c.get('/metrics');
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(res.text).toMatch(/pantau_http_requests_total\{method="GET",route="\/api\/cameras",status="401"\} 1/);
    expect(res.text).toContain('pantau_process_resident_memory_bytes');
  });

  it('serves an OpenAPI 3 document built from the request schemas', async () => {
    const doc = (await new Client(pantau.url).get('/api/openapi.json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    const post = doc.paths['/api/cameras'].post;
    const schema = doc.components.schemas.CameraInput;
    expect(post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/CameraInput');
    expect(schema.properties.checkIntervalSec).toMatchObject({ minimum: 5, maximum: 3600, description: expect.stringContaining('30') });
    // No default of its own: a camera saved without one gets alerts.graceSec from the configuration.
    expect(schema.properties.alertGraceSec).toMatchObject({ type: ['integer', 'null'], minimum: 0, description: expect.stringContaining('alerts.graceSec') });
    expect(schema.properties.alertGraceSec).not.toHaveProperty('default');
    expect(schema.required).not.toContain('alertGraceSec');
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'site', 'agency']));
    expect(doc.paths['/api/cameras/import'].post.requestBody.content).toHaveProperty('text/csv');
  });

  it('answers unknown API paths and malformed bodies with JSON errors', async () => {
    const c = new Client(pantau.url);
    expect((await c.get('/api/nope')).body.error).toBe('not_found');
    const bad = await c.post('/api/auth/login', '{"username":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('The body is not valid JSON');
  });
});
