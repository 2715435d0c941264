/**
 * One signed-in dashboard for the benchmarks, in the benchmark's own process (so its CPU is not
 * the measured Pantau's): signs in over REST like a browser, loads the camera list, opens the
 * socket the grid opens, takes every status, and watches a few thumbnails at the grid's cadence,
 * taking each frame in (ack) as a phone does.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/realtime/contract.js';

export interface Dashboard {
  /** Status events and frames received since it connected. */
  counts(): { statuses: number; frames: number; frameBytes: number };
  close(): void;
}

export async function openDashboard(baseUrl: string, login: { user: string; password: string }, watch: number): Promise<Dashboard> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: login.user, password: login.password }),
  });
  if (res.status !== 200) throw new Error(`signing in as ${login.user}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!cookie) throw new Error('the login answer carried no session cookie');
  const listed = await fetch(`${baseUrl}/api/cameras`, { headers: { cookie } });
  if (listed.status !== 200) throw new Error(`listing cameras: ${listed.status}`);
  const ids = ((await listed.json()) as { id: string }[]).map((c) => c.id);
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseUrl, { transports: ['websocket'], extraHeaders: { cookie } });
  let statuses = 0;
  let frames = 0;
  let frameBytes = 0;
  socket.on('statuses', (all) => (statuses += all.length));
  socket.on('status', () => statuses++);
  socket.on('frame', (meta, _jpeg, ack) => {
    frames++;
    frameBytes += meta.bytes;
    ack();
  });
  socket.on('connect', () => {
    if (watch > 0) socket.emit('watch', { cameraIds: ids.slice(0, watch), size: 'thumb' });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    counts: () => ({ statuses, frames, frameBytes }),
    close: () => void socket.close(),
  };
}
