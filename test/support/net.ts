/**
 * Small socket helpers shared by the camera simulators: listen on loopback, wait for a port,
 * split a socket's bytes into requests, and close a server together with every socket it accepted.
 */
import net from 'node:net';
import type { Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Listens on loopback; port 0 picks a free one. Resolves with the bound port. */
export function listen(server: Server, port: number, host = LOOPBACK): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

/** Remembers a server's open sockets so closing it does not wait on idle keep-alive clients. */
export function trackSockets(server: Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  return sockets;
}

/**
 * Splits what arrives on a socket into requests — a head up to the blank line, then a body of
 * its Content-Length — for the HTTP- and RTSP-shaped simulators: pipelined or split across
 * packets, and bounded (more than `maxBytes` unanswered and the client is cut off).
 * `onRequest` returns false to leave the rest of what arrived unread (a hung or closing camera).
 */
export function onRequests(socket: net.Socket, maxBytes: number, onRequest: (head: string, body: Buffer) => boolean): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (buf.length > maxBytes) {
      socket.destroy();
      return;
    }
    for (;;) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      const body = buf.subarray(end + 4, end + 4 + length);
      buf = buf.subarray(end + 4 + length);
      if (!onRequest(head, body)) return;
    }
  });
}

export function closeServer(server: Server, sockets: Set<net.Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  sockets.clear();
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Resolves once a TCP connect to host:port succeeds; rejects after timeoutMs. */
export async function waitForPort(port: number, timeoutMs: number, host = LOOPBACK): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${host}:${port} did not open within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
