/**
 * A fit as ArviZ's InferenceData (the "InferenceData schema specification" of ArviZ's documentation), written as
 * NetCDF-4 (src/io/netcdf4.ts), so that `arviz.from_netcdf` and xarray read it:
 *  - posterior: every population-level variable (b_, sd_, cor_, sigma/shape) over (chain, draw); each family of
 *    per-level variables (r_g__t[k], z_g__t[k]) as one variable r_g__t over (chain, draw, g__level), whose coordinate
 *    holds the level names of grouping factor g (shared by the factor's terms);
 *  - sample_stats: lp, acceptance_rate, step_size, tree_depth, n_steps, diverging (bool), energy — ArviZ's names for
 *    CmdStan's lp__, accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__;
 *  - observed_data: the outcome over `<outcome>_dim_0` (ArviZ's default dimension name), and constant_data: the
 *    binomial trials over the same dimension;
 *  - log_likelihood (when given): the pointwise log-likelihood named after the outcome, over (chain, draw,
 *    `<outcome>_dim_0`), which arviz.loo reads;
 *  - effects_summary (with --save-effects summary, in place of the group effects' draws): each family's per-level
 *    summary over (g__level, statistic), the columns of effects-summary.csv.
 * Every group and the root carry ArviZ's attributes: created_at, inference_library ("nutmeg"),
 * inference_library_version; posterior and sample_stats also sampling_time (seconds) and tuning_steps.
 * Chain and draw coordinates are 0-based int64, as ArviZ makes them.
 */
import type { DrawSet } from '../draws.js';
import type { SummaryRow } from '../diagnostics/summary.js';
import { allStored, columnVariable, type ColumnDraws } from '../column-draws.js';
import type { Fit } from '../fit/fit.js';
import { fitLogLikBlocks } from '../loo/fit-loo.js';
import type { LogLikBlock } from '../loo/loo.js';
import { termLabel, type ModelSpec } from '../model/spec.js';
import { EFFECTS_SUMMARY_COLUMNS } from './effects-summary.js';
import { writeNetcdf4, type NcAttr, type NcBlock, type NcDim, type NcFile, type NcGroup, type NcVariable } from './netcdf4.js';
import { isPerLevelName } from './variable-names.js';

/** What the file keeps of the group effects (as --save-effects): draws, summaries, or nothing. */
export type InferenceDataEffects = 'all' | 'summary' | 'none';

export interface InferenceDataInput {
  readonly spec: ModelSpec;
  /** Constrained draws, names in bracket form (r_g__t[3]); the per-level ones may be read in place (src/column-draws.ts). */
  readonly draws: DrawSet | ColumnDraws;
  /** Sampler statistics (CmdStan names); null: no sample_stats group. */
  readonly stats: DrawSet | null;
  /** Default 'all'. */
  readonly effects?: InferenceDataEffects;
  /** With effects 'summary': the per-level summary rows (bracket names). */
  readonly effectsSummary?: readonly SummaryRow[];
  /** The pointwise log-likelihood in blocks of observations, each all draws (chain by chain) × its observations. */
  readonly logLik?: Iterable<LogLikBlock> | AsyncIterable<LogLikBlock>;
  readonly nutmegVersion: string;
  /** Seconds of warm-up and sampling, and warm-up iterations per chain. */
  readonly samplingSeconds?: number;
  readonly tuningSteps?: number;
  /** ISO time; default now. */
  readonly createdAt?: string;
}

/** ArviZ's sample_stats names for CmdStan's (and the dtype ArviZ gives them). */
export const SAMPLE_STATS: Readonly<Record<string, { readonly name: string; readonly dtype: 'float64' | 'int64' | 'bool' }>> = {
  lp__: { name: 'lp', dtype: 'float64' },
  accept_stat__: { name: 'acceptance_rate', dtype: 'float64' },
  stepsize__: { name: 'step_size', dtype: 'float64' },
  treedepth__: { name: 'tree_depth', dtype: 'int64' },
  n_leapfrog__: { name: 'n_steps', dtype: 'int64' },
  divergent__: { name: 'diverging', dtype: 'bool' },
  energy__: { name: 'energy', dtype: 'float64' },
};

