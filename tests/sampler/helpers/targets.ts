/**
 * Backend-compatible test targets (only `dim` and `logDensityGradient`): Gaussians with known moments, and a wrapper
 * that records every call (how many chains were active) to check the lockstep property.
 */
import type { LogDensityTarget } from '../../../src/sampler/nuts.js';

/** log N(x | mean, P⁻¹) up to a constant, for a precision matrix P (d × d, row-major). */
export class GaussianTarget implements LogDensityTarget {
  readonly dim: number;
  calls = 0;
  private readonly diff: Float64Array;

  constructor(
    readonly mean: Float64Array,
    readonly precision: Float64Array,
  ) {
    this.dim = mean.length;
    this.diff = new Float64Array(this.dim);
  }

  /** Covariance diag(sd²). */
  static independent(mean: ArrayLike<number>, sd: ArrayLike<number>): GaussianTarget {
    const d = mean.length;
    const P = new Float64Array(d * d);
    for (let i = 0; i < d; i++) P[i * d + i] = 1 / (sd[i] * sd[i]);
    return new GaussianTarget(Float64Array.from(mean), P);
  }

  static standard(d: number): GaussianTarget {
    return GaussianTarget.independent(new Float64Array(d), new Float64Array(d).fill(1));
  }

  /** Covariance Σ (d × d) given directly; its inverse is computed by Gauss–Jordan elimination. */
  static withCovariance(mean: ArrayLike<number>, cov: Float64Array): GaussianTarget {
    return new GaussianTarget(Float64Array.from(mean), invert(cov, mean.length));
  }

  async logDensityGradient(
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): Promise<void> {
    this.calls++;
    const d = this.dim;
    const P = this.precision;
    const diff = this.diff;
    for (let c = 0; c < nChains; c++) {
      if (active && !active[c]) continue;
      const o = c * d;
      for (let i = 0; i < d; i++) diff[i] = positions[o + i] - this.mean[i];
      let lp = 0;
      for (let i = 0; i < d; i++) {
        let row = 0;
        for (let j = 0; j < d; j++) row += P[i * d + j] * diff[j];
        grad[o + i] = -row;
        lp -= 0.5 * diff[i] * row;
      }
      logp[c] = Number.isFinite(lp) ? lp : -Infinity;
    }
  }
}

export function invert(a: Float64Array, d: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r * d + col]) > Math.abs(m[pivot * d + col])) pivot = r;
    for (let k = 0; k < d; k++) {
      [m[col * d + k], m[pivot * d + k]] = [m[pivot * d + k], m[col * d + k]];
      [inv[col * d + k], inv[pivot * d + k]] = [inv[pivot * d + k], inv[col * d + k]];
    }
    const piv = m[col * d + col];
    for (let k = 0; k < d; k++) {
      m[col * d + k] /= piv;
      inv[col * d + k] /= piv;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r * d + col];
      if (f === 0) continue;
      for (let k = 0; k < d; k++) {
        m[r * d + k] -= f * m[col * d + k];
        inv[r * d + k] -= f * inv[col * d + k];
      }
    }
  }
  return inv;
}

/** Wraps a target and records, for every call, how many chains were asked for. */
export class RecordingTarget implements LogDensityTarget {
  readonly dim: number;
  readonly activeCounts: number[] = [];

  constructor(private readonly inner: LogDensityTarget) {
    this.dim = inner.dim;
  }

  async logDensityGradient(
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): Promise<void> {
    let n = nChains;
    if (active) {
      n = 0;
      for (let c = 0; c < nChains; c++) n += active[c] ? 1 : 0;
    }
    this.activeCounts.push(n);
    // answer on a later macrotask, as a GPU readback would
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.inner.logDensityGradient(positions, nChains, logp, grad, active);
  }
}
