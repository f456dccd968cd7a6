/**
 * Simulation-based calibration (Talts et al. 2018, arXiv:1804.06788, Algorithm 1) for hand-written density models
 * (src/model/density-model/): each replicate brings its own model (the model of its simulated data set) and the true
 * constrained parameters it was simulated from; all replicates run in lockstep as the chains of one sample() call,
 * chain c on replicate c's model, each through its DensityTarget (transforms, Jacobian, chained gradient). Ranks,
 * bins and the χ²₉ statistics are those of tests/helpers/sbc.ts, so describeSbc and expectCalibrated apply.
 * No vitest import: bench/sbc-clv.ts runs it outside the test runner.
 */
import { essOfChains } from '../../src/diagnostics/ess.js';
import { DensityTarget } from '../../src/model/density-model/target.js';
import { densityNames } from '../../src/model/density-model/transforms.js';
import type { DensityModel } from '../../src/model/density-model/types.js';
import type { LogDensityTarget } from '../../src/sampler/nuts.js';
import { sample } from '../../src/sampler/run.js';
import { chiSquare, SBC_BINS, type SbcParameter, type SbcResult } from './sbc.js';

export interface DensityReplicate {
  readonly model: DensityModel;
  /** True values on the constrained scale, laid out as the model's parameter vector. */
  readonly truth: Float64Array;
}

export interface DensitySbcOptions {
  readonly L: number;
  readonly thin: number;
  readonly warmup: number;
  readonly seed: number;
  /** Stan's adapt_delta for every chain (default 0.8). */
  readonly targetAccept?: number;
}

function lockstepTarget(targets: DensityTarget[]): LogDensityTarget {
  const dim = targets[0].dim;
  const grad1 = new Float64Array(dim);
  return {
    dim,
    logDensityGradientSync(positions, nChains, logp, grad, active) {
      for (let c = 0; c < nChains; c++) {
        if (active && !active[c]) continue;
        logp[c] = targets[c].evaluate(positions.subarray(c * dim, (c + 1) * dim), grad1);
        grad.set(grad1, c * dim);
      }
    },
    logDensityGradient(positions, nChains, logp, grad, active) {
      this.logDensityGradientSync!(positions, nChains, logp, grad, active);
      return Promise.resolve();
    },
  };
}

export async function runDensitySbc(replicates: readonly DensityReplicate[], o: DensitySbcOptions): Promise<SbcResult> {
  if ((o.L + 1) % SBC_BINS !== 0) throw new Error(`SBC: L + 1 = ${o.L + 1} is not a multiple of ${SBC_BINS}`);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const targets = replicates.map((r) => new DensityTarget(r.model));
  const R = replicates.length;
  const result = await sample(lockstepTarget(targets), { chains: R, warmup: o.warmup, draws: o.L * o.thin, thin: o.thin, seed: o.seed, targetAccept: o.targetAccept });
  if (result.nDraws !== o.L) throw new Error(`SBC: ${result.nDraws} draws kept, expected ${o.L}`);
  const names = densityNames({ ...replicates[0].model, generated: undefined });
  const P = targets[0].layout.constrainedDim;
  const counts = names.map(() => new Int32Array(SBC_BINS));
  const essRatios = names.map(() => new Float64Array(R));
  const rankSums = new Float64Array(P);
  const rankSquares = new Float64Array(P);
  const x = new Float64Array(P);
  const draws = new Float64Array(o.L * P);
  const column = new Float64Array(o.L);
  for (let c = 0; c < R; c++) {
    // each replicate's own map: a model may fit its sampler coordinates to its data (src/model/clv/parameter-map.ts)
    const layout = targets[c].layout;
    for (let s = 0; s < o.L; s++) {
      layout.constrain(result.draws[c].subarray(s * layout.dim, (s + 1) * layout.dim), x);
      draws.set(x, s * P);
    }
    const truth = replicates[c].truth;
    for (let j = 0; j < P; j++) {
      let rank = 0;
      for (let s = 0; s < o.L; s++) {
        column[s] = draws[s * P + j];
        if (column[s] < truth[j]) rank++;
      }
      counts[j][Math.floor((rank * SBC_BINS) / (o.L + 1))]++;
      rankSums[j] += rank / o.L;
      rankSquares[j] += (rank / o.L) ** 2;
      essRatios[j][c] = (essOfChains({ values: column, nChains: 1, nDraws: o.L }) ?? 0) / o.L;
    }
  }
  const parameters: SbcParameter[] = names.map((name, j) => {
    const sorted = Float64Array.from(essRatios[j]).sort();
    const meanRank = rankSums[j] / R;
    const meanRankSe = Math.sqrt(Math.max(0, rankSquares[j] / R - meanRank * meanRank) / (R - 1));
    return { name, counts: counts[j], chi2: chiSquare(counts[j]), meanRank, meanRankSe, essRatio: sorted[Math.floor(R / 2)] };
  });
  let divergences = 0;
  let divergentReplicates = 0;
  for (const d of result.divergences) {
    divergences += d;
    if (d > 0) divergentReplicates++;
  }
  let gradients = 0;
  for (const g of result.gradientEvaluations) gradients += g;
  const cpu = process.cpuUsage(cpuStart);
  return {
    parameters,
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    divergences,
    divergentReplicates,
    gradientsPerReplicate: gradients / R,
    maxAbsY: NaN,
    meanY: NaN,
  };
}
