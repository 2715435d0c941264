/**
 * Summarises a V8 .heapsnapshot (the JSON that v8.writeHeapSnapshot writes, e.g. from
 * `npm run bench -- --only probe-capacity --heap-snapshot`) without DevTools: self size by
 * constructor, retained size (dominator tree) of the biggest objects and of each constructor's
 * outermost instances, and for the constructors with the most instances, who holds them (the
 * dominator's constructor and the edge name).
 *
 *   node --max-old-space-size=4096 --import tsx bench/lib/heap-summary.ts FILE [--top 40] [--per N]
 *
 * `--per N` also prints every figure divided by N (e.g. the number of cameras).
 */
import { readFileSync } from 'node:fs';
import { Args } from './args.js';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] }; node_count: number };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface Heap {
  count: number;
  /** Display name of each node: constructor for objects, `(string)`, `(closure) fn`, `(array)`, ... */
  label: string[];
  selfSize: Float64Array;
  retained: Float64Array;
  /** Immediate dominator of each node (the root dominates itself). */
  dominator: Int32Array;
  /** Name of the edge from the dominator's side that first reached this node, when known. */
  edgeName: string[];
  /** Every strong retainer of each node: `retainers(i)` gives [retainer, edge name] pairs. */
  retainers: (i: number) => [number, string][];
}

/** Reads and analyses a snapshot file. */
export function readHeap(file: string): Heap {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const nType = meta.node_fields.indexOf('type');
  const nName = meta.node_fields.indexOf('name');
  const nSelf = meta.node_fields.indexOf('self_size');
  const nEdges = meta.node_fields.indexOf('edge_count');
  const eType = meta.edge_fields.indexOf('type');
  const eName = meta.edge_fields.indexOf('name_or_index');
  const eTo = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const shortcut = edgeTypes.indexOf('shortcut');
  const elementT = edgeTypes.indexOf('element');
  const hiddenT = edgeTypes.indexOf('hidden');
  const { nodes, edges, strings } = snap;
  const count = nodes.length / nf;

  const label: string[] = new Array<string>(count);
  const selfSize = new Float64Array(count);
  const firstEdge = new Int32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    const type = nodeTypes[nodes[i * nf + nType]!]!;
    const name = strings[nodes[i * nf + nName]!]!;
    selfSize[i] = nodes[i * nf + nSelf]!;
    label[i] = type === 'object' || type === 'native' ? name : type === 'closure' ? `(closure) ${name}` : type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '(string)' : `(${type}${type === 'hidden' || type === 'synthetic' || type === 'code' ? ` ${name.slice(0, 40)}` : ''})`;
    firstEdge[i] = e;
    e += nodes[i * nf + nEdges]! * ef;
    firstEdge[i + 1] = e;
  }
  const edgeLabel = (e: number): string => {
    const t = edges[e + eType]!;
    const n = edges[e + eName]!;
    return t === elementT || t === hiddenT ? `[${n}]` : String(strings[n] ?? n);
  };

  // Post-order from the root (node 0) over strong edges, iteratively.
  const post = new Int32Array(count);
  const order = new Int32Array(count).fill(-1);
  const visited = new Uint8Array(count);
  const edgeName: string[] = new Array<string>(count).fill('');
  const stack = new Int32Array(count);
  const cursor = new Int32Array(count);
  let sp = 0, n = 0;
  stack[sp++] = 0;
  visited[0] = 1;
  cursor[0] = firstEdge[0]!;
  while (sp > 0) {
    const v = stack[sp - 1]!;
    let pushed = false;
    while (cursor[v]! < firstEdge[v + 1]!) {
      const e = cursor[v]!;
      cursor[v] = e + ef;
      const t = edges[e + eType]!;
      if (t === weak || t === shortcut) continue;
      const w = edges[e + eTo]! / nf;
      if (visited[w]) continue;
      visited[w] = 1;
      edgeName[w] = edgeLabel(e);
      cursor[w] = firstEdge[w]!;
      stack[sp++] = w;
      pushed = true;
      break;
    }
    if (!pushed) {
      sp--;
      order[v] = n;
      post[n++] = v;
    }
  }
  // Predecessors over strong edges among reachable nodes.
  const predCount = new Int32Array(count + 1);
  for (let v = 0; v < count; v++) {
    if (!visited[v]) continue;
    for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += ef) {
      const t = edges[e + eType]!;
      if (t === weak || t === shortcut) continue;
      predCount[edges[e + eTo]! / nf + 1]!++;
    }
  }
  for (let i = 1; i <= count; i++) predCount[i]! += predCount[i - 1]!;
  const preds = new Int32Array(predCount[count]!);
  const predEdge = new Int32Array(predCount[count]!);
  const fill = predCount.slice(0, count);
  for (let v = 0; v < count; v++) {
    if (!visited[v]) continue;
    for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += ef) {
      const t = edges[e + eType]!;
      if (t === weak || t === shortcut) continue;
      const w = edges[e + eTo]! / nf;
      predEdge[fill[w]!] = e;
      preds[fill[w]!++] = v;
    }
  }
  // Cooper, Harvey, Kennedy: iterate in reverse post-order until stable, on post-order numbers.
  const idom = new Int32Array(n).fill(-1);
  const rootPo = n - 1;
  idom[rootPo] = rootPo;
  for (let changed = true; changed; ) {
    changed = false;
    for (let po = rootPo - 1; po >= 0; po--) {
      const v = post[po]!;
      let best = -1;
      for (let p = predCount[v]!; p < predCount[v + 1]!; p++) {
        let a = order[preds[p]!]!;
        if (a < 0 || idom[a] === -1) continue;
        if (best === -1) { best = a; continue; }
        let b = best;
        while (a !== b) {
          while (a < b) a = idom[a]!;
          while (b < a) b = idom[b]!;
        }
        best = a;
      }
      if (best !== -1 && idom[po] !== best) { idom[po] = best; changed = true; }
    }
  }
  const dominator = new Int32Array(count).fill(-1);
  const retained = new Float64Array(count);
  for (let po = 0; po < n; po++) retained[post[po]!] = selfSize[post[po]!]!;
  for (let po = 0; po < rootPo; po++) {
    const v = post[po]!;
    const d = post[idom[po]!]!;
    dominator[v] = d;
  }
  dominator[0] = 0;
  // Post-order numbers of dominators are higher than their children's: accumulate upwards.
  for (let po = 0; po < rootPo; po++) {
    const v = post[po]!;
    if (idom[po] === -1) continue;
    retained[post[idom[po]!]!]! += retained[v]!;
  }
  const retainers = (i: number): [number, string][] => {
    const out: [number, string][] = [];
    for (let p = predCount[i]!; p < predCount[i + 1]!; p++) out.push([preds[p]!, edgeLabel(predEdge[p]!)]);
    return out;
  };
  return { count, label, selfSize, retained, dominator, edgeName, retainers };
}

