/**
 * Socket.io on the dashboard's HTTP server: statuses, outages, acknowledgements and camera frames pushed to the
 * people allowed to see them. A socket is signed in by its session cookie at connect; it joins
 * one status room per camera it may see, and one frame room per camera and size it watches —
 * only cameras whose picture its user may see (a grant of level `pictures` or `live`; a private
 * camera: owners, admins and `live` grants). Each camera watched is one viewing in the record,
 * from watch to unwatch or disconnect, with the bytes of the frames sent.
 * Visibility is checked at connect, at every watch, on every registry change, whenever the auth
 * service says a user's access changed (logout, password change, disabled, role or grants), and
 * again on a timer (sessions expire, the CLI resets passwords from another process), so a socket
 * never keeps a camera its user lost, nor outlives its session. Must not decide statuses or
 * fetch frames itself: the monitor and the snapshot service do.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { Logger } from '../log.js';
import type { AuthService, Principal } from '../services/auth.js';
import type { Monitor } from '../services/monitor.js';
import type { CameraRegistry, RegistryEvent } from '../services/registry.js';
import type { Reports } from '../services/reports.js';
import type { Snapshots } from '../services/snapshots.js';
import { watcherOf, type OpenViewing, type ViewingLog } from '../services/viewings.js';
import type { Store } from '../store/index.js';
import type { ClientToServerEvents, ServerToClientEvents } from './contract.js';
import { relayAcks, type AckSource } from './acks.js';
import { FramePipe } from './frames.js';
import { liveOnSocket, type LiveSettings } from './live.js';
import { authenticateHandshake, clientAddress } from './handshake.js';
import { StatusRelay, statusEventOf, statusRoom } from './status.js';
import { frameRoom, parseWatch, type ParsedWatch } from './watch.js';
import { allows } from '../domain/access-level.js';

const userRoom = (userId: string) => `user:${userId}`;

export interface RealtimeDeps {
  server: HttpServer;
  auth: AuthService;
  registry: CameraRegistry;
  monitor: Monitor;
  reports: Reports;
  store: Store;
  snapshots: Snapshots;
  viewings: ViewingLog;
  log: Logger;
  /** Acknowledged outages to push to the cameras' rooms (the alert service). */
  acks?: AckSource;
  /** Proxies in front of the server (server.trustProxy), so viewings record the viewer's address. @defaultValue 0 */
  trustProxy?: number;
  /** How often sessions and visibility are checked again. @defaultValue 60_000 */
  recheckMs?: number;
  /** How long a frame may wait for the client's ack. @defaultValue 15_000 */
  ackTimeoutMs?: number;
  /** Live video (the stream relay and who may watch); without it `live:start` is not answered. */
  live?: LiveSettings | undefined;
  /** Subscribes to privacy mask changes (a camera's id); returns the unsubscribe. */
  onMaskChange?: ((listener: (cameraId: string) => void) => () => void) | undefined;
}

interface SocketData {
  sessionId: string;
  principal: Principal;
  pipe: FramePipe;
  watch: ParsedWatch | null;
  /** The open viewing of each camera watched. */
  viewings: Map<string, OpenViewing>;
  live: { recheck(): void; close(): void } | undefined;
}

type PantauSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Realtime {
  io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
  close(): Promise<void>;
}

