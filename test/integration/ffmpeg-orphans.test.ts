/**
 * No ffmpeg outlives Pantau's grab deadline, whatever happens to Pantau: a child process runs
 * the prober's image rounds against a camera that drips its answer a byte at a time and one that
 * floods undecodable video, is SIGKILLed mid-grab (nothing in it can clean up), and every ffmpeg
 * it started — found in /proc by the cameras' ports on their command lines — must be gone by
 * the deadline plus the watchdog's grace, having used no more CPU than its limit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KILL_GRACE_MS } from '../../src/protocols/image/index.js';
import { ffmpegUnavailableReason } from '../support/frames.js';
import { RtspFaultCamera } from '../support/index.js';
import { gstRtspUnavailableReason, RtspCameraSimulator } from '../support/rtsp-camera.js';

const DEADLINE_MS = 4000;
/** Slack for a loaded 2-core machine: scheduling, /proc polling. */
const SLACK_MS = 3000;
const CHILD = fileURLToPath(new URL('../support/prober-child.ts', import.meta.url));
const LIVE_CHILD = fileURLToPath(new URL('../support/live-child.ts', import.meta.url));
const CLOCK_TICKS = 100; // USER_HZ

interface Proc {
  pid: number;
  cmdline: string;
  cpuMs: number;
}

/** Live processes whose command line names `marker`. */
function processesNaming(marker: string): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (!cmdline.includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // exited, waiting to be reaped
      found.push({ pid: Number(entry), cmdline, cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS });
    } catch {
      // gone while reading
    }
  }
  return found;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const missing = ffmpegUnavailableReason();

describe.skipIf(missing !== '')(`ffmpeg never outlives Pantau${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('ends every ffmpeg of a SIGKILLed prober by the deadline plus the grace, CPU bounded', { timeout: 40_000 }, async () => {
    const drip = new RtspFaultCamera({ mode: 'drip' });
    const endless = new RtspFaultCamera({ mode: 'endless' });
    await Promise.all([drip.start(), endless.start()]);
    cleanups.push(() => drip.stop(), () => endless.stop());
    const markers = [drip, endless].map((c) => `127.0.0.1:${c.port}/`);

    const child: ChildProcess = fork(CHILD, [String(DEADLINE_MS), drip.url, endless.url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`prober child exited early (${code})`)));
    });
    const grabStarted = Date.now();

    // Mid-grab: both cameras are talking to an ffmpeg (the drip is dripping, the flood flowing).
    for (;;) {
      const running = markers.map((m) => processesNaming(m).filter((p) => /ffmpeg/.test(p.cmdline)).length);
      if (running.every((n) => n > 0) && drip.connections > 0 && endless.connections > 0) break;
      expect(Date.now() - grabStarted, 'ffmpeg did not start').toBeLessThan(DEADLINE_MS);
      await sleep(50);
    }
    await sleep(500);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The prober is gone and nothing of it can clean up: the grabs are orphans now.
    for (const m of markers) expect(processesNaming(m).length, `processes for ${m} right after the kill`).toBeGreaterThan(0);

    const limitMs = DEADLINE_MS + KILL_GRACE_MS + SLACK_MS;
    let maxCpuMs = 0;
    for (;;) {
      const left = markers.flatMap(processesNaming);
      for (const p of left) maxCpuMs = Math.max(maxCpuMs, p.cpuMs);
      if (left.length === 0) break;
      expect(Date.now() - grabStarted, `still running: ${left.map((p) => p.pid).join(', ')}`).toBeLessThan(limitMs);
      await sleep(100);
    }
    // -timelimit N (the deadline's seconds, rounded up, plus one) sets RLIMIT_CPU to soft N, hard
    // N + 1: SIGXCPU at N asks ffmpeg to stop, and the kernel kills it at N + 1 if it has not.
    expect(maxCpuMs).toBeLessThanOrEqual((Math.ceil(DEADLINE_MS / 1000) + 2) * 1000);
  });
});

describe.skipIf(missing !== '' || gstRtspUnavailableReason() !== '')('a live pull never outlives Pantau', () => {
  it('ends the remuxing ffmpeg of a SIGKILLed relay within seconds (its next write to the dead pipe)', { timeout: 40_000 }, async () => {
    const camera = new RtspCameraSimulator({ fps: 10 });
    await camera.start();
    cleanups.push(() => camera.stop());
    const marker = `127.0.0.1:${camera.port}/`;
    const child: ChildProcess = fork(LIVE_CHILD, [camera.url], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.once('message', (m: { type: string }) => (m.type === 'streaming' ? resolve() : reject(new Error(JSON.stringify(m)))));
      child.once('exit', (code) => reject(new Error(`live child exited early (${code})`)));
    });
    expect(processesNaming(marker).filter((p) => /ffmpeg/.test(p.cmdline)).length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const killedAt = Date.now();
    for (;;) {
      const left = processesNaming(marker);
      if (left.length === 0) break;
      // Video flows every 100 ms: ffmpeg's next write fails on the closed pipe. Slack for a loaded machine.
      expect(Date.now() - killedAt, `still running: ${left.map((p) => p.pid).join(', ')}`).toBeLessThan(SLACK_MS + 2000);
      await sleep(100);
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
