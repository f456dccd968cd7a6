/**
 * Hillstrom ModelSpecs of any size for the micro benchmarks: simulated Hillstrom rows (src/data/simulate) with the
 * features of the reference analysis, built into a ModelSpec by the model builder from the analysis's formulas
 * (src/data/hillstrom.ts), so that the benchmarked spec is what a fit would evaluate (the varying term's form pinned).
 */
import { centeredSpec } from '../../src/backend/split-terms.js';
import { addHillstromFeatures, HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';
import { buildModel } from '../../src/model/build.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import type { ModelShape } from '../machine.js';

export type MicroModel = 'pooled' | 'hierarchical';

/** The cost-relevant shape of a built spec: fixed-effect columns and, per varying term, whether it has a covariate. */
export function specShape(spec: ModelSpec): ModelShape {
  return { p: spec.fixed.names.length, terms: spec.terms.map((t) => ({ covariate: t.x !== null })) };
}

/** Shape of the Hillstrom models without building one: 7 fixed columns (intercept included), 1 varying slope. */
export function modelShape(model: MicroModel): ModelShape {
  return { p: 7, terms: model === 'hierarchical' ? [{ covariate: true }] : [] };
}

/**
 * The varying term is pinned to the non-centered form: the builder would otherwise choose by the amount of data per
 * group, so that the spec's form changed along the rows sweep (the row loop costs the same in either form, and
 * every backend and the gpu.js kernel evaluate it directly).
 */
export function hillstromSpec(model: MicroModel, rows: number, seed = 1): ModelSpec {
  const { frame } = simulateHillstrom({ n: rows, seed });
  const parameterization = model === 'hierarchical' ? { history_segment: 'noncentered' as const } : undefined;
  // the kernels' plain form: folded terms are a host-side map around the backends (src/backend/split-terms.ts)
  return centeredSpec(buildModel(addHillstromFeatures(frame), HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model], parameterization }).spec);
}

/** nChains unconstrained positions near where the posterior lies (chains × dim, row-major). */
export function positionsNearPosterior(spec: ModelSpec, nChains: number, seed = 2): Float64Array {
  const rng = new Rng(seed, 1);
  const out = new Float64Array(nChains * spec.dim);
  for (let c = 0; c < nChains; c++) {
    const theta = out.subarray(c * spec.dim, (c + 1) * spec.dim);
    for (let j = 0; j < spec.dim; j++) theta[j] = 0.2 * rng.normal();
    if (spec.fixed.interceptColumn >= 0) theta[spec.fixed.interceptColumn] = -4.7 + 0.1 * rng.normal();
    for (const term of spec.terms) theta[term.sdIndex] = Math.log(0.2) + 0.3 * rng.normal();
  }
  return out;
}
