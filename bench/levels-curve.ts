/**
 * The levels curve (issue 16, "Done when"): time per gradient per row × chain of `y ~ x + (1 | g)` as the grouping
 * factor's levels grow (10, 10², 10³, 10⁴, 10⁵) on a fixed number of rows, for the native and reference backends
 * (and WebGPU: `--webgpu-rows`, by default as many as the others, 0 to leave it out; on fewer rows its 10⁵-level point
 * has fewer rows a level than the other backends', 1 at 10⁵ rows), each as a ratio to its own 10-level case in the same
 * run. Each call is timed in wall time and in this process's CPU time (every thread of the addon, Dawn and llvmpipe
 * included); the ratios are of CPU time, which other jobs on a shared machine distort far less than wall time. Rows
 * are assigned to levels uniformly at random, in random order; the backend as the sampler sees it (createBackend:
 * with the split/fold coordinate map the data rule asks for), its layout named beside each figure.
 *
 *   EGL_PLATFORM=surfaceless npx tsx bench/levels-curve.ts [--rows 1000000] [--chains 4] [--calls 7]
 *     [--backends native,reference] [--webgpu-rows ROWS] [--out bench/results]
 *
 * Prints one line per backend × levels, ready for bench/README.md, and the load average before and after; with --out
 * writes levels-curve-DATE.json and levels-curve.svg (bench/plot.ts curvePlot: CPU time per row × chain against
 * levels, one line per backend).
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import type { Backend, BackendKind } from '../src/backend/backend.js';
import { createBackend } from '../src/backend/select.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../src/data/frame-build.js';
import type { Frame } from '../src/data/frame.js';
import { buildModel } from '../src/model/build.js';
import type { ModelSpec } from '../src/model/spec.js';
import { sigmoid } from '../src/numeric/logistic.js';
import { stream } from '../src/rng.js';
import { flagValue } from './cli-args.js';

export const LEVELS_SWEEP = [10, 100, 1_000, 10_000, 100_000] as const;

/** `rows` rows of y ~ x + (1 | g) with `levels` levels (true sd 0.5), seeded. */
export function levelsFrame(rows: number, levels: number, seed = 1): Frame {
  const rng = stream(seed, 0);
  const effect = Float64Array.from({ length: levels }, () => 0.5 * rng.normal());
  const g = new Uint32Array(rows);
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    g[i] = rng.int(levels);
    x[i] = Math.round(rng.normal() * 1000) / 1000;
    y[i] = rng.bernoulli(sigmoid(-1 + 0.5 * x[i] + effect[g[i]]));
  }
  const names = Array.from({ length: levels }, (_, k) => `L${k}`);
  return frameFromColumns([categoricalColumn('g', g, names), numericColumn('x', x), numericColumn('y', y)], `levels ${levels}`);
}

export interface LevelsPoint {
  readonly backend: BackendKind;
  readonly levels: number;
  readonly rows: number;
  readonly chains: number;
  /** Median seconds per batched call over `calls` calls: wall time, and this process's CPU time (all threads). */
  readonly secondsPerCall: number;
  readonly cpuSecondsPerCall: number;
  readonly nsPerRowChain: number;
  readonly cpuNsPerRowChain: number;
  /** The native backend's description (layout included), or the reference backend's. */
  readonly description: string;
}

/** Median wall and CPU seconds of `calls` calls after one warm-up call. */
async function timeCalls(backend: Backend, chains: number, calls: number, seed: number): Promise<{ wall: number; cpu: number }> {
  const rng = stream(seed, 2);
  const dim = backend.dim;
  const positions = Float64Array.from({ length: chains * dim }, () => 0.3 * rng.normal());
  const logp = new Float64Array(chains);
  const grad = new Float64Array(chains * dim);
  await backend.logDensityGradient(positions, chains, logp, grad); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < calls; k++) {
    const used = process.cpuUsage();
    const start = process.hrtime.bigint();
    await backend.logDensityGradient(positions, chains, logp, grad);
    wall.push(Number(process.hrtime.bigint() - start) / 1e9);
    const d = process.cpuUsage(used);
    cpu.push((d.user + d.system) / 1e6);
  }
  const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
  return { wall: median(wall), cpu: median(cpu) };
}

