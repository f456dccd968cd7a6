/** The order of the ranked list of scored rows (`nutmeg score --out`, its top rows). */
import type { ScoreResult } from './scoring.js';

/**
 * Row order of the ranked customer list: by posterior mean uplift when there is one (who gains most from contact),
 * else by posterior mean probability or expected value; highest first, ties in row order.
 */
export function rankOrder(result: ScoreResult): Uint32Array {
  const key = rankKey(result);
  const order = new Uint32Array(result.n);
  for (let i = 0; i < result.n; i++) order[i] = i;
  return order.sort((a, b) => key[b] - key[a] || a - b);
}

/** What rankOrder ranks by, per row: the posterior mean uplift, else probability, else expected value. */
export function rankKey(result: ScoreResult): Float64Array {
  const key = result.uplift?.mean ?? result.probability?.mean ?? result.expected?.mean;
  if (!key) throw new Error('rankOrder: the result has neither uplift nor a per-row measure');
  return key;
}
