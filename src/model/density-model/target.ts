/**
 * A density model as the sampler's target (src/sampler/nuts.ts LogDensityTarget): C chains per call, each mapped
 * from the unconstrained coordinates to the model's constrained vector (transforms.ts), its log density and
 * gradient there, plus log |J| and the chain rule back (the model's own ParameterMap where it has one). Evaluated on the calling thread; the scratch vectors belong to
 * the target, so a leapfrog round allocates nothing.
 */
import type { LogDensityTarget } from '../../sampler/nuts.js';
import { DensityLayout } from './transforms.js';
import type { DensityModel, ParameterMap } from './types.js';

/** The model's own parameter map, or its blocks' transforms (checked against its blocks either way). */
export function densityParameterMap(model: DensityModel): ParameterMap {
  const blocks = new DensityLayout(model.parameters, `${model.kind} model`);
  const map = model.parameterMap;
  if (map === undefined) return blocks;
  if (map.constrainedDim !== blocks.constrainedDim) {
    throw new Error(`${model.kind} model: its parameter map gives ${map.constrainedDim} values for blocks of ${blocks.constrainedDim}`);
  }
  return map;
}

export class DensityTarget implements LogDensityTarget {
  readonly dim: number;
  readonly layout: ParameterMap;
  /** Log-density evaluations (chain × call) so far. */
  evaluations = 0;
  private readonly u: Float64Array;
  private readonly x: Float64Array;
  private readonly gx: Float64Array;
  private readonly gu: Float64Array;

  constructor(
    readonly model: DensityModel,
    layout?: ParameterMap,
  ) {
    this.layout = layout ?? densityParameterMap(model);
    this.dim = this.layout.dim;
    this.u = new Float64Array(this.dim);
    this.x = new Float64Array(this.layout.constrainedDim);
    this.gx = new Float64Array(this.layout.constrainedDim);
    this.gu = new Float64Array(this.dim);
  }

  /** log p(T(u)) + log |J(u)| of one unconstrained point, gradient to grad (length dim); −Infinity where not finite. */
  evaluate(u: Float64Array, grad: Float64Array): number {
    const { layout, x, gx, model } = this;
    this.evaluations++;
    const logJ = layout.constrain(u, x);
    const lp = model.logDensity(x, gx) + logJ;
    if (!Number.isFinite(lp)) {
      grad.fill(0);
      return -Infinity;
    }
    layout.chainGradient(u, x, gx, grad);
    for (let j = 0; j < grad.length; j++) {
      if (!Number.isFinite(grad[j])) {
        grad.fill(0);
        return -Infinity;
      }
    }
    return lp;
  }

  readonly logDensityGradientSync = (
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): void => {
    const { dim: d, u, gu } = this;
    for (let c = 0; c < nChains; c++) {
      if (active !== undefined && active[c] === 0) continue;
      for (let j = 0; j < d; j++) u[j] = positions[c * d + j];
      logp[c] = this.evaluate(u, gu);
      for (let j = 0; j < d; j++) grad[c * d + j] = gu[j];
    }
  };

  logDensityGradient(positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array): Promise<void> {
    this.logDensityGradientSync(positions, nChains, logp, grad, active);
    return Promise.resolve();
  }
}
