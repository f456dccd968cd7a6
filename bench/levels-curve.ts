/**
 * The levels curve (issue 16, "Done when"): time per gradient per row × chain of `y ~ x + (1 | g)` as the grouping
 * factor's levels grow (10, 10², 10³, 10⁴, 10⁵) on a fixed number of rows, for the native and reference backends,
 * each as a ratio to its own 10-level case in the same run (the machine is shared: ratios, not absolute times, are
 * what this shows). Rows are assigned to levels uniformly at random, in random order; the native backend's layout
 * (rows grouped by cell, or gathers and scatters per row: native/src/engine.cpp) is named beside each figure.
 *
 *   npx tsx bench/levels-curve.ts [--rows 1000000] [--chains 4] [--calls 7] [--backends native,reference]
 *
 * Prints one line per backend × levels, ready for bench/README.md, and the load average before and after.
 */
import { loadavg } from 'node:os';
import type { Backend, BackendKind } from '../src/backend/backend.js';
import { createBackend } from '../src/backend/select.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../src/data/frame-build.js';
import type { Frame } from '../src/data/frame.js';
import { buildModel } from '../src/model/build.js';
import { sigmoid } from '../src/numeric/logistic.js';
import { stream } from '../src/rng.js';

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
  /** Median seconds per batched call over `calls` calls. */
  readonly secondsPerCall: number;
  readonly nsPerRowChain: number;
  /** The native backend's description (layout included), or the reference backend's. */
  readonly description: string;
}

async function timeCalls(backend: Backend, chains: number, calls: number, seed: number): Promise<number> {
  const rng = stream(seed, 2);
  const dim = backend.dim;
  const positions = Float64Array.from({ length: chains * dim }, () => 0.3 * rng.normal());
  const logp = new Float64Array(chains);
  const grad = new Float64Array(chains * dim);
  await backend.logDensityGradient(positions, chains, logp, grad); // warm-up
  const times: number[] = [];
  for (let k = 0; k < calls; k++) {
    const start = process.hrtime.bigint();
    await backend.logDensityGradient(positions, chains, logp, grad);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function levelsCurve(
  backends: readonly BackendKind[],
  rows: number,
  chains: number,
  calls: number,
  levelsSweep: readonly number[] = LEVELS_SWEEP,
): Promise<LevelsPoint[]> {
  const points: LevelsPoint[] = [];
  for (const levels of levelsSweep) {
    const { spec } = buildModel(levelsFrame(rows, levels), 'y ~ x + (1 | g)');
    for (const kind of backends) {
      const backend = await createBackend(kind, spec, { maxChains: chains });
      try {
        const seconds = await timeCalls(backend, chains, kind === 'reference' ? Math.max(3, Math.ceil(calls / 2)) : calls, levels);
        points.push({ backend: kind, levels, rows, chains, secondsPerCall: seconds, nsPerRowChain: (seconds * 1e9) / (rows * chains), description: backend.description });
      } finally {
        await backend.dispose();
      }
    }
  }
  return points;
}

/** One line per point: ns per row × chain and the ratio to the backend's 10-level case. */
export function levelsLines(points: readonly LevelsPoint[]): string[] {
  return points.map((p) => {
    const base = points.find((q) => q.backend === p.backend && q.levels === LEVELS_SWEEP[0]);
    const ratio = base ? (p.nsPerRowChain / base.nsPerRowChain).toFixed(2) : 'n/a';
    return `| ${p.backend} | ${p.levels.toLocaleString('en-US')} | ${p.nsPerRowChain.toFixed(2)} | ${ratio}× | ${p.description} |`;
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  const rows = Number(flag('--rows', '1000000'));
  const chains = Number(flag('--chains', '4'));
  const calls = Number(flag('--calls', '7'));
  const backends = flag('--backends', 'native,reference').split(',') as BackendKind[];
  const before = loadavg()[0];
  const points = await levelsCurve(backends, rows, chains, calls);
  const after = loadavg()[0];
  console.log(`levels curve: y ~ x + (1 | g), ${rows.toLocaleString('en-US')} rows × ${chains} chains, median of ${calls} calls (reference: ${Math.max(3, Math.ceil(calls / 2))}); load average ${before.toFixed(1)} → ${after.toFixed(1)}`);
  console.log('| backend | levels | ns per row × chain | vs 10 levels | backend (layout) |');
  console.log('|---|---:|---:|---:|---|');
  for (const line of levelsLines(points)) console.log(line);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
