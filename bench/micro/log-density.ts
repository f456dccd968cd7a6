/**
 * Micro benchmark: throughput of one batched log density + gradient call (row × chain evaluations per second) for
 * each backend that loads, on simulated Hillstrom pooled and hierarchical specs, in two sweeps:
 *   rows   1k → 1M at 4 chains
 *   chains 1 → 4096 at 10k rows
 * Timed with tinybench; each figure is set against the machine's physical limit (bench/machine.ts).
 */
import { Bench } from 'tinybench';
import {
  bandwidthFor,
  physicalLimit,
  rowCost,
  type MachineDescription,
  type PhysicalLimit,
  type Precision,
} from '../machine.js';
import { loadBackends, type BackendEntry, type BackendSkip, type MicroKind } from './backends.js';
import { hillstromSpec, positionsNearPosterior, specShape, type MicroModel } from './hillstrom-like.js';

export type Sweep = 'rows' | 'chains';

export interface MicroPlan {
  readonly models: readonly MicroModel[];
  /** Rows of the rows sweep (at `rowsSweepChains` chains). */
  readonly rowsSweep: readonly number[];
  readonly rowsSweepChains: number;
  /** Chains of the chains sweep (at `chainsSweepRows` rows). */
  readonly chainsSweep: readonly number[];
  readonly chainsSweepRows: number;
  /** tinybench: minimum iterations and time budget per cell (ms). */
  readonly iterations: number;
  readonly timeMs: number;
  readonly warmup: boolean;
  /** A cell whose warm-up call takes longer than this (seconds) is timed over `slowIterations` calls instead. */
  readonly slowCallSeconds?: number;
  readonly slowIterations?: number;
}

export const FULL_PLAN: MicroPlan = {
  models: ['pooled', 'hierarchical'],
  rowsSweep: [1_000, 10_000, 100_000, 1_000_000],
  rowsSweepChains: 4,
  chainsSweep: [1, 4, 16, 64, 256, 1024, 4096],
  chainsSweepRows: 10_000,
  iterations: 5,
  timeMs: 500,
  warmup: true,
  // e.g. 4096 chains × 10k rows on the reference backend or gpu.js: seconds per call, a few percent noise at most
  slowCallSeconds: 2,
  slowIterations: 2,
};

export const QUICK_PLAN: MicroPlan = {
  models: ['pooled', 'hierarchical'],
  rowsSweep: [1_000],
  rowsSweepChains: 4,
  chainsSweep: [1, 4],
  chainsSweepRows: 1_000,
  iterations: 1,
  timeMs: 0,
  warmup: false,
};

export interface MicroResult {
  /** The sweeps this cell belongs to (a cell shared by both sweeps is measured once). */
  readonly sweeps: readonly Sweep[];
  readonly backend: string;
  readonly description: string;
  readonly model: MicroModel;
  readonly rows: number;
  readonly chains: number;
  readonly precision: Precision;
  readonly iterations: number;
  /** Mean seconds per batched call (all chains). */
  readonly secondsPerCall: number;
  /** Relative margin of error of the mean, percent (tinybench). */
  readonly rmePercent: number;
  readonly evalsPerSecond: number;
  readonly nsPerEval: number;
  readonly limit: PhysicalLimit;
  /** evalsPerSecond / limit.evalsPerSecond. */
  readonly ratioToLimit: number;
}

export interface MicroReport {
  readonly results: MicroResult[];
  readonly skipped: BackendSkip[];
  /** Cells that failed (e.g. out of memory at 4096 chains), one line each. */
  readonly failures: string[];
}

interface Cell {
  readonly sweeps: Sweep[];
  readonly rows: number;
  readonly chains: number;
}

/** The distinct (rows, chains) cells of both sweeps. */
export function planCells(plan: MicroPlan): Cell[] {
  const list: Cell[] = plan.rowsSweep.map((rows) => ({ sweeps: ['rows'], rows, chains: plan.rowsSweepChains }));
  for (const chains of plan.chainsSweep) {
    const same = list.find((c) => c.rows === plan.chainsSweepRows && c.chains === chains);
    if (same) same.sweeps.push('chains');
    else list.push({ sweeps: ['chains'], rows: plan.chainsSweepRows, chains });
  }
  return list;
}

