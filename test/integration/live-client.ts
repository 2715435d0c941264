/**
 * Live video test helpers: a socket client that records the live events it hears (acking each
 * fragment as the dashboard does), and the remuxing ffmpegs pulling a camera port, found in
 * /proc with the processes they descend from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { LiveEndEvent, LiveFragmentMeta, LiveInitMeta, LiveStartAnswer } from '../../src/realtime/contract.js';
import type { RecordingClient } from './realtime-client.js';

export class LiveClient {
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
  stop(): Promise<void> {
    return new Promise((resolve) => this.client.socket.emit('live:stop', () => resolve()));
  }
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name is in parentheses and may hold spaces: the fields after it are plain.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Remuxing ffmpegs (`-c:v copy`) reading a camera on `port`, each with the pids it descends from. */
export function remuxerTree(port: number): Array<{ pid: number; ancestors: number[] }> {
  return ffmpegTree(port, (args) => args.includes('copy'));
}

/** ffmpegs reading a camera on `port` whose arguments pass `test`, each with the pids it descends from. */
export function ffmpegTree(port: number, test: (args: string[]) => boolean): Array<{ pid: number; ancestors: number[] }> {
  const found: Array<{ pid: number; ancestors: number[] }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!(cmd[0]?.endsWith('ffmpeg') && cmd.some((a) => a.includes(`:${port}/`)) && test(cmd))) continue;
      const ancestors: number[] = [];
      for (let p = parentOf(Number(entry)); p && p > 1 && ancestors.length < 10; p = parentOf(p)) ancestors.push(p);
      found.push({ pid: Number(entry), ancestors });
    } catch {
      // gone
    }
  }
  return found;
}

export function remuxers(port: number): number {
  return remuxerTree(port).length;
}