export async function levelsCurve(
  backends: readonly BackendKind[],
  rows: number,
  chains: number,
  calls: number,
  levelsSweep: readonly number[] = LEVELS_SWEEP,
  rowsOf: (kind: BackendKind) => number = () => rows,
): Promise<LevelsPoint[]> {
  const points: LevelsPoint[] = [];
  for (const levels of levelsSweep) {
    const specs = new Map<number, ModelSpec>();
    for (const kind of backends) {
      const n = rowsOf(kind);
      if (n <= 0) continue;
      const spec = specs.get(n) ?? buildModel(levelsFrame(n, levels), 'y ~ x + (1 | g)').spec;
      specs.set(n, spec);
      const backend = await createBackend(kind, spec, { maxChains: chains });
      try {
        if (backend.kind !== kind) throw new Error(`${kind} fell back to ${backend.kind}`);
        const t = await timeCalls(backend, chains, kind === 'native' ? calls : Math.max(3, Math.ceil(calls / 2)), levels);
        points.push({
          backend: kind,
          levels,
          rows: n,
          chains,
          secondsPerCall: t.wall,
          cpuSecondsPerCall: t.cpu,
          nsPerRowChain: (t.wall * 1e9) / (n * chains),
          cpuNsPerRowChain: (t.cpu * 1e9) / (n * chains),
          description: backend.description,
        });
      } finally {
        await backend.dispose();
      }
    }
  }
  return points;
}

/** The point's CPU time per row × chain as a ratio to its backend's 10-level case (NaN without one). */
export function levelsRatio(points: readonly LevelsPoint[], p: LevelsPoint): number {
  const base = points.find((q) => q.backend === p.backend && q.rows === p.rows && q.levels === LEVELS_SWEEP[0]);
  return base ? p.cpuNsPerRowChain / base.cpuNsPerRowChain : NaN;
}

/** One line per point: rows, ns per row × chain (CPU and wall) and the CPU ratio to the backend's 10-level case. */
export function levelsLines(points: readonly LevelsPoint[]): string[] {
  return points.map((p) => {
    const ratio = levelsRatio(points, p);
    return `| ${p.backend} | ${p.rows.toLocaleString('en-US')} | ${p.levels.toLocaleString('en-US')} | ${p.cpuNsPerRowChain.toFixed(2)} | ${p.nsPerRowChain.toFixed(2)} | ${Number.isNaN(ratio) ? 'n/a' : ratio.toFixed(2)}× | ${p.description} |`;
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => flagValue(args, name, fallback);
  const rows = Number(flag('--rows', '1000000'));
  const chains = Number(flag('--chains', '4'));
  const calls = Number(flag('--calls', '7'));
  const webgpuRows = Number(flag('--webgpu-rows', String(rows)));
  const out = flag('--out', '');
  const backends = flag('--backends', 'native,reference').split(',') as BackendKind[];
  if (webgpuRows > 0 && !backends.includes('webgpu')) backends.push('webgpu');
  const before = loadavg();
  const points = await levelsCurve(backends, rows, chains, calls, LEVELS_SWEEP, (kind) => (kind === 'webgpu' ? webgpuRows : rows));
  const after = loadavg();
  const load = (l: number[]): string => l.map((v) => v.toFixed(1)).join(', ');
  console.log(
    `levels curve: y ~ x + (1 | g), ${chains} chains a call, median of ${calls} calls (reference and webgpu: ${Math.max(3, Math.ceil(calls / 2))}); load average ${load(before)} → ${load(after)}`,
  );
  console.log('| backend | rows | levels | CPU ns per row × chain | wall ns | CPU vs 10 levels | backend (layout) |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const line of levelsLines(points)) console.log(line);
  if (out !== '') {
    const date = new Date().toISOString();
    writeFileSync(path.join(out, `levels-curve-${date.slice(0, 10)}.json`), JSON.stringify({ date, loadAverage: { before, after }, points }, null, 1) + '\n');
    const { writeCurvePlot } = await import('./plot.js');
    const file = await writeCurvePlot(
      {
        title: `y ~ x + (1 | g): CPU time per gradient per row×chain (${chains} chains a call)`,
        xTitle: 'levels of g',
        yTitle: 'CPU ns per row×chain',
        points: points.map((p) => ({ series: `${p.backend}, ${p.rows.toLocaleString('en-US')} rows`, x: p.levels, y: p.cpuNsPerRowChain })),
      },
      out,
      'levels-curve',
    );
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
