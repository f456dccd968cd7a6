/**
 * Checks of sampler output against known moments, with the diagnostics module (R posterior's definitions):
 * for every coordinate, |mean − μ| < 4 MCSE and |mean((x − μ)²) − σ²| < 4 MCSE of (x − μ)², and R-hat < 1.01.
 */
import { mcseMean } from '../../../src/diagnostics/mcse.js';
import { rhat } from '../../../src/diagnostics/rhat.js';
import type { ChainDraws } from '../../../src/diagnostics/chains.js';
import type { SampleResult } from '../../../src/sampler/run.js';

/** Coordinate i of every chain's draws (chain-major), optionally transformed. */
export function coordinate(result: SampleResult, i: number, f: (x: number) => number = (x) => x): ChainDraws {
  const { nChains, nDraws, dim } = result;
  const values = new Float64Array(nChains * nDraws);
  for (let c = 0; c < nChains; c++) {
    for (let s = 0; s < nDraws; s++) values[c * nDraws + s] = f(result.draws[c][s * dim + i]);
  }
  return { values, nChains, nDraws };
}

function mean(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / x.length;
}

export interface MomentReport {
  /** Largest |mean − μ| / MCSE over coordinates. */
  readonly worstMeanZ: number;
  /** Largest |E(x − μ)² − σ²| / MCSE over coordinates. */
  readonly worstVarZ: number;
  readonly worstRhat: number;
}

export function momentReport(result: SampleResult, mu: ArrayLike<number>, variance: ArrayLike<number>): MomentReport {
  let worstMeanZ = 0;
  let worstVarZ = 0;
  let worstRhat = 0;
  for (let i = 0; i < result.dim; i++) {
    const x = coordinate(result, i);
    const sq = coordinate(result, i, (v) => (v - mu[i]) ** 2);
    const zMean = Math.abs(mean(x.values) - mu[i]) / (mcseMean(x) as number);
    const zVar = Math.abs(mean(sq.values) - variance[i]) / (mcseMean(sq) as number);
    worstMeanZ = Math.max(worstMeanZ, zMean);
    worstVarZ = Math.max(worstVarZ, zVar);
    worstRhat = Math.max(worstRhat, rhat(x) as number);
  }
  return { worstMeanZ, worstVarZ, worstRhat };
}
