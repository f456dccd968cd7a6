/**
 * The reference backend: plain TypeScript in float64, written for clarity. It is the oracle every other backend is
 * tested against, so it follows the model as documented in src/model/spec.ts line by line.
 */
import { needsCoordinateMap } from './split-terms.js';
import type { Backend, BackendOptions } from './backend.js';
import { softplus, sigmoid } from './logistic.js';
import { priorDlogDensity, priorLogDensity } from '../model/prior.js';
import { levelCount, type ModelSpec } from '../model/spec.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export class ReferenceBackend implements Backend {
  readonly kind = 'reference' as const;
  readonly description = 'reference (TypeScript, float64)';
  readonly dim: number;
  /** Group effects r_t[k] of the chain being evaluated, one array per term. */
  private readonly r: Float64Array[];
  /** d logp / d r_t[k] accumulated from the likelihood, one array per term. */
  private readonly gr: Float64Array[];
  private readonly eta: Float64Array;

  constructor(readonly spec: ModelSpec) {
    this.dim = spec.dim;
    this.r = spec.terms.map((_, t) => new Float64Array(levelCount(spec, t)));
    this.gr = spec.terms.map((_, t) => new Float64Array(levelCount(spec, t)));
    this.eta = new Float64Array(spec.n);
  }

  async logDensityGradient(
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): Promise<void> {
    const d = this.dim;
    for (let c = 0; c < nChains; c++) {
      if (active && !active[c]) continue;
      const theta = positions.subarray(c * d, (c + 1) * d);
      const g = grad.subarray(c * d, (c + 1) * d);
      const lp = this.evaluate(theta, g);
      logp[c] = Number.isFinite(lp) ? lp : -Infinity;
    }
  }

  async pointwiseLogLik(
    draws: Float64Array,
    nDraws: number,
    rowStart: number,
    rowCount: number,
    out: Float64Array,
  ): Promise<void> {
    const { spec } = this;
    const d = this.dim;
    for (let s = 0; s < nDraws; s++) {
      const theta = draws.subarray(s * d, (s + 1) * d);
      this.loadGroupEffects(theta);
      for (let j = 0; j < rowCount; j++) {
        const i = rowStart + j;
        const eta = this.linearPredictor(theta, i);
        let ll = this.rowLogLik(eta, i);
        if (spec.logChoose) ll += spec.logChoose[i];
        out[s * rowCount + j] = ll;
      }
    }
  }

  async dispose(): Promise<void> {}

  /**
   * y·log σ(η) + (n − y)·log(1 − σ(η)) = −y·softplus(−η) − (n − y)·softplus(η): written this way no digits cancel
   * when a likely outcome has |η| large (y·η − n·softplus(η) would subtract two nearly equal numbers).
   */
  private rowLogLik(eta: number, i: number): number {
    const y = this.spec.y[i];
    const n = this.spec.trials ? this.spec.trials[i] : 1;
    return (y > 0 ? -y * softplus(-eta) : 0) + (n - y > 0 ? -(n - y) * softplus(eta) : 0);
  }

  /** r_t = sd_t · z_t (non-centered) or the r_t coordinates themselves (centered). */
  private loadGroupEffects(theta: Float64Array): void {
    this.spec.terms.forEach((term, t) => {
      const scale = term.parameterization === 'noncentered' ? Math.exp(theta[term.sdIndex]) : 1;
      const r = this.r[t];
      for (let k = 0; k < r.length; k++) r[k] = scale * theta[term.offset + k];
    });
  }

  private linearPredictor(theta: Float64Array, i: number): number {
    const { spec } = this;
    const p = spec.fixed.names.length;
    const X = spec.fixed.X;
    let eta = 0;
    for (let j = 0; j < p; j++) eta += X[i * p + j] * theta[j];
    for (let t = 0; t < spec.terms.length; t++) {
      const term = spec.terms[t];
      const level = spec.groups[term.group].index[i];
      eta += (term.x ? term.x[i] : 1) * this.r[t][level];
    }
    return eta;
  }

  /** Log density at theta; writes its gradient into g. */
  private evaluate(theta: Float64Array, g: Float64Array): number {
    const { spec } = this;
    const p = spec.fixed.names.length;
    g.fill(0);
    let lp = 0;

    // priors on the fixed effects
    for (let j = 0; j < p; j++) {
      lp += priorLogDensity(spec.fixed.priors[j], theta[j]);
      g[j] += priorDlogDensity(spec.fixed.priors[j], theta[j]);
    }

    // sd priors with the log-Jacobian of sd = exp(u), and the level priors
    for (const term of spec.terms) {
      const u = theta[term.sdIndex];
      const sd = Math.exp(u);
      lp += priorLogDensity(term.sdPrior, sd) + u;
      g[term.sdIndex] += priorDlogDensity(term.sdPrior, sd) * sd + 1;
      const K = spec.groups[term.group].levels.length;
      for (let k = 0; k < K; k++) {
        const v = theta[term.offset + k];
        if (term.parameterization === 'noncentered') {
          lp += -0.5 * v * v - LOG_SQRT_2PI;
          g[term.offset + k] += -v;
        } else {
          const w = v / sd;
          lp += -0.5 * w * w - u - LOG_SQRT_2PI;
          g[term.offset + k] += -w / sd;
          g[term.sdIndex] += w * w - 1;
        }
      }
    }

    // likelihood
    this.loadGroupEffects(theta);
    for (const gr of this.gr) gr.fill(0);
    const X = spec.fixed.X;
    for (let i = 0; i < spec.n; i++) {
      const eta = this.linearPredictor(theta, i);
      const n = spec.trials ? spec.trials[i] : 1;
      lp += this.rowLogLik(eta, i);
      if (spec.logChoose) lp += spec.logChoose[i];
      const dEta = spec.y[i] - n * sigmoid(eta);
      for (let j = 0; j < p; j++) g[j] += X[i * p + j] * dEta;
      for (let t = 0; t < spec.terms.length; t++) {
        const term = spec.terms[t];
        this.gr[t][spec.groups[term.group].index[i]] += (term.x ? term.x[i] : 1) * dEta;
      }
    }

    // chain rule from r back to the unconstrained coordinates
    spec.terms.forEach((term, t) => {
      const gr = this.gr[t];
      if (term.parameterization === 'noncentered') {
        const sd = Math.exp(theta[term.sdIndex]);
        for (let k = 0; k < gr.length; k++) {
          g[term.offset + k] += sd * gr[k];
          g[term.sdIndex] += sd * theta[term.offset + k] * gr[k];
        }
      } else {
        for (let k = 0; k < gr.length; k++) g[term.offset + k] += gr[k];
      }
    });
    return lp;
  }
}

export async function createReferenceBackend(spec: ModelSpec, _options: BackendOptions = {}): Promise<Backend> {
  if (needsCoordinateMap(spec)) {
    throw new Error('createReferenceBackend: the spec has split or folded terms or a fixed basis; create the backend with createBackend(), which maps them (src/backend/split-terms.ts)');
  }
  return new ReferenceBackend(spec);
}
