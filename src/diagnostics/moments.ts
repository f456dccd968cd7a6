/**
 * Mean, variance and standard deviation as R computes them: the mean is refined by a second pass (R's `mean`
 * accumulates in long double and then adds the mean residual), the variance is the two-pass n − 1 estimate.
 */
export function mean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  let r = 0;
  for (let i = 0; i < n; i++) r += x[i] - m;
  return m + r / n;
}

/** Sample variance with divisor n − 1 (R's `var`); NaN for fewer than two values. */
export function variance(x: ArrayLike<number>, m: number = mean(x)): number {
  const n = x.length;
  if (n < 2) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    s += d * d;
  }
  return s / (n - 1);
}

/** Sample standard deviation (R's `sd`). */
export function sd(x: ArrayLike<number>): number {
  return Math.sqrt(variance(x));
}
