/**
 * The starting points a fit uses when the user does not choose them (`init: 'auto'`, the default):
 *
 *   pathfinder  when the data or the model are big: AUTO_INIT_MIN_ROWS rows or more, or AUTO_INIT_MIN_PARAMETERS
 *               unconstrained parameters or more (src/fit/pathfinder-fit.ts: every chain starts at its own
 *               PSIS-weighted Pathfinder draw, and warm-up at the approximation's variances as its diagonal metric);
 *   random      otherwise: Stan's uniform(−2, 2) on the unconstrained scale, so small models keep their results.
 *
 * Why. A random start is as far from the posterior, in log-density units, as the data are big: every row and every
 * parameter adds to the misfit at uniform(−2, 2) (there the level effects of a non-centered term are sd·z with sd up
 * to e² and |z| up to 2). Warm-up then spends its first windows travelling, with a metric and a step size fitted to
 * the tails. On a pooled 10⁷-row fit the random starts were ~10⁴ log-likelihood units from the mode and warm-up sat
 * at step sizes ~0.004 and 67 gradients per draw, against ~6 from the mode; on `y ~ x + (1 | g)` with 10⁵ levels of
 * 10 rows each (sim:levels) early warm-up ran at tree depth ~8 (~300 gradients per draw) with divergent transitions
 * (bench/README.md, "Many levels: where warm-up starts"). Pathfinder's L-BFGS paths reach the bulk for a cost of a
 * few hundred gradients per path, and, unlike the posterior mode (`--init map`), its choice of the best normal
 * approximation along the path is not drawn into the neck of a centered term's funnel, and its draws give every
 * chain a distinct start. The thresholds lie above the data the tests and golden results were made on (Hillstrom's
 * 64,000 rows, sim:crossed's 100,000 rows and 4,003 parameters), so those runs are unchanged.
 */
import type { ModelSpec } from '../model/spec.js';

/** What a user may ask for. */
export type InitChoice = 'auto' | 'random' | 'map' | 'pathfinder';
/** What a fit then does. */
export type InitKind = Exclude<InitChoice, 'auto'>;

export const INIT_CHOICES: readonly InitChoice[] = ['auto', 'random', 'map', 'pathfinder'];

/** Rows from which 'auto' starts from Pathfinder. */
export const AUTO_INIT_MIN_ROWS = 1_000_000;
/** Unconstrained parameters from which 'auto' starts from Pathfinder. */
export const AUTO_INIT_MIN_PARAMETERS = 50_000;

/** The rule in one line, for `nutmeg fit --help`. */
export const AUTO_INIT_RULE = `auto = pathfinder with ${AUTO_INIT_MIN_ROWS.toLocaleString('en-US')}+ rows or ${AUTO_INIT_MIN_PARAMETERS.toLocaleString('en-US')}+ parameters, random otherwise`;

/** The starting points for `spec` when the user asked for `choice`, and why (null when the user chose). */
export function chooseInit(choice: InitChoice, spec: Pick<ModelSpec, 'n' | 'dim'>): { init: InitKind; reason: string | null } {
  if (choice !== 'auto') return { init: choice, reason: null };
  const big: string[] = [];
  if (spec.n >= AUTO_INIT_MIN_ROWS) big.push(`${spec.n.toLocaleString('en-US')} rows`);
  if (spec.dim >= AUTO_INIT_MIN_PARAMETERS) big.push(`${spec.dim.toLocaleString('en-US')} parameters`);
  if (big.length === 0) return { init: 'random', reason: null };
  return { init: 'pathfinder', reason: `${big.join(' and ')}: random initial values would start far in the tails; --init random for Stan's` };
}
