/**
 * Benchmark processes: fork a TypeScript module (through tsx) with an IPC channel, wait for
 * the message it answers with, and make sure it is gone afterwards. Pantau and the fleet run
 * in processes of their own so that CPU and memory figures are Pantau's alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PACKAGE_ROOT } from '../../src/config/load.js';

export interface Forked {
  child: ChildProcess;
  /** The next message whose `type` is one of `types`, or a rejection when the child exits first or the time runs out. */
  next<T>(types: string | string[], timeoutMs: number): Promise<T>;
  send(message: unknown): void;
  /** Asks it to stop, then kills it if it lingers. */
  stop(graceMs?: number): Promise<void>;
}

/** Forks `module` (a .ts file run through tsx, or with `tsx: false` a compiled .js file). */
export function forkTs(module: string, args: string[] = [], options: { execArgv?: string[]; quiet?: boolean; tsx?: boolean; env?: Record<string, string> } = {}): Forked {
  const file = path.isAbsolute(module) ? module : path.join(PACKAGE_ROOT, module);
  const child = fork(file, args, {
    execArgv: [...(options.tsx === false ? [] : ['--import', 'tsx']), ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: options.quiet ? ['ignore', 'ignore', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: PACKAGE_ROOT,
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const inbox: { type?: string }[] = [];
  const waiters: { types: string[]; resolve: (m: unknown) => void }[] = [];
  child.on('message', (m: { type?: string }) => {
    const i = waiters.findIndex((w) => w.types.includes(m.type ?? ''));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    next<T>(wanted: string | string[], timeoutMs: number): Promise<T> {
      const types = Array.isArray(wanted) ? wanted : [wanted];
      const queued = inbox.findIndex((m) => types.includes(m.type ?? ''));
      if (queued >= 0) return Promise.resolve(inbox.splice(queued, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${path.basename(file)}: no ${types.join('/')} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ types, resolve: (m: unknown) => (clearTimeout(timer), resolve(m as T)) });
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`${path.basename(file)} exited (code ${child.exitCode}) before sending ${types.join('/')}: ${stderr.trim().slice(-1500)}`));
        });
      });
    },
    send(message) {
      if (child.connected) child.send(message as object);
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** True when `moduleUrl` is the script node was started with (so the module runs itself). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(path.resolve(process.argv[1])).href === moduleUrl;
}

export const benchFile = (name: string): string => fileURLToPath(new URL(`../${name}`, import.meta.url));
