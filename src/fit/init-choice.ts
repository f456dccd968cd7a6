/**
 * The starting points a fit uses when the user does not choose them (`init: 'auto'`, the default):
 *
 *   pathfinder  when the data are big and the parameters few: AUTO_INIT_MIN_ROWS rows or more and at most
 *               AUTO_INIT_MAX_DIM parameters (src/fit/pathfinder-fit.ts: every chain starts
 *               at its own PSIS-weighted Pathfinder draw, and warm-up at the approximation's variances as its
 *               diagonal metric);
 *   levels      otherwise, when a non-centered varying term has MANY_LEVELS (50) levels or more
 *               (src/fit/level-start.ts: uniform(−2, 2) except that term's sd, at the levels' crude sd, and its
 *               levels, drawn given that sd from their one-step estimates);
 *   random      otherwise: Stan's uniform(−2, 2) on the unconstrained scale, so smaller data keep their results.
 *
 * Why levels. On sim:levels (10⁵ levels of 10 rows, non-centered) a random start cost 254–301 gradients a
 * chain-iteration in the first warm-up iterations, with step sizes down to 1.8·10⁻⁴ (bench/README.md, "Many levels,
 * third step: the first warm-up iterations", where the figures with the level start are): the sd and all the z's
 * must travel together from where uniform(−2, 2) put them. Terms with fewer levels (Hillstrom's) keep the random start.
 *
 * Why rows. A random start is as far from the posterior, in log-density units, as the data are big: every row adds
 * to the misfit at uniform(−2, 2). Warm-up then spends its first windows travelling with a step size fitted to the
 * tails: on a pooled 10⁷-row fit the random starts were ~10⁴ log-likelihood units from the mode and warm-up sat at
 * step sizes ~0.004 and 67 gradients per draw, against 6.3 from the mode (bench/README.md, "Scaling with rows").
 * Pathfinder's L-BFGS paths reach the bulk for a few hundred gradients per path and, unlike the posterior mode
 * (`--init map`), its choice of the best normal approximation along a path is not drawn into the neck of a centered
 * term's funnel; its draws give every chain a distinct start and its variances a first metric.
 * Why not parameters. Many parameters alone did not call for it: on sim:levels with 10⁴ levels of 10 rows
 * (10⁵ rows, 10,003 parameters) warm-up took 63,811 gradients from random starts and 64,058 (plus Pathfinder's 9,085)
 * from Pathfinder's, with the same 31 gradients per draw after; there the cost was the Fisher warm-up's first
 * iterations, run at the maximum tree depth under its initial metric (1/g₀² from a random start, Pathfinder's
 * variances from its), which the curvature start (src/sampler/adaptation/curvature-diagonal.ts) now removes:
 * 51,741 warm-up gradients from random starts (bench/README.md, "Many levels: where warm-up starts").
 * Why at most AUTO_INIT_MAX_DIM parameters. On sim:levels with 10⁵ levels on 10⁶ rows (100,003 parameters) the
 * Pathfinder start itself took 867 s of a 2,100 s run, its paths stopped far from the bulk (Pareto k Inf), and warm-up
 * still began at step sizes 0.024–0.11 (bench/README.md, "Many levels: where warm-up starts"): in that many dimensions
 * L-BFGS paths are long and short windows of them say little. Few parameters and many rows is the case the random
 * start fails and an optimiser is cheap.
 * The threshold lies above the data the tests and golden results were made on (Hillstrom's 64,000 rows,
 * sim:crossed's 100,000), so those runs are unchanged.
 */
import { MANY_LEVELS } from '../model/parameterization.js';
import type { ModelSpec } from '../model/spec.js';
import { groupedInteger } from '../report/integer-text.js';

/** What a user may ask for. */
export type InitChoice = 'auto' | 'random' | 'levels' | 'map' | 'pathfinder';
/** What a fit then does. */
export type InitKind = Exclude<InitChoice, 'auto'>;

export const INIT_CHOICES: readonly InitChoice[] = ['auto', 'random', 'levels', 'map', 'pathfinder'];

/** Rows from which 'auto' starts from Pathfinder. */
export const AUTO_INIT_MIN_ROWS = 1_000_000;

/** Parameters up to which 'auto' starts big data from Pathfinder. */
export const AUTO_INIT_MAX_DIM = 1_000;

/**
 * The rule in one line, for `nutmeg fit --help`. Built when this module loads, on every `nutmeg fit`: groupedInteger,
 * not toLocaleString, whose first call initialises ICU's number formatting (issue 16 item 6).
 */
export const AUTO_INIT_RULE = `auto = pathfinder with ${groupedInteger(AUTO_INIT_MIN_ROWS)}+ rows and at most ${groupedInteger(AUTO_INIT_MAX_DIM)} parameters, else levels with a non-centered term of ${MANY_LEVELS}+ levels, random otherwise`;

/**
 * The starting points for `spec` when the user asked for `choice`, and why (null when the user chose, or for random).
 * `manyLevels`: the model has a non-centered term the level start sets (src/fit/level-start.ts, levelStartTerms).
 */
export function chooseInit(choice: InitChoice, spec: Pick<ModelSpec, 'n' | 'dim'>, manyLevels = false): { init: InitKind; reason: string | null } {
  if (choice !== 'auto') return { init: choice, reason: null };
  if (spec.n < AUTO_INIT_MIN_ROWS || spec.dim > AUTO_INIT_MAX_DIM) {
    if (!manyLevels) return { init: 'random', reason: null };
    return { init: 'levels', reason: `a non-centered term of ${MANY_LEVELS}+ levels: its sd starts at the levels' crude sd and its levels from the data; --init random for Stan's` };
  }
  return { init: 'pathfinder', reason: `${groupedInteger(spec.n)} rows: random initial values would start far in the tails; --init random for Stan's` };
}
