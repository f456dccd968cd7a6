/**
 * Fit scaling: wall time of whole fits (fit API, pooled Hillstrom formula) as rows grow and as chains grow, on
 * simulated Hillstrom data (src/data/simulate/hillstrom.ts scales to any number of rows), for issue 9's scaling
 * plots. Shorter fits than the whole-fit comparison (FULL_FIT_SCALING: 150 + 150 iterations) so that the sweeps
 * fit in a benchmark run; the time per gradient evaluation is reported beside the time per fit.
 *   rows   1k → 1M at 4 chains
 *   chains 1 → 4096 at 1k rows (the sampler's per-chain work, not the data, grows)
 */
import type { BackendKind } from '../src/backend/backend.js';
import { addHillstromFeatures, HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../src/data/hillstrom.js';
import { simulateHillstrom } from '../src/data/simulate/hillstrom.js';
import { fitModel } from '../src/fit/fit.js';
import type { Sweep } from './micro/log-density.js';
import { minEssBulk } from './whole-fit.js';

export interface FitScalingPlan {
  readonly rowsSweep: readonly number[];
  readonly rowsSweepChains: number;
  readonly chainsSweep: readonly number[];
  readonly chainsSweepRows: number;
  readonly warmup: number;
  readonly draws: number;
  readonly seed: number;
}

export const FULL_FIT_SCALING: FitScalingPlan = {
  rowsSweep: [1_000, 10_000, 100_000, 1_000_000],
  rowsSweepChains: 4,
  chainsSweep: [1, 4, 16, 64, 256, 1024, 4096],
  chainsSweepRows: 1_000,
  // 4096 chains × 300 iterations ≈ 6 min on 2 cores (native); 1M rows ≈ 1 min
  warmup: 150,
  draws: 150,
  seed: 1,
};

export const QUICK_FIT_SCALING: FitScalingPlan = {
  rowsSweep: [200, 1_000],
  rowsSweepChains: 2,
  chainsSweep: [1, 4],
  chainsSweepRows: 200,
  warmup: 20,
  draws: 20,
  seed: 1,
};

export interface FitScalingResult {
  readonly sweeps: readonly Sweep[];
  readonly backend: BackendKind;
  readonly rows: number;
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  /** Sampler wall time, warm-up + sampling (as in the whole-fit table). */
  readonly wallSeconds: number;
  /** Gradient evaluations summed over chains. */
  readonly gradients: number;
  /** wallSeconds / gradients: a chain's share of one batched call. */
  readonly secondsPerGradient: number;
  readonly minEssBulk: number;
}

export interface FitScalingReport {
  readonly notice: string | null;
  readonly results: FitScalingResult[];
  readonly failures: string[];
}

/** The distinct (rows, chains) fits of both sweeps, each with the sweeps it belongs to. */
export function fitScalingCells(plan: FitScalingPlan): { sweeps: Sweep[]; rows: number; chains: number }[] {
  const cells = plan.rowsSweep.map((rows) => ({ sweeps: ['rows'] as Sweep[], rows, chains: plan.rowsSweepChains }));
  for (const chains of plan.chainsSweep) {
    const same = cells.find((c) => c.rows === plan.chainsSweepRows && c.chains === chains);
    if (same) same.sweeps.push('chains');
    else cells.push({ sweeps: ['chains'], rows: plan.chainsSweepRows, chains });
  }
  return cells;
}

export async function runFitScaling(
  backends: readonly BackendKind[],
  plan: FitScalingPlan,
  log: (line: string) => void = () => {},
): Promise<FitScalingReport> {
  const results: FitScalingResult[] = [];
  const failures: string[] = [];
  const frames = new Map<number, ReturnType<typeof addHillstromFeatures>>();
  const frameOf = (rows: number): ReturnType<typeof addHillstromFeatures> => {
    let frame = frames.get(rows);
    if (!frame) {
      frame = addHillstromFeatures(simulateHillstrom({ n: rows, seed: plan.seed }).frame);
      frames.set(rows, frame);
    }
    return frame;
  };
  for (const backend of backends) {
    for (const cell of fitScalingCells(plan)) {
      const name = `${backend} ${cell.rows} rows × ${cell.chains} chains`;
      try {
        const fit = await fitModel(frameOf(cell.rows), HILLSTROM_FORMULAS.pooled, { priors: HILLSTROM_PRIORS.pooled,
          backend,
          chains: cell.chains,
          warmup: plan.warmup,
          draws: plan.draws,
          seed: plan.seed,
        });
        try {
          const { timing, gradientEvaluations } = fit.sample;
          const wallSeconds = timing.warmupSeconds + timing.samplingSeconds;
          const gradients = gradientEvaluations.reduce((a, b) => a + b, 0);
          results.push({
            sweeps: cell.sweeps,
            backend,
            rows: cell.rows,
            chains: cell.chains,
            warmup: plan.warmup,
            draws: plan.draws,
            wallSeconds,
            gradients,
            secondsPerGradient: wallSeconds / gradients,
            minEssBulk: minEssBulk(fit.draws),
          });
          log(`fit scaling: ${name}: ${wallSeconds.toFixed(2)} s, ${gradients} gradients`);
        } finally {
          await fit.dispose();
        }
      } catch (e) {
        failures.push(`${name}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
      }
    }
  }
  return { notice: null, results, failures };
}
