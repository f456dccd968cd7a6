/**
 * Stan's step-size initialisation heuristic (base_hmc::init_stepsize), per chain: `run` for all chains in lockstep, or
 * `begin`/`advance` one chain at a time (the sampler's rounds). From the chain's
 * current position, draw a momentum and take one leapfrog step of size ε; the direction is up (double ε) when the
 * acceptance exp(H0 − H) exceeds 0.8 and down (halve ε) otherwise. Then repeat with fresh momenta, doubling or
 * halving ε, until the acceptance crosses 0.8. Every probe of every chain still searching is one target call.
 */
import { UserError } from '../../errors.js';
import type { Rng } from '../../rng.js';
import { leapfrogClose, leapfrogOpen } from '../integrator.js';
import type { Metric } from '../metric.js';
import type { LogDensityTarget } from '../nuts.js';
import * as pm from '../../numeric/portable-math.js';

const LOG_08 = pm.log(0.8);

/** Position, gradient and log density of every chain (C × d, C × d, C). */
export interface ChainStates {
  readonly q: Float64Array;
  readonly grad: Float64Array;
  readonly logp: Float64Array;
}

/** Where the probes are integrated: position, momentum, gradient (C × d each) and log density (C). */
export interface ProbeBuffers {
  readonly q: Float64Array;
  readonly p: Float64Array;
  readonly grad: Float64Array;
  readonly logp: Float64Array;
}

export class StepSizeInitializer {
  private readonly q: Float64Array;
  private readonly p: Float64Array;
  private readonly grad: Float64Array;
  private readonly logp: Float64Array;
  private readonly active: Uint8Array;
  /** 0: first probe (sets the direction); +1 doubling; −1 halving. */
  private readonly direction: Int8Array;
  private readonly h0: Float64Array;

  /**
   * `buffers`: where to integrate the probes (default: arrays of its own). The sampler passes its tree's work point
   * so that a chain searching its step size and chains building trajectories share one target call.
   */
  constructor(
    private readonly target: LogDensityTarget,
    private readonly nChains: number,
    private readonly metric: Metric,
    buffers?: ProbeBuffers,
  ) {
    const size = nChains * target.dim;
    this.q = buffers?.q ?? new Float64Array(size);
    this.p = buffers?.p ?? new Float64Array(size);
    this.grad = buffers?.grad ?? new Float64Array(size);
    this.logp = buffers?.logp ?? new Float64Array(nChains);
    this.active = new Uint8Array(nChains);
    this.direction = new Int8Array(nChains);
    this.h0 = new Float64Array(nChains);
  }

  /** The probe positions the target evaluates (C × d), with the gradients and log densities it writes. */
  get buffers(): ProbeBuffers {
    return { q: this.q, p: this.p, grad: this.grad, logp: this.logp };
  }

  /**
   * Re-initialises stepSize[c] for every chain from states (unchanged), all chains in lockstep. Adds the gradient
   * evaluations of each chain to gradientCount; returns the number of target calls.
   */
  async run(states: ChainStates, stepSize: Float64Array, rngs: readonly Rng[], gradientCount: Float64Array): Promise<number> {
    const { nChains, active } = this;
    let searching = 0;
    for (let c = 0; c < nChains; c++) {
      active[c] = this.begin(c, states, stepSize, rngs[c]) ? 1 : 0;
      searching += active[c];
    }
    let calls = 0;
    while (searching > 0) {
      await this.target.logDensityGradient(this.q, nChains, this.logp, this.grad, active);
      calls++;
      searching = 0;
      for (let c = 0; c < nChains; c++) {
        if (!active[c]) continue;
        gradientCount[c]++;
        active[c] = this.advance(c, states, stepSize, rngs[c]) ? 1 : 0;
        searching += active[c];
      }
    }
    return calls;
  }

  /**
   * Starts chain c's search from states (row c): opens its first probe and returns true, or returns false when
   * stepSize[c] is 0, above 1e7 or NaN (Stan leaves such a step size alone).
   */
  begin(c: number, states: ChainStates, stepSize: Float64Array, rng: Rng): boolean {
    const eps = stepSize[c];
    this.direction[c] = 0;
    if (eps === 0 || eps > 1e7 || Number.isNaN(eps)) return false;
    this.probe(c, states, eps, rng);
    return true;
  }

  /**
   * After the target evaluated chain c's probe: updates stepSize[c] and either opens the next probe (returns true)
   * or ends the search (returns false).
   */
  advance(c: number, states: ChainStates, stepSize: Float64Array, rng: Rng): boolean {
    const deltaH = this.deltaH(c, stepSize[c]);
    const dir = this.direction[c];
    if (dir === 0) {
      this.direction[c] = deltaH > LOG_08 ? 1 : -1;
    } else {
      if ((dir === 1 && !(deltaH > LOG_08)) || (dir === -1 && !(deltaH < LOG_08))) return false;
      stepSize[c] *= dir === 1 ? 2 : 0.5;
      if (stepSize[c] > 1e7) {
        throw new UserError(
          `chain ${c + 1}: the step size grew past 1e7 while initialising it, so the posterior looks improper; check that every parameter has a proper prior`,
        );
      }
      if (stepSize[c] === 0) {
        throw new UserError(
          `chain ${c + 1}: no small enough step size was found; the log density may be discontinuous or not finite near the initial values (try other --init values)`,
        );
      }
    }
    this.probe(c, states, stepSize[c], rng);
    return true;
  }

  /** Resets chain c to its state, draws a momentum and opens a leapfrog step of size eps. */
  private probe(c: number, states: ChainStates, eps: number, rng: Rng): void {
    const d = this.target.dim;
    const o = c * d;
    for (let i = o; i < o + d; i++) {
      this.q[i] = states.q[i];
      this.grad[i] = states.grad[i];
    }
    this.metric.sampleMomentum(c, rng, this.p, o);
    this.h0[c] = -states.logp[c] + this.metric.kinetic(c, this.p, o);
    leapfrogOpen(this.metric, c, eps, this.q, this.p, this.grad, o);
  }

  /** H0 − H after closing chain c's leapfrog step (−∞ when H is not a number). */
  private deltaH(c: number, eps: number): number {
    const d = this.target.dim;
    const o = c * d;
    leapfrogClose(d, eps, this.p, this.grad, o);
    let h = -this.logp[c] + this.metric.kinetic(c, this.p, o);
    if (Number.isNaN(h)) h = Infinity;
    return this.h0[c] - h;
  }
}
