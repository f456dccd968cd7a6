/**
 * The linear predictor η = Xb + Σ_t x_t · r_t[group_t] of every row of a model, at one parameter vector in the
 * constrained layout of constrainedNames(spec) (b_* first, r_* last). Indices are resolved once, so evaluating a
 * draw allocates nothing.
 */
import { constrainedDim, constrainedNames } from '../model/layout.js';
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
    const { X, names } = this.spec.fixed;
    const p = names.length;
    const n = this.spec.n;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * p;
      for (let j = 0; j < p; j++) s += X[row + j] * theta[j];
      out[i] = s;
    }
    this.spec.terms.forEach((term, t) => {
      const index = this.spec.groups[term.group].index;
      const start = this.rStart[t];
      const x = term.x;
      if (x === null) for (let i = 0; i < n; i++) out[i] += theta[start + index[i]];
      else for (let i = 0; i < n; i++) out[i] += x[i] * theta[start + index[i]];
    });
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
