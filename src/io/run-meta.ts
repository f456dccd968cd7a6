/**
 * A run's record, fit.json (RunMeta), and what its chain CSVs hold, with no file access: run-dir.ts writes and reads
 * run directories in Node; the browser build makes the same files for download (src/browser/run-files.ts).
 */
import type { CmdStanCsvContent } from './cmdstan-csv-text.js';
import type { ColumnType } from '../data/text-columns.js';
import type { CsvSeparator, DecimalMark } from '../data/csv-dialect.js';
import type { Fit } from '../fit/fit.js';
import type { PathfinderReport } from '../fit/pathfinder-fit.js';
import type { TermEfficiency } from '../diagnostics/term-efficiency.js';
import type { FixedBasisChoice } from '../model/build.js';
import { defaultLink } from '../model/families/index.js';
import { constrain } from '../model/layout.js';
import { allStored, columnValue } from '../column-draws.js';
import type { LkjPrior, Prior } from '../model/prior.js';
import type { DesignRecipe } from '../model/recipe.js';
import { INDEXED_RULE, indexedLayout } from '../model/indexed-fixed.js';
import { termLabel, type Family, type ModelSpec, type Parameterization } from '../model/spec.js';
import { isPerLevelName } from './variable-names.js';

export const RUN_FORMAT = 'nutmeg-run';

export interface RunDataSource {
  /** `sim:<name>` or a CSV path (absolute, as given when fitting). */
  readonly source: string;
  /** Seed of a simulated data set; null for a file. */
  readonly seed: number | null;
  readonly rows: number;
  /** Column types stated with --factor / --numeric when fitting; absent when none were. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** The CSV separator and decimal mark given with --sep / --decimal when fitting; absent when not given. */
  readonly sep?: CsvSeparator;
  readonly decimal?: DecimalMark;
}

/**
 * What a run keeps of the per-level variables (r_, z_ …): `all` their draws in the chain CSVs; `summary` only their
 * posterior summary, in effects-summary.csv; `none` nothing. The chain CSVs hold the population-level parameters
 * (b_, sd_) in every case.
 */
export type SaveEffects = 'all' | 'summary' | 'none';
export interface RunMeta {
  readonly format: typeof RUN_FORMAT;
  readonly version: 1;
  readonly nutmegVersion: string;
  readonly created: string;
  readonly formula: string;
  readonly family: string;
  /** The link (logit, probit, identity, log); absent in older runs, where it is the family's default. */
  readonly link?: string;
  readonly data: RunDataSource;
  readonly priors: Record<string, Prior | LkjPrior>;
  readonly parameterization: Record<string, Parameterization>;
  /**
   * The non-centered terms whose sd the sampler moved as a signed coordinate v (sd = |v|, src/model/signed-scale.ts)
   * rather than log sd; absent in runs written before it existed (then none).
   */
  readonly signedSd?: readonly string[];
  /**
   * The terms whose levels the sampler moved scaled (ζ_k = z_k·√(1 + sd²·I_k), sd-scale scaled): with a signed sd when
   * also in signedSd, else with log sd (a term the data pin down); absent: none.
   */
  readonly scaledSd?: readonly string[];
  /** Coordinates of the fixed effects (src/model/fixed-basis.ts); absent in runs written before it existed. */
  readonly fixedBasis?: FixedBasisChoice;
  /**
   * How the fixed effects are stored (src/model/indexed-fixed.ts): the rule, and each term stored as a level index
   * with its coefficients and cells; absent in runs written before it existed (then all dense).
   */
  readonly fixedLayout?: FixedLayout;
  /** layout: how the gradient read the rows (Backend.layout), when the backend chose it from the data. */
  readonly backend: { readonly kind: string; readonly description: string; readonly layout?: string };
  readonly settings: Fit['sample']['settings'];
  readonly timings: {
    readonly buildSeconds: number;
    readonly backendSeconds: number;
    readonly modeSeconds: number;
    readonly warmupSeconds: number;
    readonly samplingSeconds: number;
  };
  readonly gradients: { readonly total: number; readonly perChain: number[]; readonly samplingPerDraw: number };
  readonly divergences: number[];
  readonly stepSize: number[];
  /** Warm-up iterations each chain used (the adaptive warm-up may end before settings.warmup); absent in older runs. */
  readonly warmupIterations?: number[];
  readonly coordinates: Record<string, readonly string[]>;
  readonly incomplete: boolean;
  /** Every warning the fit printed (data, sampler, convergence), without "warning: "; absent in older runs. */
  readonly warnings?: string[];
  /** Set only in a run whose writing failed (disk full, I/O error): why; the files may be cut short. */
  readonly writeError?: string;
  readonly files: string[];
  /** What the chain CSVs keep of the per-level variables; absent in older runs (then all). */
  readonly saveEffects?: SaveEffects;
  /** With saveEffects summary: the file of the per-level summaries, the HDI probability and the number of rows. */
  readonly effectsSummary?: { readonly file: string; readonly hdiProb: number; readonly variables: number };
  /**
   * With saveEffects summary: the compact file of the group effects' draws (src/io/effects-draws.ts) that loo, score
   * and serve read in place of CSV columns, and how many variables it holds.
   */
  readonly effectsDraws?: { readonly file: string; readonly dtype: 'float32'; readonly variables: number };
  readonly recipe: DesignRecipe;
  /** 'pathfinder' for `--method pathfinder` (the draws are its approximation's); absent for NUTS. */
  readonly method?: 'pathfinder';
  /** The Pathfinder run (`--init pathfinder` or `--method pathfinder`): Pareto k, gradients, seconds, paths. */
  readonly pathfinder?: PathfinderReport;
  /** Where the chains started: random, levels, map or pathfinder (what `--init auto` chose); absent in older runs. */
  readonly init?: 'random' | 'levels' | 'map' | 'pathfinder';
  /**
   * Sampler efficiency per varying term (src/diagnostics/term-efficiency.ts): smallest bulk-ESS over its sd and level
   * effects, per 1,000 gradients of the fit; absent in older runs, in runs without varying terms and with --method pathfinder.
   */
  readonly termEfficiency?: TermEfficiency[];
}

