/**
 * A crash between claiming an alert and sending it: Pantau is killed (SIGKILL) while its
 * webhook delivery hangs, then started again on the same data. The alert goes out once the
 * stale claim expires: delayed, not lost, not raised twice, with the same idempotency key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RtspResponderSimulator } from '../support/index.js';
import { FakeHttpServer } from '../support/fake-http.js';
import { ADMIN_PASSWORD, Client, waitFor } from '../support/pantau.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'pantau-crash-'));
const configFile = path.join(dataDir, 'config.yaml');
let child: ChildProcess | undefined;
const camera = new RtspResponderSimulator();
const hook = new FakeHttpServer();

async function startProcess(port: number): Promise<Client> {
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PANTAU_CONFIG: configFile, PANTAU_ADMIN_PASSWORD: ADMIN_PASSWORD, PANTAU_PORT: String(port), PANTAU_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const client = new Client(`http://127.0.0.1:${port}`);
  await waitFor('Pantau to answer', async () => ((await fetch(`${client.baseUrl}/healthz`)).ok ? true : undefined), 30_000);
  return client.login('admin', ADMIN_PASSWORD);
}

afterAll(async () => {
  child?.kill('SIGKILL');
  await camera.stop();
  await hook.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a crash between claim and send', () => {
  it('delays the alert, never loses it, never raises it twice', { timeout: 120_000 }, async () => {
    await camera.start();
    await hook.start();
    writeFileSync(
      configFile,
      [
        `dataDir: ${JSON.stringify(dataDir)}`,
        'server: { host: 127.0.0.1 }',
        // The camera answers DESCRIBE only (no picture to judge): no first-picture wait.
        'probes: { awaitPictureBeforeUp: false }',
        'alerts: { groupWindowSec: 0, delivery: { claimMs: 3000, baseDelayMs: 100, maxDelayMs: 200 } }',
      ].join('\n'),
    );
    // Below the kernel's ephemeral range (32768+), where other tests' sockets would take it: the
    // restart needs the same port free again.
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    let admin = await startProcess(port);
    const cam = await admin.post('/api/cameras', { name: 'Masjid', site: 'Masjid', agency: 'Diskominfo', rtspUrl: camera.url, checkIntervalSec: 5, imageCheckIntervalSec: 86_400, alertGraceSec: 0 });
    expect(cam.status).toBe(201);
    expect((await admin.post('/api/contacts', { channel: 'webhook', address: `${hook.origin}/hook` })).status).toBe(201);
    await waitFor('camera up', async () => ((await admin.get(`/api/cameras/${cam.body.id}/status`)).body.status === 'up' ? true : undefined), 30_000);

    hook.reply('hang'); // the first delivery never gets an answer…
    await camera.stop();
    await hook.waitFor(1, 30_000);
    child!.kill('SIGKILL'); // …and Pantau dies while it waits
    await new Promise((resolve) => child!.once('exit', resolve));

    admin = await startProcess(port);
    await hook.waitFor(2, 20_000);
    const [first, second] = hook.requests;
    expect(second!.headers['x-pantau-delivery']).toBe(first!.headers['x-pantau-delivery']);
    expect(JSON.parse(second!.body.toString())).toMatchObject({ event: 'camera.down', camera: { id: cam.body.id } });

    const alerts = await waitFor('delivery recorded as sent', async () => {
      const list = (await admin.get(`/api/alerts?cameraId=${cam.body.id}`)).body as { kind: string; deliveries: { status: string }[] }[];
      return list.length === 1 && list[0]!.deliveries[0]?.status === 'sent' ? list : undefined;
    }, 10_000);
    expect(alerts.map((a) => a.kind)).toEqual(['alert']);
    // Nothing more arrives: the alert was raised once and sent once.
    await new Promise((r) => setTimeout(r, 3000));
    expect(hook.requests).toHaveLength(2);
  });
});