export function startRealtime(deps: RealtimeDeps): Realtime {
  const { auth, registry, snapshots, log } = deps;
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>(deps.server, {
    serveClient: false,
    // Clients send small JSON only; frames go the other way.
    maxHttpBufferSize: 64 * 1024,
    // A dead link is noticed by both ends within ten seconds (socket.io's defaults: 45), so the
    // dashboard's "not connected" banner follows the truth, not a minute behind it.
    pingInterval: 5000,
    pingTimeout: 5000,
  });
  const relay = new StatusRelay(io, deps.monitor, deps.store);
  relay.start();
  const offAcks = deps.acks ? relayAcks(io, deps.acks) : () => undefined;

  io.use((socket, next) => {
    const result = authenticateHandshake(socket.request, auth);
    if (!result.ok) return next(new Error(result.reason));
    socket.data.sessionId = result.sessionId;
    socket.data.principal = result.principal;
    socket.data.viewings = new Map();
    socket.data.pipe = new FramePipe(socket, {
      ackTimeoutMs: deps.ackTimeoutMs,
      onSent: (cameraId, bytes) => socket.data.viewings.get(cameraId)?.add(bytes),
    });
    socket.data.watch = null;
    socket.data.live = undefined;
    next();
  });

  const visibleIds = (principal: Principal) => new Set(registry.visibleCameras(principal).map((c) => c.id));
  const pictureIds = (principal: Principal) => registry.idsAllowing(principal, 'pictures');

  /** Leaves frame rooms and drops fetch demands (viewings are kept: see syncViewings). */
  const leaveFrames = (socket: PantauSocket) => {
    const w = socket.data.watch;
    if (!w) return;
    for (const id of w.cameraIds) {
      void socket.leave(frameRoom(id, w.size));
      snapshots.release(id, socket.id);
    }
  };

  /** One open viewing per camera watched: cameras no longer watched are closed, new ones opened. */
  const syncViewings = (socket: PantauSocket, cameraIds: readonly string[]) => {
    const open = socket.data.viewings;
    const next = new Set(cameraIds);
    // A grid's page of tiles is one write, not one per camera.
    deps.viewings.batch(() => {
      for (const [id, viewing] of open) {
        if (next.has(id)) continue;
        viewing.end();
        open.delete(id);
      }
      if (!next.size) return;
      const { principal } = socket.data;
      const address = clientAddress(socket.request.socket.remoteAddress, socket.handshake.headers['x-forwarded-for'], deps.trustProxy ?? 0);
      const who = watcherOf(principal.user.id, address, socket.handshake.headers['user-agent']);
      for (const id of next) if (!open.has(id)) open.set(id, deps.viewings.start(who, id, 'frames'));
    });
  };

  /** Stops everything this socket watches (frame rooms, fetch demands, queued frames, viewings). */
  const clearWatch = (socket: PantauSocket) => {
    leaveFrames(socket);
    socket.data.pipe.unwatch();
    socket.data.watch = null;
    syncViewings(socket, []);
  };

  const applyWatch = (socket: PantauSocket, w: ParsedWatch) => {
    leaveFrames(socket);
    socket.data.watch = w;
    for (const id of w.cameraIds) {
      void socket.join(frameRoom(id, w.size));
      snapshots.demand(id, socket.id, w.intervalMs, w.size);
    }
    socket.data.pipe.watch(w.cameraIds, w.size, w.intervalMs);
    syncViewings(socket, w.cameraIds);
    // The picture we already have goes out at once, with its age: better than a blank tile.
    for (const id of w.cameraIds) {
      const cached = snapshots.latest(id);
      if (cached) socket.data.pipe.push(cached);
    }
  };

  /** Brings one socket's rooms and watch set in line with what its user may see now. */
  const resync = (socket: PantauSocket, visible: Set<string>, pictures: Set<string>) => {
    for (const room of socket.rooms) {
      if (room.startsWith('cam:') && !visible.has(room.slice(4))) void socket.leave(room);
    }
    for (const id of visible) void socket.join(statusRoom(id));
    const w = socket.data.watch;
    if (w && w.cameraIds.some((id) => !pictures.has(id))) applyWatch(socket, { ...w, cameraIds: w.cameraIds.filter((id) => pictures.has(id)) });
  };

  /** Ends a socket whose session ended; otherwise refreshes its user and rooms. */
  const recheck = (socket: PantauSocket) => {
    const principal = auth.fromSession(socket.data.sessionId);
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    socket.data.principal = principal;
    resync(socket, visibleIds(principal), pictureIds(principal));
    socket.data.live?.recheck();
  };

  io.on('connection', (socket: PantauSocket) => {
    void socket.join(userRoom(socket.data.principal.user.id));
    const cameras = registry.visibleCameras(socket.data.principal);
    void socket.join(cameras.map((c) => statusRoom(c.id)));
    socket.emit('statuses', cameras.map((c) => statusEventOf(c.id, deps.reports.status(c))));

    socket.on('watch', (raw, ack) => {
      const parsed = parseWatch(raw);
      if (!parsed.ok) {
        if (typeof ack === 'function') ack({ ok: false, watching: [], denied: [], intervalMs: 0, error: parsed.error });
        return;
      }
      // Frames are pictures: a camera whose status only this user may see is denied like one it may not see at all.
      const pictures = pictureIds(socket.data.principal);
      const allowed = parsed.watch.cameraIds.filter((id) => pictures.has(id));
      const denied = parsed.watch.cameraIds.filter((id) => !pictures.has(id));
      applyWatch(socket, { ...parsed.watch, cameraIds: allowed });
      if (typeof ack === 'function') ack({ ok: true, watching: allowed, denied, intervalMs: parsed.watch.intervalMs });
    });

    socket.on('unwatch', (ack) => {
      clearWatch(socket);
      if (typeof ack === 'function') ack();
    });

    if (deps.live) socket.data.live = liveOnSocket(socket, deps.live);

    socket.on('disconnect', () => {
      clearWatch(socket);
      socket.data.live?.close();
    });
  });

  snapshots.on('frame', (frame) => {
    for (const size of ['thumb', 'full'] as const) {
      const members = io.sockets.adapter.rooms.get(frameRoom(frame.cameraId, size));
      if (!members) continue;
      for (const socketId of members) io.sockets.sockets.get(socketId)?.data.pipe?.push(frame);
    }
  });

  const offRegistry = registry.onChange((event: RegistryEvent) => {
    if (event.type === 'deleted') {
      relay.forget(event.id);
      for (const socket of io.sockets.sockets.values()) {
        const w = socket.data.watch;
        if (w?.cameraIds.includes(event.id)) applyWatch(socket, { ...w, cameraIds: w.cameraIds.filter((id) => id !== event.id) });
      }
      io.in(statusRoom(event.id)).socketsLeave(statusRoom(event.id));
      snapshots.forget(event.id);
      deps.live?.relay.forget(event.id);
      return;
    }
    const camera = event.camera;
    for (const socket of io.sockets.sockets.values()) {
      const level = registry.accessOf(socket.data.principal, camera.id);
      if (level === 'none') void socket.leave(statusRoom(camera.id));
      else void socket.join(statusRoom(camera.id));
      // A camera made private (or moved out of a grant) stops sending pictures at once.
      const w = socket.data.watch;
      if (!allows(level, 'pictures') && w?.cameraIds.includes(camera.id)) applyWatch(socket, { ...w, cameraIds: w.cameraIds.filter((id) => id !== camera.id) });
      socket.data.live?.recheck();
    }
    // A paused camera is not pulled for anyone.
    if (!camera.enabled) deps.live?.relay.forget(camera.id);
    // New or newly visible cameras appear on screens without a reload.
    relay.announce(statusEventOf(camera.id, deps.reports.status(camera)));
  });

  // A new privacy mask: a frame masked the old way (or not at all) waiting for a slow socket is
  // not sent, and live video of the camera ends (its live view goes on as masked frames).
  const offMasks = deps.onMaskChange?.((cameraId) => {
    for (const socket of io.sockets.sockets.values()) {
      socket.data.pipe?.discard(cameraId);
      socket.data.live?.recheck();
    }
  }) ?? (() => undefined);

  // Logout, a new password, a disabled account, a changed role or grants: that user's sockets now.
  const offAuth = auth.onAccessChange((userId) => {
    for (const socketId of [...(io.sockets.adapter.rooms.get(userRoom(userId)) ?? [])]) {
      const socket = io.sockets.sockets.get(socketId);
      if (socket) recheck(socket);
    }
  });

  // Sessions expire without events: check every socket again now and then.
  const timer = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) recheck(socket);
  }, deps.recheckMs ?? 60_000);
  timer.unref();

  log.debug('realtime (socket.io) is attached');
  return {
    io,
    async close() {
      clearInterval(timer);
      offAuth();
      offRegistry();
      offMasks();
      offAcks();
      relay.stop();
      snapshots.stop();
      deps.live?.relay.stop();
      io.disconnectSockets(true);
      // Not io.close(): it would close the HTTP server too, which the server's own close does.
      io.engine.close();
    },
  };
}
