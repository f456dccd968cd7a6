/**
 * The linear predictor η = Xb + Σ_t x_t · r_t[group_t] of every row of a model, at one parameter vector in the
 * constrained layout of constrainedNames(spec) (b_* first, r_* last). Indices are resolved once, so evaluating a
 * draw allocates nothing. The arithmetic is the model's (src/model/linear-predictor.ts); only the layout is this one.
 */
import { constrainedDim, constrainedNames } from '../model/layout.js';
import { linearPredictor } from '../model/linear-predictor.js';
import { termLabel, type ModelSpec } from '../model/spec.js';
import type { DrawSet } from '../draws.js';

export class LinearPredictor {
  readonly dim: number;
  /** Position of r_t[1] in the constrained vector, per term. */
  private readonly rStart: Int32Array;

  constructor(private readonly spec: ModelSpec) {
    const names = constrainedNames(spec);
    this.dim = constrainedDim(spec);
    this.rStart = Int32Array.from(spec.terms, (_, t) => names.indexOf(`r_${termLabel(spec, t)}[1]`));
  }

  /** η for every row (out has length spec.n) at constrained values `theta`. */
  evaluate(theta: ArrayLike<number>, out: Float64Array): void {
    linearPredictor(this.spec, theta, this.rStart, 0, this.spec.n, out);
  }
}

/**
 * Copies draw s (0-based over all chains, chain-major) of `draws` into `out` in the constrained order of the spec;
 * `columns` maps each constrained position to its variable in the DrawSet (from drawColumns).
 */
export function gatherDraw(draws: DrawSet, columns: Int32Array, s: number, out: Float64Array): void {
  const size = draws.nChains * draws.nDraws;
  for (let v = 0; v < columns.length; v++) out[v] = columns[v] < 0 ? NaN : draws.values[columns[v] * size + s];
}

/**
 * For each constrained variable of the spec, its index in `draws`. The b_* and r_* variables the linear predictor
 * reads must be present (an Error otherwise); a missing sd_* or z_* gets -1 (gathered as NaN).
 */
export function drawColumns(spec: ModelSpec, draws: DrawSet): Int32Array {
  const names = constrainedNames(spec);
  return Int32Array.from(names, (name) => {
    const v = draws.names.indexOf(name);
    if (v < 0 && (name.startsWith('b_') || name.startsWith('r_'))) {
      throw new Error(`draws have no variable ${name} of the model ${spec.formula}`);
    }
    return v;
  });
}
