/**
 * The HTTP half of a fleet camera: a snapshot JPEG at GET /snapshot.jpg and ONVIF
 * GetSystemDateAndTime at POST /onvif/device_service, served on the same port as its RTSP
 * (the fleet sniffs the first bytes), so one listening socket stands for one camera. A tiny
 * HTTP/1.1 reader rather than node:http: a socket whose first bytes were already read cannot
 * be handed to node:http safely, and a camera needs no more than this.
 */
import type net from 'node:net';
import { onRequests } from '../../test/support/net.js';
import { clockVars, fixture, render } from '../../test/support/onvif-soap.js';

const MAX_REQUEST_BYTES = 64 * 1024;

export interface HttpRequest {
  method: string;
  path: string;
  head: string;
  body: Buffer;
}

export interface HttpReply {
  status: number;
  type: string;
  body: Buffer | string;
}

/**
 * Reads requests (keep-alive, pipelined) and writes each reply `handle` gives; `null` means
 * never answer. `delayMs` holds every reply back (a slow camera).
 */
export function readHttpRequests(socket: net.Socket, handle: (req: HttpRequest) => HttpReply | null, delayMs: () => number): void {
  onRequests(socket, MAX_REQUEST_BYTES, (head, body) => {
    const [method = '', target = '/'] = (head.split('\r\n')[0] ?? '').split(' ');
    const reply = handle({ method, path: target.split('?')[0] ?? '/', head, body });
    if (reply === null) return false;
    const close = /\r\nconnection:\s*close/i.test(head);
    const send = () => {
      if (socket.destroyed) return;
      socket.write(encode(reply, close));
      if (close) socket.end();
    };
    const delay = delayMs();
    if (delay > 0) setTimeout(send, delay).unref();
    else send();
    return true;
  });
}

function encode(reply: HttpReply, close: boolean): Buffer {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  const head = [
    `HTTP/1.1 ${reply.status} ${reply.status === 200 ? 'OK' : reply.status === 404 ? 'Not Found' : 'Error'}`,
    `Content-Type: ${reply.type}`,
    `Content-Length: ${body.length}`,
    'Cache-Control: no-cache',
    `Connection: ${close ? 'close' : 'keep-alive'}`,
    '',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** The ONVIF device service of a Hikvision-like camera: only the clock, which is all a liveness round asks without credentials. */
export function onvifReply(req: HttpRequest): HttpReply {
  const xml = req.body.toString('utf8');
  if (!/GetSystemDateAndTime/.test(xml)) {
    const fault = { faultCode: 'Sender', faultSubcode: 'ter:ActionNotSupported', faultReason: 'Not supported by this simulator', faultDetail: '' };
    return { status: 400, type: 'application/soap+xml; charset=utf-8', body: render(fixture('hikvision', 'Fault'), fault) };
  }
  const body = render(fixture('hikvision', 'GetSystemDateAndTime'), clockVars(new Date(), 8));
  return { status: 200, type: 'application/soap+xml; charset=utf-8', body };
}