/** Values per block of a variable written in blocks (~4 MB of float64). */
const BLOCK_VALUES = 1 << 19;

function range64(n: number): BigInt64Array {
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = BigInt(i);
  return out;
}

/** The dimension of a family's levels: `<group>__level` for a term's effects, else ArviZ's `<family>_dim_0`. */
interface LevelDim {
  readonly dim: string;
  readonly levels: readonly string[];
}

function familyDims(spec: ModelSpec): Map<string, LevelDim> {
  const dims = new Map<string, LevelDim>();
  spec.terms.forEach((term, t) => {
    const group = spec.groups[term.group];
    const dim = { dim: `${group.name}__level`, levels: group.levels };
    for (const prefix of ['r_', 'z_']) dims.set(`${prefix}${termLabel(spec, t)}`, dim);
  });
  return dims;
}

/** A per-level name's family and 1-based level: r_g__t[3] → [r_g__t, 3]. */
function splitLevel(name: string): [string, number] {
  const open = name.lastIndexOf('[');
  return [name.slice(0, open), Number(name.slice(open + 1, -1))];
}

interface Family {
  readonly name: string;
  /** Draw-set index of level k (0-based) at [k]. */
  readonly columns: number[];
}

/** The families of per-level variables in order of first appearance, each checked to list levels 1 … K in order. */
function perLevelFamilies(names: readonly string[]): Family[] {
  const families = new Map<string, number[]>();
  names.forEach((n, v) => {
    if (!isPerLevelName(n)) return;
    const [family, k] = splitLevel(n);
    const columns = families.get(family) ?? [];
    if (k !== columns.length + 1) throw new Error(`inference data: ${n} out of level order`);
    columns.push(v);
    families.set(family, columns);
  });
  return [...families].map(([name, columns]) => ({ name, columns }));
}

/** A variable's draws over (chain, draw), one block. */
function scalarBlocks(draws: ColumnDraws, v: number): NcBlock[] {
  return [{ start: 0, count: draws.nDraws, values: columnVariable(draws, v).slice() }];
}

/**
 * A family's draws over (chain, draw, level) in blocks of levels: the draw set is variable-major, the file C order
 * with the level fastest, so each block is transposed into a buffer of its own.
 */
function* familyBlocks(draws: ColumnDraws, columns: readonly number[]): Generator<NcBlock> {
  const size = draws.nChains * draws.nDraws;
  const per = Math.max(1, Math.min(columns.length, Math.floor(BLOCK_VALUES / size)));
  const scratch = new Float64Array(size);
  for (let k0 = 0; k0 < columns.length; k0 += per) {
    const count = Math.min(per, columns.length - k0);
    const values = new Float64Array(size * count);
    for (let j = 0; j < count; j++) {
      const x = columnVariable(draws, columns[k0 + j], scratch);
      for (let s = 0; s < size; s++) values[s * count + j] = x[s];
    }
    yield { start: k0, count, values };
  }
}

/** A vector in blocks along its only dimension. */
function* vectorBlocks(values: Float64Array): Generator<NcBlock> {
  for (let start = 0; start < values.length; start += BLOCK_VALUES) {
    const count = Math.min(BLOCK_VALUES, values.length - start);
    yield { start, count, values: values.slice(start, start + count) };
  }
}

async function* logLikBlocks(blocks: Iterable<LogLikBlock> | AsyncIterable<LogLikBlock>): AsyncGenerator<NcBlock> {
  // a block's buffer may be reused by its producer for the next one: copied before the next is asked for
  for await (const b of blocks) yield { start: b.start, count: b.count, values: b.values.slice(0, b.values.length) };
}

function chainDrawDims(draws: { readonly nChains: number; readonly nDraws: number }): NcDim[] {
  return [
    { name: 'chain', values: range64(draws.nChains) },
    { name: 'draw', values: range64(draws.nDraws) },
  ];
}