/** Times one call of `fn` with tinybench; returns mean seconds, iterations, and rme. */
async function timeCall(name: string, fn: () => Promise<void>, plan: MicroPlan): Promise<{ mean: number; n: number; rme: number }> {
  let iterations = plan.iterations;
  let warmup = plan.warmup;
  if (warmup && plan.slowCallSeconds !== undefined) {
    // the warm-up call, timed here to see whether the cell is a slow one
    const start = performance.now();
    await fn();
    warmup = false;
    if ((performance.now() - start) / 1000 > plan.slowCallSeconds) iterations = Math.min(iterations, plan.slowIterations ?? 2);
  }
  const bench = new Bench({
    name,
    iterations,
    time: iterations < plan.iterations ? 0 : plan.timeMs,
    warmup,
    warmupIterations: 1,
    warmupTime: 0,
    throws: true,
  });
  bench.add(name, fn);
  await bench.run();
  const result = bench.tasks[0].result;
  if (result.state !== 'completed') throw new Error(`${name}: benchmark ended in state ${result.state}`);
  return { mean: result.latency.mean / 1000, n: result.latency.samplesCount, rme: result.latency.rme };
}

async function measureBackend(
  entry: BackendEntry,
  plan: MicroPlan,
  machine: MachineDescription,
  results: MicroResult[],
  failures: string[],
): Promise<void> {
  const byRows = new Map<number, Cell[]>();
  for (const cell of planCells(plan)) byRows.set(cell.rows, [...(byRows.get(cell.rows) ?? []), cell]);
  for (const model of plan.models) {
    for (const [rows, group] of byRows) {
      const spec = hillstromSpec(model, rows);
      const cost = rowCost(specShape(spec), entry.precision);
      const maxChains = Math.max(...group.map((c) => c.chains));
      let backend;
      try {
        backend = await entry.create(spec, { maxChains });
      } catch (e) {
        failures.push(`${entry.kind} ${model} ${rows} rows: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        continue;
      }
      const positions = positionsNearPosterior(spec, maxChains);
      const logp = new Float64Array(maxChains);
      const grad = new Float64Array(maxChains * spec.dim);
      const bandwidth = await bandwidthFor(rows * cost.bytesPerRow, machine.cpu.physicalCores);
      for (const cell of group) {
        const name = `${entry.kind} ${model} rows=${rows} chains=${cell.chains}`;
        try {
          const t = await timeCall(name, () => backend.logDensityGradient(positions, cell.chains, logp, grad), plan);
          const evalsPerSecond = (rows * cell.chains) / t.mean;
          const limit = physicalLimit(machine.peak, cost, cell.chains, bandwidth, entry.precision);
          results.push({
            sweeps: cell.sweeps,
            backend: entry.kind,
            description: backend.description,
            model,
            rows,
            chains: cell.chains,
            precision: entry.precision,
            iterations: t.n,
            secondsPerCall: t.mean,
            rmePercent: t.rme,
            evalsPerSecond,
            nsPerEval: 1e9 / evalsPerSecond,
            limit,
            ratioToLimit: evalsPerSecond / limit.evalsPerSecond,
          });
        } catch (e) {
          failures.push(`${name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }
      }
      await backend.dispose();
    }
  }
}

export async function runLogDensityMicro(
  machine: MachineDescription,
  plan: MicroPlan,
  kinds?: readonly MicroKind[],
): Promise<MicroReport> {
  const { loaded, skipped } = await loadBackends(hillstromSpec('hierarchical', 64), kinds);
  const results: MicroResult[] = [];
  const failures: string[] = [];
  for (const entry of loaded) await measureBackend(entry, plan, machine, results, failures);
  return { results, skipped, failures };
}
