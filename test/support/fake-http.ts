/**
 * A stand-in for the HTTP services notifiers talk to (Telegram's Bot API, WhatsApp gateways,
 * webhook receivers, push services): records every request byte for byte and answers from a
 * script, including not answering at all.
 */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { closeServer, listen, LOOPBACK, trackSockets } from './net.js';

export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body; signatures are checked over these bytes. */
  body: Buffer;
}

/** `hang` keeps the connection open and never answers. */
export type FakeReply =
  | { status: number; headers?: Record<string, string>; body?: string | object }
  | 'hang';

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets;
  private readonly script: FakeReply[] = [];
  private waiters: Array<() => void> = [];
  private port = 0;

  constructor(private fallback: FakeReply = { status: 200, body: { ok: true } }) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        for (const wake of this.waiters) wake();
        this.waiters = [];
        const reply = this.script.shift() ?? this.fallback;
        if (reply === 'hang') return;
        const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        const type = typeof reply.body === 'object' ? 'application/json' : 'text/plain';
        res.writeHead(reply.status, { 'content-type': type, ...reply.headers });
        res.end(body);
      });
    });
    this.sockets = trackSockets(this.server);
  }

  async start(): Promise<this> {
    this.port = await listen(this.server, 0);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server, this.sockets);
  }

  /** `http://127.0.0.1:<port>` */
  get origin(): string {
    return `http://${LOOPBACK}:${this.port}`;
  }

  /** Answers the next request(s) this way, in order; then the fallback again. */
  reply(...replies: FakeReply[]): this {
    this.script.push(...replies);
    return this;
  }

  /** Answers every unscripted request this way. */
  always(reply: FakeReply): this {
    this.fallback = reply;
    return this;
  }

  /** The only request received; fails the test if there were none or several. */
  single(): RecordedRequest {
    if (this.requests.length !== 1) throw new Error(`expected exactly one request, got ${this.requests.length}`);
    return this.requests[0] as RecordedRequest;
  }

  /** Resolves once `count` requests have arrived. */
  async waitFor(count: number, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.requests.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.requests.length} of ${count} requests arrived`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

/** Parses a received multipart/form-data body the way a server would. */
export function formDataOf(req: RecordedRequest): Promise<FormData> {
  const type = req.headers['content-type'] ?? '';
  return new Response(new Uint8Array(req.body), { headers: { 'content-type': type } }).formData();
}