function posteriorGroup(input: InferenceDataInput, attrs: Record<string, NcAttr>): NcGroup {
  const { spec } = input;
  const draws = 'source' in input.draws ? input.draws : allStored(input.draws);
  const effects = input.effects ?? 'all';
  const dims = chainDrawDims(draws);
  const variables: NcVariable[] = [];
  draws.names.forEach((n, v) => {
    if (!isPerLevelName(n)) variables.push({ name: n, dims: ['chain', 'draw'], dtype: 'float64', blocks: scalarBlocks(draws, v) });
  });
  if (effects === 'all') {
    const levelDims = familyDims(spec);
    for (const f of perLevelFamilies(draws.names)) {
      const known = levelDims.get(f.name);
      const level: LevelDim =
        known !== undefined && known.levels.length === f.columns.length
          ? known
          : { dim: `${f.name}_dim_0`, levels: Array.from({ length: f.columns.length }, (_, k) => String(k)) };
      if (!dims.some((d) => d.name === level.dim)) dims.push({ name: level.dim, values: level.levels });
      variables.push({ name: f.name, dims: ['chain', 'draw', level.dim], dtype: 'float64', blocks: familyBlocks(draws, f.columns) });
    }
  }
  return { name: 'posterior', attrs, dims, variables };
}

function sampleStatsGroup(stats: DrawSet, attrs: Record<string, NcAttr>): NcGroup {
  const size = stats.nChains * stats.nDraws;
  const variables: NcVariable[] = [];
  stats.names.forEach((n, v) => {
    const known = SAMPLE_STATS[n];
    const x = stats.values.subarray(v * size, (v + 1) * size);
    const name = known?.name ?? n;
    const block = (values: NcBlock['values']): NcBlock[] => [{ start: 0, count: stats.nDraws, values }];
    if (known?.dtype === 'bool') {
      variables.push({ name, dims: ['chain', 'draw'], dtype: 'int8', attrs: { dtype: 'bool' }, blocks: block(Int8Array.from(x, (d) => (d !== 0 ? 1 : 0))) });
    } else if (known?.dtype === 'int64') {
      const ints = new BigInt64Array(size);
      for (let i = 0; i < size; i++) ints[i] = BigInt(Math.round(x[i]));
      variables.push({ name, dims: ['chain', 'draw'], dtype: 'int64', blocks: block(ints) });
    } else {
      variables.push({ name, dims: ['chain', 'draw'], dtype: 'float64', blocks: block(x.slice()) });
    }
  });
  return { name: 'sample_stats', attrs, dims: chainDrawDims(stats), variables };
}

/** With --save-effects summary: each family's summary over (level, statistic). */
function effectsSummaryGroup(spec: ModelSpec, rows: readonly SummaryRow[], attrs: Record<string, NcAttr>): NcGroup {
  const levelDims = familyDims(spec);
  const families = perLevelFamilies(rows.map((r) => r.variable));
  const dims: NcDim[] = [{ name: 'statistic', values: [...EFFECTS_SUMMARY_COLUMNS] }];
  const nStat = EFFECTS_SUMMARY_COLUMNS.length;
  const variables: NcVariable[] = families.map((f) => {
    const known = levelDims.get(f.name);
    const level: LevelDim =
      known !== undefined && known.levels.length === f.columns.length
        ? known
        : { dim: `${f.name}_dim_0`, levels: Array.from({ length: f.columns.length }, (_, k) => String(k)) };
    if (!dims.some((d) => d.name === level.dim)) dims.push({ name: level.dim, values: level.levels });
    const values = new Float64Array(f.columns.length * nStat);
    f.columns.forEach((row, k) => EFFECTS_SUMMARY_COLUMNS.forEach((c, s) => (values[k * nStat + s] = rows[row][c] ?? NaN)));
    return { name: f.name, dims: [level.dim, 'statistic'], dtype: 'float64', blocks: [{ start: 0, count: nStat, values }] };
  });
  return { name: 'effects_summary', attrs, dims, variables };
}

