/**
 * Models compared by PSIS-LOO must predict the same outcome values on the same rows: elpd sums log p(y_i) over the
 * rows, so a difference in y (another column, other rows, a changed data file) makes the comparison meaningless
 * though the numbers would still come out. Runs of different families (poisson and negbinomial, gamma and lognormal)
 * on the same outcome compare fine: each family's log-likelihood is a normalised density of the same y.
 */
import { UserError } from '../errors.js';
import type { ModelSpec } from '../model/spec.js';

/** What a compared model's likelihood is of: the outcome's name, its values and (binomial) trials per row. */
export interface OutcomeData {
  /** The model's name in messages (its directory's base name). */
  readonly model: string;
  readonly outcome: string;
  readonly family: string;
  readonly y: Float64Array;
  readonly trials: Float64Array | null;
}

export function outcomeData(model: string, spec: ModelSpec): OutcomeData {
  return { model, outcome: spec.outcome, family: spec.family, y: spec.y, trials: spec.trials };
}

/** A one-line UserError unless `b` models the same outcome values (and trials) on the same rows as `a`. */
export function requireSameOutcome(a: OutcomeData, b: OutcomeData): void {
  const refuse = (what: string): never => {
    throw new UserError(`compare: ${b.model} and ${a.model} ${what}; LOO compares models of the same outcome on the same rows`);
  };
  if (a.outcome !== b.outcome) refuse(`model different outcomes (${b.outcome} and ${a.outcome})`);
  if (a.y.length !== b.y.length) refuse(`were fitted to different rows (${b.y.length} and ${a.y.length} rows)`);
  for (let i = 0; i < a.y.length; i++) {
    if (!Object.is(a.y[i], b.y[i])) refuse(`were fitted to different rows (${a.outcome} is ${b.y[i]} and ${a.y[i]} at row ${i + 1})`);
  }
  const ta = a.trials;
  const tb = b.trials;
  if ((ta === null) !== (tb === null)) refuse(`model ${a.outcome} differently (${b.family} and ${a.family}: trials per row in one only)`);
  if (ta && tb) {
    for (let i = 0; i < ta.length; i++) {
      if (ta[i] !== tb[i]) refuse(`have different trials at row ${i + 1} (${tb[i]} and ${ta[i]})`);
    }
  }
}
