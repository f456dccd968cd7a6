/**
 * WebGPU backend micro benchmark: row × chain evaluations per second of one batched log density + gradient call
 * (parameters up, kernels, compensated sums down, priors and chain rule on the host) on the Hillstrom-sized pooled
 * and hierarchical models (64,000 rows from the Hillstrom simulator, built with the formulas of
 * src/data/hillstrom.ts), for 1 … 4096 chains, on whatever adapter acquireDevice finds (printed: on a machine
 * without a GPU it is Mesa llvmpipe through Dawn's OpenGL backend, i.e. the CPU).
 *
 * Run: `npx tsx bench/webgpu.bench.ts` (or through bench/run.ts, which calls run()). `--quick`: small sizes, once.
 */
import { centeredSpec } from '../src/backend/split-terms.js';
import { pathToFileURL } from 'node:url';
import { createWebGpuBackend } from '../src/backend/webgpu/backend.js';
import { builtinDataset } from '../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../src/data/hillstrom.js';
import { buildModel } from '../src/model/build.js';
import type { Backend } from '../src/backend/backend.js';
import { timeCalls } from './backend-timing.js';

export type BenchModel = 'pooled' | 'hierarchical';

export interface WebGpuCell {
  readonly model: BenchModel;
  readonly chains: number;
  readonly rows: number;
  readonly calls: number;
  /** Fastest and median call, seconds. */
  readonly bestSeconds: number;
  readonly medianSeconds: number;
  /** rows × chains / bestSeconds. */
  readonly evalsPerSecond: number;
  readonly nsPerEval: number;
}

export interface WebGpuBenchResult {
  /** Backend description, naming the adapter and the Dawn backend. */
  readonly adapter: string;
  readonly cells: WebGpuCell[];
}

export async function run(
  options: { quick?: boolean; onCell?: (cell: WebGpuCell, adapter: string) => void } = {},
): Promise<WebGpuBenchResult> {
  const quick = options.quick ?? false;
  const rows = quick ? 2_000 : 64_000;
  const chainsList = quick ? [1, 4] : [1, 4, 16, 64, 256, 1024, 4096];
  const { frame } = builtinDataset('hillstrom', 1, rows);
  const cells: WebGpuCell[] = [];
  let adapter = '';
  for (const model of ['pooled', 'hierarchical'] as const) {
    const spec = centeredSpec(buildModel(frame, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model] }).spec); // the kernels' plain form
    const backend = await createWebGpuBackend(spec, { maxChains: Math.max(...chainsList) });
    adapter = backend.description;
    try {
      for (const chains of chainsList) {
        const work = rows * chains;
        const times = await timeCallsAdaptive(backend, chains, quick);
        const best = times[0];
        const cell: WebGpuCell = {
          model,
          chains,
          rows,
          calls: times.length,
          bestSeconds: best,
          medianSeconds: times[Math.floor(times.length / 2)],
          evalsPerSecond: work / best,
          nsPerEval: (best * 1e9) / work,
        };
        cells.push(cell);
        options.onCell?.(cell, adapter);
      }
    } finally {
      await backend.dispose();
    }
  }
  return { adapter, cells };
}

/**
 * Calls timed for one cell: once when quick; otherwise at least 5 calls and a second of calls, except where one call
 * takes over a second (big batches on a software adapter take tens of seconds), which is timed once. Decided from a
 * first, untimed call, so that a GPU repeats even its largest batches.
 */
export async function timeCallsAdaptive(backend: Backend, chains: number, quick: boolean): Promise<number[]> {
  if (quick) return timeCalls(backend, chains, 1, 0);
  const probe = await timeCalls(backend, chains, 1, 0);
  return probe[0] > 1 ? probe : timeCalls(backend, chains, 5, 1000);
}

const HEADER = `  ${'model'.padEnd(14)}${'chains'.padStart(8)}${'rows'.padStart(9)}${'best ms'.padStart(11)}${'median ms'.padStart(11)}${'M evals/s'.padStart(12)}${'ns/eval'.padStart(10)}`;

function formatCell(c: WebGpuCell): string {
  return (
    `  ${c.model.padEnd(14)}${String(c.chains).padStart(8)}${String(c.rows).padStart(9)}${(c.bestSeconds * 1e3).toFixed(1).padStart(11)}` +
    `${(c.medianSeconds * 1e3).toFixed(1).padStart(11)}${(c.evalsPerSecond / 1e6).toFixed(2).padStart(12)}${c.nsPerEval.toFixed(1).padStart(10)}`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // one line per cell as it is measured (large batches take minutes on a software adapter)
  let printed = false;
  await run({
    quick: process.argv.includes('--quick'),
    onCell: (cell, adapter) => {
      if (!printed) console.log(`adapter: ${adapter}\n${HEADER}`);
      printed = true;
      console.log(formatCell(cell));
    },
  });
  console.log('  (M evals/s = million row×chain log density + gradient evaluations per second, from the fastest call)');
}
