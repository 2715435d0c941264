/**
 * CPU profiles without extra tools: the V8 sampling profiler through node:inspector, started
 * and stopped around exactly the window being measured, and a summary of where the time went
 * (self time per function and per source file), so a hotspot is reported with numbers.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface Hotspot {
  name: string;
  where: string;
  /** Share of all samples, 0–100. */
  selfPct: number;
  selfMs: number;
}

export interface ProfileSummary {
  durationMs: number;
  functions: Hotspot[];
  files: { where: string; selfPct: number; selfMs: number }[];
}

export async function startProfile(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    return profile;
  };
}

/** Self time by function and by file; `idle` and `(program)` are kept, they say how busy the process was. */
export function summarise(profile: CpuProfile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) || 1;
  const fns = new Map<string, Hotspot>();
  const files = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = shortUrl(url) || '(native)';
    const key = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    const h = fns.get(key) ?? { name: functionName || '(anonymous)', where: `${file}:${lineNumber + 1}`, selfPct: 0, selfMs: 0 };
    h.selfMs += us / 1000;
    fns.set(key, h);
    files.set(file, (files.get(file) ?? 0) + us / 1000);
  }
  const pct = (ms: number) => Math.round((ms * 1000 * 1000) / total) / 10;
  return {
    durationMs: (profile.endTime - profile.startTime) / 1000,
    functions: [...fns.values()]
      .map((h) => ({ ...h, selfPct: pct(h.selfMs), selfMs: Math.round(h.selfMs) }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
    files: [...files.entries()]
      .map(([where, ms]) => ({ where, selfPct: pct(ms), selfMs: Math.round(ms) }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
  };
}

function shortUrl(url: string): string {
  const i = url.indexOf('/node_modules/');
  if (i >= 0) return url.slice(i + 1);
  const src = url.search(/\/(src|bench|test)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/**
 * Allocation sampling over a window, garbage included: what makes the heap (and so RSS) grow
 * when the live set is small. Resolves a stopper that returns MB allocated per function.
 */
/**
 * Samples allocations until the returned function is called. `promoted`: only what outlived the
 * young generation (objects a scavenge collected are left out), that is what fills the old space
 * and brings on full collections. A full collection also collects the young generation, so what
 * died young just before one counts too: hold full collections off for a cleaner reading
 * (`--node-flags="--max-old-space-size=2000 --initial-old-space-size=1000"`).
 */
export async function startAllocationSampling(promoted = false): Promise<() => Promise<{ totalMb: number; top: { name: string; where: string; mb: number }[] }>> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: !promoted } as never);
  return async () => {
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: HeapNode } };
    session.disconnect();
    const bytes = new Map<string, { name: string; where: string; mb: number }>();
    let total = 0;
    const walk = (n: HeapNode) => {
      if (n.selfSize) {
        const where = `${shortUrl(n.callFrame.url) || '(native)'}:${n.callFrame.lineNumber + 1}`;
        const key = `${n.callFrame.functionName} ${where}`;
        const e = bytes.get(key) ?? { name: n.callFrame.functionName || '(anonymous)', where, mb: 0 };
        e.mb += n.selfSize / 2 ** 20;
        bytes.set(key, e);
        total += n.selfSize;
      }
      n.children.forEach(walk);
    };
    walk(profile.head);
    const top = [...bytes.values()].sort((a, b) => b.mb - a.mb).slice(0, 20).map((e) => ({ ...e, mb: Math.round(e.mb * 10) / 10 }));
    return { totalMb: Math.round(total / 2 ** 20), top };
  };
}

export function saveProfile(file: string, profile: CpuProfile): void {
  writeFileSync(file, JSON.stringify(profile));
}

export function printSummary(s: ProfileSummary, top = 15): void {
  console.log(`    profile over ${(s.durationMs / 1000).toFixed(0)} s — self time by function:`);
  for (const h of s.functions.slice(0, top)) console.log(`      ${h.selfPct.toFixed(1).padStart(5)} %  ${String(h.selfMs).padStart(6)} ms  ${h.name}  ${h.where}`);
  console.log('    by file:');
  for (const f of s.files.slice(0, 10)) console.log(`      ${f.selfPct.toFixed(1).padStart(5)} %  ${String(f.selfMs).padStart(6)} ms  ${f.where}`);
}