/** An edge name with element indexes folded together, for grouping. */
const edge = (name: string): string => (/^\[\d+\]$/.test(name) ? '[]' : name.slice(0, 30));

function main(): void {
  const args = new Args();
  const file = process.argv.slice(2).find((a) => !a.startsWith('--') && /heapsnapshot$/.test(a));
  if (!file) throw new Error('usage: bench/lib/heap-summary.ts FILE.heapsnapshot [--top 40] [--per N]');
  const top = args.number('top', 40, { min: 1, integer: true });
  const per = args.number('per', 0, { min: 0 });
  const h = readHeap(file);
  const kb = (b: number) => (b / 1024).toFixed(0).padStart(8) + ' KB' + (per ? `  ${(b / per).toFixed(1).padStart(7)} B each of ${per}` : '');
  let total = 0;
  const byLabel = new Map<string, { count: number; self: number; outer: number }>();
  for (let i = 0; i < h.count; i++) {
    if (h.dominator[i] === -1) continue;
    total += h.selfSize[i]!;
    const l = h.label[i]!;
    const s = byLabel.get(l) ?? { count: 0, self: 0, outer: 0 };
    s.count++;
    s.self += h.selfSize[i]!;
    // Retained by the outermost instances only (an instance not dominated by another of its kind).
    let d = h.dominator[i]!, nested = false;
    while (d !== 0) { if (h.label[d] === l) { nested = true; break; } d = h.dominator[d]!; }
    if (!nested) s.outer += h.retained[i]!;
    byLabel.set(l, s);
  }
  console.log(`reachable: ${kb(total)} in ${h.count} nodes`);
  console.log(`\nby self size (count, self, retained by outermost instances):`);
  for (const [l, s] of [...byLabel].sort((a, b) => b[1].self - a[1].self).slice(0, top)) console.log(`  ${String(s.count).padStart(8)} ${kb(s.self)} ${kb(s.outer)}  ${l.slice(0, 80)}`);
  console.log(`\nby retained size of outermost instances:`);
  for (const [l, s] of [...byLabel].sort((a, b) => b[1].outer - a[1].outer).slice(0, top)) console.log(`  ${String(s.count).padStart(8)} ${kb(s.self)} ${kb(s.outer)}  ${l.slice(0, 80)}`);
  console.log(`\nbiggest single objects by retained size (dominator chain up to 4):`);
  const idx = Array.from({ length: h.count }, (_, i) => i).filter((i) => h.dominator[i] !== -1);
  idx.sort((a, b) => h.retained[b]! - h.retained[a]!);
  for (const i of idx.slice(0, top)) {
    const chain: string[] = [];
    for (let d = i, k = 0; d !== 0 && k < 4; d = h.dominator[d]!, k++) chain.push(`${h.label[d]!.slice(0, 40)}${h.edgeName[d] ? `.${h.edgeName[d]!.slice(0, 30)}` : ''}`);
    console.log(`  ${kb(h.retained[i]!)}  ${chain.join(' <- ')}`);
  }
  // Who holds the commonest kinds: each instance counted under every strong retainer (kind and edge).
  console.log(`\nretainers of the commonest kinds (by self size; an instance counts once under each of its retainers' kind.edge):`);
  for (const [l] of [...byLabel].sort((a, b) => b[1].self - a[1].self).slice(0, Math.min(top, 25))) {
    const holders = new Map<string, { count: number; self: number }>();
    for (let i = 0; i < h.count; i++) {
      if (h.label[i] !== l || h.dominator[i] === -1) continue;
      for (const [r, name] of h.retainers(i)) {
        const key = `${h.label[r]!.slice(0, 50)}.${edge(name)}`;
        const s = holders.get(key) ?? { count: 0, self: 0 };
        s.count++;
        s.self += h.selfSize[i]!;
        holders.set(key, s);
      }
    }
    console.log(`  ${l.slice(0, 60)}:`);
    for (const [k, s] of [...holders].sort((a, b) => b[1].self - a[1].self).slice(0, 10)) console.log(`      ${String(s.count).padStart(8)} ${kb(s.self)}  held by ${k}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) main();
