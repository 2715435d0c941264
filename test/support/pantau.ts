/**
 * Starts a real Pantau server for a test: its own temp data dir, a free port, and a log
 * captured in memory so tests can search it. `client()` signs in like a browser (cookie jar).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { configSchema, type Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { startPantau, type RunningPantau } from '../../src/server.js';

export interface TestPantau extends RunningPantau {
  dataDir: string;
  logText(): string;
  /** Stops the server; the data dir is deleted unless `keepData` (to start again on it). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export const ADMIN_PASSWORD = 'admin-test-password';

export async function startTestPantau(overrides: Record<string, unknown> = {}, reuseDataDir?: string): Promise<TestPantau> {
  const dataDir = reuseDataDir ?? mkdtempSync(path.join(tmpdir(), 'pantau-test-'));
  const config: Config = configSchema.parse(
    merge(
      {
        server: { port: 0, host: '127.0.0.1' },
        dataDir,
        admin: { password: ADMIN_PASSWORD },
        log: { level: 'debug' },
        // Tests never send WS-Discovery to the multicast group: it would leave this machine.
        onvif: { discoveryAddress: '127.0.0.1:9' },
        // Stand-in receivers and camera simulators listen on loopback, which the outbound-address
        // policy refuses for what non-admins set; test/security/ssrf.test.ts runs without this.
        outbound: { allow: ['127.0.0.1/32'] },
      },
      overrides,
    ),
  );
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = createLogger(config.log.level, sink);
  const pantau = await startPantau(config, log);
  return {
    ...pantau,
    dataDir,
    logText: () => lines.join(''),
    async stop(options = {}) {
      await pantau.close();
      if (!options.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A fetch client with a cookie jar, like one browser tab. */
export class Client {
  private cookie: string | undefined;
  /** Every body this client received, for secret-leak checks. */
  readonly received: string[] = [];

  constructor(
    readonly baseUrl: string,
    private readonly bearer?: string,
  ) {}

  async request<T = any>(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.baseUrl + urlPath, { method, headers: h, body: payload, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const [pair] = setCookie.split(';');
      this.cookie = pair && !pair.endsWith('=') ? pair : undefined;
    }
    const text = await res.text();
    this.received.push(text);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  }

  get = <T = any>(p: string) => this.request<T>('GET', p);
  post = <T = any>(p: string, body?: unknown, headers?: Record<string, string>) => this.request<T>('POST', p, body, headers);
  patch = <T = any>(p: string, body?: unknown) => this.request<T>('PATCH', p, body);
  delete = <T = any>(p: string) => this.request<T>('DELETE', p);

  async login(username: string, password: string): Promise<this> {
    const res = await this.post('/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${res.text}`);
    return this;
  }
}

/** Creates users of each role through the API and returns signed-in clients for them. */
export async function signedInClients(pantau: { url: string }) {
  const admin = await new Client(pantau.url).login('admin', ADMIN_PASSWORD);
  const make = async (username: string, role: string, grants: unknown[] = []) => {
    const res = await admin.post('/api/users', { username, role, password: `${username}-password`, grants });
    if (res.status !== 201) throw new Error(`creating ${username}: ${res.status} ${res.text}`);
    return { id: res.body.id as string, client: await new Client(pantau.url).login(username, `${username}-password`) };
  };
  return { admin, make };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs` with the last seen state. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Overrides merged into defaults section by section. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}
