/**
 * p̄ = Σ y / Σ trials of a bernoulli (trials null: one trial a row) or binomial outcome; 0 when there are no trials.
 * The pooled rate the default priors, the parameterization rule and the crude level sds start from.
 */
export function pooledSuccessRate(y: ArrayLike<number>, trials: ArrayLike<number> | null): number {
  let successes = 0;
  let total = 0;
  for (let i = 0; i < y.length; i++) {
    successes += y[i];
    total += trials ? trials[i] : 1;
  }
  return total > 0 ? successes / total : 0;
}

/** Σ trials (the row count when trials is null). */
export function totalTrials(n: number, trials: ArrayLike<number> | null): number {
  if (trials === null) return n;
  let total = 0;
  for (let i = 0; i < n; i++) total += trials[i];
  return total;
}
