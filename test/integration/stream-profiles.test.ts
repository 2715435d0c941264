/**
 * Sub-streams from ONVIF profiles: a camera onboarded with an ONVIF address has its profiles
 * read (Hikvision's fixture: 2560×1440 and 640×360) and stored without credentials, and live
 * view then plays the profile's sub-stream — on a URL that follows no vendor pattern, so only
 * the profile could have named it — with the credentials bound to that endpoint (the RTSP
 * server asks for them). A profile on another endpoint is never used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { OnvifDeviceSimulator } from '../support/onvif-device.js';
import { ADMIN_PASSWORD, signedInClients, startTestPantau, waitFor, type Client, type TestPantau } from '../support/pantau.js';
import { gstRtspUnavailableReason, RtspCameraSimulator } from '../support/rtsp-camera.js';
import { LiveClient } from './live-client.js';
import { RecordingClient, sessionCookie } from './realtime-client.js';

const missing = ffmpegUnavailableReason() || gstRtspUnavailableReason();
const PASS = 'kata-sandi-kamera';

describe.skipIf(missing !== '')(`sub-streams from ONVIF profiles${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let pantau: TestPantau;
  let camera: RtspCameraSimulator;
  let device: OnvifDeviceSimulator;
  let admin: Client;
  let socket: RecordingClient | undefined;
  let cameraId = '';

  beforeAll(async () => {
    // Only the sub-stream exists: a pull of the main URL would fail.
    camera = new RtspCameraSimulator({ path: '/sub', username: 'admin', password: PASS, fps: 10, shared: true });
    await camera.start();
    device = new OnvifDeviceSimulator({ vendor: 'hikvision', username: 'admin', password: PASS, rtspPort: camera.port, rtspPaths: { Profile_1: '/main', Profile_2: '/sub' } });
    await device.start();
    pantau = await startTestPantau({ live: { lingerSec: 1 } });
    ({ admin } = await signedInClients(pantau));
  }, 60_000);

  afterAll(async () => {
    socket?.close();
    await pantau?.stop();
    await device?.stop();
    await camera?.stop();
  });

  it('stores the main and sub-stream of an onboarded camera, bare', async () => {
    const res = await admin.post('/api/cameras', {
      name: 'Masjid Raya',
      site: 'Masjid Raya',
      agency: 'Kemenag',
      onvif: { host: '127.0.0.1', port: device.port, username: 'admin', password: PASS },
      rtspUrl: `rtsp://127.0.0.1:${camera.port}/main`,
      checkIntervalSec: 3600,
      imageCheckIntervalSec: 86_400,
    });
    expect(res.status, res.text).toBe(201);
    cameraId = res.body.id as string;
    const streams = await waitFor('the profiles read', async () => pantau.store.cameraStreams.get(cameraId), 15_000);
    expect(streams).toEqual({
      main: { url: `rtsp://127.0.0.1:${camera.port}/main`, width: 2560, height: 1440 },
      sub: { url: `rtsp://127.0.0.1:${camera.port}/sub`, width: 640, height: 360 },
    });
    const row = JSON.stringify(pantau.store.db.prepare('SELECT * FROM camera_streams').all());
    expect(row).not.toContain(PASS);
    expect(row).not.toContain('admin@');
  });

  it('plays the profile sub-stream live, with the credentials of that endpoint', async () => {
    socket = await new RecordingClient(pantau.url, await sessionCookie(pantau.url, 'admin', ADMIN_PASSWORD)).connect();
    const viewer = new LiveClient(socket);
    expect(await viewer.start(cameraId)).toMatchObject({ ok: true });
    await waitFor('fragments', async () => (viewer.fragments.length >= 3 ? true : undefined), 30_000);
    expect(viewer.inits[0]).toMatchObject({ cameraId, stream: 'sub', width: 320, height: 240 });
    expect(viewer.ends).toEqual([]);
    await viewer.stop();
  }, 45_000);
});
