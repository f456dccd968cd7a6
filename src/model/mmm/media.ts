/**
 * The media transforms of the media-mix model (issue 19), with their derivatives:
 *
 *   geometric adstock  A_t = Σ_{l=0}^{L−1} w_l x_{t−l},  w_l = α^l / Σ_{m<L} α^m   (x_s = 0 before the data start)
 *   logistic           s(a) = (1 − e^{−λa}) / (1 + e^{−λa}) = tanh(λa / 2)
 *   Hill               s(a) = a^n / (a^n + κ^n)
 *
 * applied in that order (adstock first) to spend scaled by its per-channel maximum, as PyMC-Marketing's MMM does
 * (Jin et al. 2017, "Bayesian methods for media mix modeling with carryover and shape effects"). Everything writes
 * into arrays the caller owns: nothing here allocates.
 */

/** Writes the normalised weights w_0…w_{L−1} of decay α to w, and dw_l/dα to dw (when given). */
export function adstockWeights(alpha: number, w: Float64Array, dw?: Float64Array): void {
  const L = w.length;
  let sum = 0;
  let dsum = 0;
  let power = 1;
  for (let l = 0; l < L; l++) {
    w[l] = power;
    sum += power;
    if (l > 0) dsum += l * (power / alpha);
    power *= alpha;
  }
  for (let l = 0; l < L; l++) {
    const raw = w[l];
    w[l] = raw / sum;
    if (dw !== undefined) {
      // d/dα (α^l / S) = l α^{l−1} / S − α^l S' / S², with α^{l−1} written as α^{l}/α only for l ≥ 1.
      const draw = l === 0 ? 0 : l * Math.pow(alpha, l - 1);
      dw[l] = draw / sum - (raw * dsum) / (sum * sum);
    }
  }
}

/**
 * Adstocked series of x (length T, starting at `from` in x with stride 1) into out; with dw, also its derivative with
 * respect to the decay into dout.
 */
export function adstock(
  x: Float64Array,
  offset: number,
  T: number,
  w: Float64Array,
  out: Float64Array,
  outOffset: number,
  dw?: Float64Array,
  dout?: Float64Array,
): void {
  const L = w.length;
  for (let t = 0; t < T; t++) {
    let a = 0;
    let da = 0;
    const top = Math.min(L - 1, t);
    for (let l = 0; l <= top; l++) {
      const v = x[offset + t - l];
      a += w[l] * v;
      if (dw !== undefined) da += dw[l] * v;
    }
    out[outOffset + t] = a;
    if (dout !== undefined) dout[outOffset + t] = da;
  }
}

export type SaturationKind = 'logistic' | 'hill';

/** s(a) for logistic saturation with rate λ. */
export function logisticSaturation(a: number, lambda: number): number {
  return Math.tanh((lambda * a) / 2);
}

/** s(a) for Hill saturation with half-saturation κ and slope n (0 at a ≤ 0). */
export function hillSaturation(a: number, kappa: number, slope: number): number {
  if (a <= 0) return 0;
  const r = Math.pow(a / kappa, slope);
  return r / (1 + r);
}

/**
 * s(a) and its derivatives for the channel's saturation parameters (p1, p2): logistic (λ, unused), Hill (κ, n).
 * Writes [s, ds/da, ds/dp1, ds/dp2] to out.
 */
export function saturationWithDerivatives(kind: SaturationKind, a: number, p1: number, p2: number, out: Float64Array): void {
  if (kind === 'logistic') {
    const s = Math.tanh((p1 * a) / 2);
    const h = 0.5 * (1 - s * s);
    out[0] = s;
    out[1] = p1 * h;
    out[2] = a * h;
    out[3] = 0;
    return;
  }
  if (a <= 0) {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    return;
  }
  const logRatio = Math.log(a / p1);
  const r = Math.exp(p2 * logRatio);
  const s = r / (1 + r);
  const ds = s / (1 + r); // ds/dr · r = r/(1+r)²
  out[0] = s;
  out[1] = (ds * p2) / a;
  out[2] = (-ds * p2) / p1;
  out[3] = ds * logRatio;
}
