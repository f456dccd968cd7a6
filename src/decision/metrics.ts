/**
 * Scores of predicted probabilities p against 0/1 outcomes y: ROC-AUC, log loss, Brier score and a calibration table
 * by deciles of p. Shared by the classical baseline, the analyses and `nutmeg score`.
 */

function checkLengths(y: ArrayLike<number>, p: ArrayLike<number>, what: string): void {
  if (y.length !== p.length) throw new Error(`${what}: ${y.length} outcomes but ${p.length} predictions`);
  if (y.length === 0) throw new Error(`${what}: no rows`);
}

/**
 * Area under the ROC curve by the rank formula (Mann–Whitney U / (n₁·n₀); Hanley & McNeil 1982): rank all
 * predictions, tied predictions sharing the mean of their ranks, then AUC = (Σ ranks of positives − n₁(n₁+1)/2)/(n₁·n₀).
 * A tie between a positive and a negative counts one half. NaN when only one class is present.
 */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p, 'rocAuc');
  const n = y.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => p[a] - p[b]);
  let rankSumPositive = 0;
  let positives = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && p[order[end]] === p[order[start]]) end++;
    const meanRank = (start + 1 + end) / 2; // ranks start+1 … end
    for (let j = start; j < end; j++) {
      if (y[order[j]] === 1) {
        rankSumPositive += meanRank;
        positives++;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Mean negative log-likelihood −(1/n) Σ [y log p + (1 − y) log(1 − p)], with p clipped to [eps, 1 − eps] (eps 1e-15). */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>, eps = 1e-15): number {
  checkLengths(y, p, 'logLoss');
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i], eps), 1 - eps);
    sum -= y[i] === 1 ? Math.log(q) : Math.log1p(-q);
  }
  return sum / y.length;
}

/** Brier score: mean of (p − y)². */
export function brierScore(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p, 'brierScore');
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += (p[i] - y[i]) ** 2;
  return sum / y.length;
}

export interface CalibrationBin {
  /** 1-based bin number, lowest predictions first. */
  readonly bin: number;
  readonly n: number;
  readonly minPredicted: number;
  readonly maxPredicted: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/**
 * Calibration table: rows sorted by p and cut into `bins` groups of (nearly) equal size — bin b holds the rows of
 * sorted position ⌊b·n/bins⌋ … ⌊(b+1)·n/bins⌋ − 1 — each with its mean prediction and observed rate. Empty bins
 * (fewer rows than bins) are left out.
 */
export function calibrationTable(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): CalibrationBin[] {
  checkLengths(y, p, 'calibrationTable');
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`calibrationTable: bins = ${bins} must be a positive integer`);
  const n = y.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => p[a] - p[b]);
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = Math.floor((b * n) / bins);
    const hi = Math.floor(((b + 1) * n) / bins);
    if (hi <= lo) continue;
    let sumP = 0;
    let sumY = 0;
    for (let j = lo; j < hi; j++) {
      sumP += p[order[j]];
      sumY += y[order[j]];
    }
    out.push({
      bin: out.length + 1,
      n: hi - lo,
      minPredicted: p[order[lo]],
      maxPredicted: p[order[hi - 1]],
      meanPredicted: sumP / (hi - lo),
      observedRate: sumY / (hi - lo),
    });
  }
  return out;
}
