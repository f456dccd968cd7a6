/**
 * Welford's streaming mean and (co)variance (Welford 1962; Stan's welford_var_estimator / welford_covar_estimator),
 * one estimator per chain over C × d (or C × d × d) typed arrays:
 *   n ← n + 1;  δ = x − m;  m ← m + δ/n;  M2 ← M2 + (x − m) δ   (outer product (x − m) δᵀ for the covariance)
 * The sample (co)variance is M2 / (n − 1).
 */
export class WelfordEstimator {
  readonly count: Float64Array;
  readonly mean: Float64Array;
  /** C × d (variance) or C × d × d (covariance). */
  readonly m2: Float64Array;
  private readonly delta: Float64Array;

  constructor(
    readonly nChains: number,
    readonly dim: number,
    readonly covariance: boolean,
  ) {
    this.count = new Float64Array(nChains);
    this.mean = new Float64Array(nChains * dim);
    this.m2 = new Float64Array(nChains * (covariance ? dim * dim : dim));
    this.delta = new Float64Array(dim);
  }

  restart(c: number): void {
    const d = this.dim;
    const s = this.covariance ? d * d : d;
    this.count[c] = 0;
    this.mean.fill(0, c * d, (c + 1) * d);
    this.m2.fill(0, c * s, (c + 1) * s);
  }

  /** Adds chain c's draw x[off … off + d). */
  add(c: number, x: Float64Array, off: number): void {
    const d = this.dim;
    const n = ++this.count[c];
    const mo = c * d;
    const delta = this.delta;
    for (let i = 0; i < d; i++) {
      delta[i] = x[off + i] - this.mean[mo + i];
      this.mean[mo + i] += delta[i] / n;
    }
    if (!this.covariance) {
      for (let i = 0; i < d; i++) this.m2[mo + i] += (x[off + i] - this.mean[mo + i]) * delta[i];
      return;
    }
    const so = c * d * d;
    for (let i = 0; i < d; i++) {
      const di = x[off + i] - this.mean[mo + i];
      for (let j = 0; j < d; j++) this.m2[so + i * d + j] += di * delta[j];
    }
  }

  /** Writes chain c's sample variance (d) or covariance (d × d) to out; false (out untouched) when n < 2. */
  sample(c: number, out: Float64Array): boolean {
    const n = this.count[c];
    if (n < 2) return false;
    const s = this.covariance ? this.dim * this.dim : this.dim;
    for (let i = 0; i < s; i++) out[i] = this.m2[c * s + i] / (n - 1);
    return true;
  }
}
