/**
 * Live video over the dashboard's socket against a real Pantau, ffmpeg and a GStreamer RTSP
 * camera: a viewer may start live video only of a camera it may see, gets the init segment
 * (with its MIME and codec) and key-frame-first fragments, and is cut off the moment it loses
 * the camera; one camera connection serves every viewer of a camera.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEndEvent, LiveFragmentMeta, LiveInitMeta, LiveStartAnswer } from '../../src/realtime/contract.js';
import { ffmpegUnavailableReason, remuxers } from '../support/frames.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { gstRtspUnavailableReason, RtspCameraSimulator } from '../support/rtsp-camera.js';
import { RecordingClient, sessionCookie } from './realtime-client.js';

const missing = ffmpegUnavailableReason() || gstRtspUnavailableReason();

class LiveClient {
  inits: LiveInitMeta[] = [];
  fragments: LiveFragmentMeta[] = [];
  ends: LiveEndEvent[] = [];
  constructor(readonly client: RecordingClient) {
    client.socket.on('live:init', (meta) => this.inits.push(meta));
    client.socket.on('live:fragment', (meta, _data, ack) => {
      this.fragments.push(meta);
      ack();
    });
    client.socket.on('live:end', (e) => this.ends.push(e));
  }
  start(cameraId: string): Promise<LiveStartAnswer> {
    return new Promise((resolve) => this.client.socket.emit('live:start', { cameraId }, resolve));
  }
}

describe.skipIf(missing !== '')(`live video over the socket${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let pantau: TestPantau;
  let camera: RtspCameraSimulator;
  let admin: Client;
  let viewerId: string;
  const ids: Record<'a' | 'b', string> = { a: '', b: '' };
  const sockets: RecordingClient[] = [];
  const connect = async (cookie: string) => {
    const c = new RecordingClient(pantau.url, cookie);
    sockets.push(c);
    return new LiveClient(await c.connect());
  };

  beforeAll(async () => {
    camera = new RtspCameraSimulator({ fps: 10, gop: 10, shared: true });
    await camera.start();
    pantau = await startTestPantau({ live: { lingerSec: 1 } });
    const made = await signedInClients(pantau);
    admin = made.admin;
    for (const [key, agency] of [['a', 'Dinas A'], ['b', 'Dinas B']] as const) {
      const res = await admin.post('/api/cameras', { name: `Kamera ${key}`, site: `Situs ${key}`, agency, rtspUrl: camera.url, checkIntervalSec: 60, imageCheckIntervalSec: 3600 });
      expect(res.status, res.text).toBe(201);
      ids[key] = res.body.id;
    }
    viewerId = (await made.make('pengamat', 'viewer', [{ scope: 'agency', value: 'Dinas A', level: 'live' }])).id;
    // Pictures but not live video: a grant given without a level, as grants always were.
    await made.make('penonton', 'viewer', [{ scope: 'agency', value: 'Dinas A' }]);
  }, 60_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await pantau?.stop();
    await camera?.stop();
  });

  it('refuses live video of a camera the viewer may not see, or may see only in pictures, and a malformed request', async () => {
    const viewer = await connect(await sessionCookie(pantau.url, 'pengamat', 'pengamat-password'));
    expect(await viewer.start(ids.b)).toMatchObject({ ok: false, error: 'denied' });
    const picturesOnly = await connect(await sessionCookie(pantau.url, 'penonton', 'penonton-password'));
    expect(await picturesOnly.start(ids.a)).toMatchObject({ ok: false, error: 'denied' });
    expect(await new Promise((resolve) => viewer.client.socket.emit('live:start', { cameraId: 42 } as never, resolve))).toMatchObject({ ok: false, error: 'bad_request' });
    await new Promise((r) => setTimeout(r, 500));
    expect(viewer.inits).toHaveLength(0);
    expect(remuxers(camera.port)).toBe(0);
  });

  it('streams a visible camera to two viewers over one camera connection, and cuts a viewer off when its grant goes', async () => {
    const viewer = await connect(await sessionCookie(pantau.url, 'pengamat', 'pengamat-password'));
    const boss = await connect(await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD));
    expect(await viewer.start(ids.a)).toMatchObject({ ok: true, maxMs: 5 * 60_000, fallbackFps: 2 });
    expect(await boss.start(ids.a)).toMatchObject({ ok: true });
    await waitFor('fragments for both', async () => (viewer.fragments.length >= 5 && boss.fragments.length >= 5 ? true : undefined), 30_000);
    for (const c of [viewer, boss]) {
      expect(c.inits[0]).toMatchObject({ cameraId: ids.a, stream: 'main', width: 320, height: 240 });
      expect(c.inits[0]!.mime).toMatch(/^video\/mp4; codecs="avc1\.[0-9A-F]{6}"$/);
      expect(c.fragments[0]!.keyframe).toBe(true);
    }
    expect(remuxers(camera.port)).toBe(1);

    const patched = await admin.patch(`/api/users/${viewerId}`, { grants: [] });
    expect(patched.status, patched.text).toBe(200);
    await waitFor('the viewer to be cut off', async () => (viewer.ends.length ? true : undefined), 10_000);
    expect(viewer.ends[0]).toEqual({ cameraId: ids.a, reason: 'denied' });
    // The other viewer keeps watching.
    const before = boss.fragments.length;
    await waitFor('more fragments for the admin', async () => (boss.fragments.length > before + 3 ? true : undefined), 10_000);
    expect(boss.ends).toHaveLength(0);

    await new Promise((resolve) => boss.client.socket.emit('live:stop', () => resolve(undefined)));
    await waitFor('the camera connection to close', async () => (remuxers(camera.port) === 0 ? true : undefined), 10_000);

    // Both live viewings are in the viewing record, closed, with the bytes each was sent.
    const record = await waitFor('both live viewings closed in the record', async () => {
      const res = await admin.get(`/api/views?cameraId=${ids.a}`);
      const live = (res.body.items as Array<{ kind: string; end: unknown; bytes: number; userId: string }>).filter((v) => v.kind === 'live');
      return live.length === 2 && live.every((v) => v.end !== null) ? live : undefined;
    }, 10_000);
    expect(record.map((v) => v.userId).sort()).toEqual([viewerId, (await admin.get('/api/me')).body.id].sort());
    for (const v of record) expect(v.bytes).toBeGreaterThan(0);
  }, 60_000);
});