export interface FixedLayout {
  readonly rule: string;
  readonly dense: number;
  readonly indexed: readonly { readonly term: string; readonly coefficients: number; readonly cells: number }[];
}

function fixedLayout(spec: ModelSpec): FixedLayout {
  return { rule: INDEXED_RULE, ...indexedLayout(spec.fixed) };
}

/** What fit.json records of a sampling run, for formula fits and density models alike. */
export function samplingRecord(
  s: Fit['sample'],
  warnings: readonly string[],
): Pick<RunMeta, 'settings' | 'gradients' | 'divergences' | 'stepSize' | 'incomplete' | 'files'> & { warmupIterations: number[]; warnings: string[] } {
  const total = s.gradientEvaluations.reduce((a, b) => a + b, 0);
  const sampling = s.samplingGradientEvaluations.reduce((a, b) => a + b, 0);
  return {
    settings: s.settings,
    gradients: {
      total,
      perChain: Array.from(s.gradientEvaluations),
      samplingPerDraw: s.samplingDone > 0 ? sampling / (s.samplingDone * s.nChains) : 0,
    },
    divergences: Array.from(s.divergences),
    stepSize: Array.from(s.stepSize),
    warmupIterations: Array.from(s.warmupIterations),
    incomplete: s.incomplete,
    warnings: [...warnings],
    files: Array.from({ length: s.nChains }, (_, c) => `chain-${c + 1}.csv`),
  };
}

export function runMeta(fit: Fit, data: RunDataSource, nutmegVersion: string, warnings: readonly string[] = []): RunMeta {
  const { spec } = fit.model;
  const s = fit.sample;
  const priors: Record<string, Prior | LkjPrior> = {};
  for (const row of fit.model.priors.table) priors[row.parameter] = row.prior;
  const parameterization: Record<string, Parameterization> = {};
  spec.terms.forEach((term, t) => {
    parameterization[termLabel(spec, t)] = term.parameterization;
  });
  return {
    format: RUN_FORMAT,
    version: 1,
    nutmegVersion,
    created: new Date().toISOString(),
    formula: spec.formula,
    family: spec.family,
    link: spec.link ?? defaultLink(spec.family),
    data,
    priors,
    parameterization,
    signedSd: spec.terms.flatMap((term, t) => (term.signedScale ? [termLabel(spec, t)] : [])),
    scaledSd: spec.terms.flatMap((term, t) => (term.levelInformation ? [termLabel(spec, t)] : [])),
    fixedBasis: spec.fixedBasis ? 'qr' : 'natural',
    fixedLayout: fixedLayout(spec),
    backend: { kind: fit.backend.kind, description: fit.backend.description, ...(fit.backend.layout ? { layout: fit.backend.layout } : {}) },
    timings: { ...fit.timings, ...s.timing },
    ...samplingRecord(s, warnings),
    coordinates: fit.coordinates,
    recipe: fit.model.recipe,
    ...(fit.method === 'pathfinder' ? { method: 'pathfinder' as const } : {}),
    ...(fit.pathfinder ? { pathfinder: fit.pathfinder } : {}),
    init: fit.init,
  };
}

/**
 * What the chain CSVs of a run hold (cmdstan-csv-text.ts): the constrained draws, only the population-level columns
 * unless meta.saveEffects is all or absent, and the model's lines in the header comments.
 */
export function chainCsvContent(fit: Fit, meta: RunMeta): Omit<CmdStanCsvContent, 'chain'> {
  const { spec } = fit.model;
  const all = (meta.saveEffects ?? 'all') === 'all';
  // every constrained variable, the per-level ones perhaps read in place (src/column-draws.ts)
  const draws = fit.columns ?? allStored(fit.draws);
  const kept = all ? null : Int32Array.from(draws.names.flatMap((n, j) => (isPerLevelName(n) ? [] : [j])));
  const full = kept === null ? null : new Float64Array(draws.names.length);
  const columns = kept ?? Int32Array.from(draws.names, (_, j) => j);
  return {
    result: fit.sample,
    // the rows come from the constrained draws the fit already holds (the same constrain made them): the unconstrained
    // draws may have been released (FitOptions.keepUnconstrained), and nothing is constrained twice
    row: (chain, draw, out) => {
      for (let j = 0; j < columns.length; j++) out[j] = columnValue(draws, columns[j], chain, draw);
    },
    names: kept === null ? draws.names : Array.from(kept, (j) => draws.names[j]),
    constrain:
      kept === null || full === null
        ? (theta, out) => constrain(spec, theta, out)
        : (theta, out) => {
            constrain(spec, theta, full);
            for (let j = 0; j < kept.length; j++) out[j] = full[kept[j]];
          },
    extra: {
      nutmeg_formula: meta.formula,
      nutmeg_family: meta.family,
      nutmeg_link: meta.link ?? defaultLink(meta.family as Family),
      nutmeg_backend: meta.backend.description,
      ...(meta.method ? { nutmeg_method: meta.method } : {}),
    },
  };
}
