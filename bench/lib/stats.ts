/**
 * Numbers for the benchmark tables: percentiles of samples, the median of several runs with
 * the spread (lowest–highest), one printed row per figure, and a JSON copy of every figure in
 * test-artifacts/bench/ so BENCHMARKS.md can be written from what was measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/config/load.js';

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export interface Figure {
  label: string;
  unit: string;
  /** One value per run. */
  runs: number[];
  median: number;
  min: number;
  max: number;
}

export function figure(label: string, unit: string, runs: readonly number[]): Figure {
  const finite = runs.filter((r) => Number.isFinite(r));
  return { label, unit, runs: [...runs], median: median(finite), min: Math.min(...finite), max: Math.max(...finite) };
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  return abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : abs >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** `label   median X unit   spread a–b (n runs)`. */
export function printFigure(f: Figure): void {
  const spread = f.runs.length > 1 ? `spread ${fmt(f.min)}–${fmt(f.max)}` : 'one run';
  console.log(`  ${f.label.padEnd(50)} ${fmt(f.median).padStart(9)} ${f.unit.padEnd(8)} ${spread} (${f.runs.length} run${f.runs.length === 1 ? '' : 's'})`);
}

/** Load average and the like, printed with every figure: on a shared machine it explains the spread. */
export function machine(): { cores: number; cpu: string; node: string; load: number[]; memGb: number } {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    load: os.loadavg().map((l) => Math.round(l * 100) / 100),
    memGb: Math.round(os.totalmem() / 2 ** 30),
  };
}

export function printMachine(): void {
  const m = machine();
  console.log(`machine: ${m.cores} cores (${m.cpu}), ${m.memGb} GB, node ${m.node}, load average ${m.load.join(' ')}`);
}

/** Writes a benchmark's figures (and anything else worth keeping) as JSON; returns the file. */
export function saveResults(name: string, data: unknown): string {
  const dir = path.join(PACKAGE_ROOT, 'test-artifacts', 'bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine: machine(), ...(data as object) }, null, 2));
  return file;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