/** The InferenceData groups of a fit, in ArviZ's order. */
export function inferenceDataFile(input: InferenceDataInput): NcFile {
  const { spec, draws } = input;
  const base: Record<string, NcAttr> = {
    created_at: input.createdAt ?? new Date().toISOString(),
    inference_library: 'nutmeg',
    inference_library_version: input.nutmegVersion,
  };
  const sampling: Record<string, NcAttr> = {
    ...base,
    ...(input.samplingSeconds !== undefined ? { sampling_time: input.samplingSeconds } : {}),
    ...(input.tuningSteps !== undefined ? { tuning_steps: input.tuningSteps } : {}),
  };
  const obsDim = `${spec.outcome}_dim_0`;
  const observations: NcDim[] = [{ name: obsDim, values: range64(spec.n) }];
  const groups: NcGroup[] = [posteriorGroup(input, sampling)];
  if (input.stats !== null) groups.push(sampleStatsGroup(input.stats, sampling));
  if (input.logLik !== undefined) {
    groups.push({
      name: 'log_likelihood',
      attrs: base,
      dims: [...chainDrawDims(draws), ...observations],
      variables: [{ name: spec.outcome, dims: ['chain', 'draw', obsDim], dtype: 'float64', blocks: logLikBlocks(input.logLik) }],
    });
  }
  groups.push({
    name: 'observed_data',
    attrs: base,
    dims: observations,
    variables: [{ name: spec.outcome, dims: [obsDim], dtype: 'float64', blocks: vectorBlocks(spec.y) }],
  });
  if (spec.trials !== null) {
    groups.push({
      name: 'constant_data',
      attrs: base,
      dims: observations,
      variables: [{ name: 'trials', dims: [obsDim], dtype: 'float64', blocks: vectorBlocks(spec.trials) }],
    });
  }
  if ((input.effects ?? 'all') === 'summary') {
    if (input.effectsSummary === undefined) throw new Error('inference data: effects summary without its rows');
    groups.push(effectsSummaryGroup(spec, input.effectsSummary, base));
  }
  return { attrs: base, groups };
}

/** Writes the InferenceData of `input` to `path` as NetCDF-4 (replacing it once complete); returns the groups' names. */
export async function writeInferenceData(path: string, input: InferenceDataInput): Promise<string[]> {
  const file = inferenceDataFile(input);
  await writeNetcdf4(path, file, `nutmeg=${input.nutmegVersion}`);
  return file.groups.map((g) => g.name);
}

export interface FitInferenceDataOptions {
  /** Default 'all'. */
  readonly effects?: InferenceDataEffects;
  /** With effects 'summary': the per-level summary rows. */
  readonly effectsSummary?: readonly SummaryRow[];
  /** Add the log_likelihood group, computed by the fit's backend block by block. Default false. */
  readonly logLik?: boolean;
  readonly nutmegVersion: string;
}

/** Draws × observations per log-likelihood block at most (~4 MB). */
const LOGLIK_BLOCK_VALUES = 1 << 19;

/** A fit still in memory (fitModel's result) written as InferenceData; returns the groups' names. */
export async function writeFitInferenceData(path: string, fit: Fit, options: FitInferenceDataOptions): Promise<string[]> {
  const s = fit.sample;
  const draws = s.nChains * s.nDraws;
  const blockRows = Math.max(1, Math.floor(LOGLIK_BLOCK_VALUES / Math.max(1, draws)));
  return writeInferenceData(path, {
    spec: fit.model.spec,
    draws: fit.columns ?? fit.draws,
    stats: fit.stats,
    effects: options.effects,
    effectsSummary: options.effectsSummary,
    logLik: options.logLik ? fitLogLikBlocks(fit, blockRows).blocks : undefined,
    nutmegVersion: options.nutmegVersion,
    samplingSeconds: s.timing.warmupSeconds + s.timing.samplingSeconds,
    tuningSteps: s.settings.warmup,
  });
}
