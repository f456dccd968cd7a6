/**
 * A fit on disk (RUN_DIR), as `nutmeg fit --out DIR` writes it: one CmdStan-format CSV per chain (readable by R's
 * posterior / rstan::read_stan_csv and ArviZ from_cmdstan unchanged) and `fit.json` with everything needed to rebuild
 * the model (formula, data source, priors, parameterization, design recipe), the settings, seeds, timings, gradient
 * counts and the level names of every indexed parameter. loadRun reads it back; rebuildRun also rebuilds the
 * ModelSpec and the unconstrained draws, for LOO and scoring.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { chainDraws, makeDrawSet, type DrawSet } from '../draws.js';
import type { Fit } from '../fit/fit.js';
import { loadData } from '../data/load.js';
import { buildModel, type BuiltModel } from '../model/build.js';
import { constrainedNames, unconstrain } from '../model/layout.js';
import type { LinkName } from '../model/families/family.js';
import { FAMILIES, type Family } from '../model/spec.js';
import { writeCmdStanCsvFiles } from './cmdstan-csv-write.js';
import { RUN_FORMAT, chainCsvContent, type RunMeta, type SaveEffects } from './run-meta.js';
import { stageDir, stagedWriteFailure, writeFileFully, type WriteFn } from './out-target.js';
import { readCmdStanInto, readDrawsCsv, toBracketName, type ChainTarget } from './draws-csv-read.js';
import type { SummaryRow } from '../diagnostics/summary.js';
import { EFFECTS_SUMMARY_FILE, effectsSummaryCsv } from './effects-summary.js';
import { EFFECTS_DRAWS_FILE, openEffectsDraws, readEffectsValues, storedEffectNames, writeEffectsDraws, type EffectsDrawsFile } from './effects-draws.js';
import { densityRunRefusal, isDensityRunMeta } from './density-run.js';
import { columnsOfFormula } from '../model/formula/columns.js';

export { RUN_FORMAT, runMeta, chainCsvContent, type RunDataSource, type RunMeta, type SaveEffects } from './run-meta.js';

export const SAVE_EFFECTS: readonly SaveEffects[] = ['all', 'summary', 'none'];
/** The default is `all` up to this many per-level values per draw, `summary` above (issue 16 item 4). */
export const SAVE_EFFECTS_ALL_LIMIT = 10_000;

/** The NetCDF file (ArviZ InferenceData) that `fit --format netcdf --out DIR` adds to the run directory. */
export const NETCDF_RUN_FILE = 'inference_data.nc';

/** The default --save-effects for a run with this many per-level values per draw. */
export function defaultSaveEffects(perLevelValues: number): SaveEffects {
  return perLevelValues <= SAVE_EFFECTS_ALL_LIMIT ? 'all' : 'summary';
}

export interface WriteRunOptions {
  /** The low-level write (default fs.writeSync); tests inject one that fails (ENOSPC) or writes short. */
  readonly write?: WriteFn;
  /** With meta.saveEffects summary: the summary rows of the per-level variables, written to effects-summary.csv. */
  readonly effects?: readonly SummaryRow[];
}

/**
 * Writes RUN_DIR in place: chain-<c>.csv per chain (CmdStan format; only the population-level columns unless
 * meta.saveEffects is all or absent), effects-summary.csv with saveEffects summary, and fit.json.
 */
export function writeRun(dir: string, fit: Fit, meta: RunMeta, options: WriteRunOptions = {}): void {
  writeCmdStanCsvFiles(dir, { ...chainCsvContent(fit, meta), write: options.write });
  if (meta.effectsSummary !== undefined) {
    if (options.effects === undefined) throw new Error('writeRun: meta.effectsSummary without the effects rows');
    writeFileFully(join(dir, meta.effectsSummary.file), effectsSummaryCsv(options.effects), options.write);
  }
  if (meta.effectsDraws !== undefined) writeEffectsDraws(join(dir, meta.effectsDraws.file), fit.columns ?? fit.draws, options.write);
  writeFileFully(join(dir, 'fit.json'), JSON.stringify(meta, null, 2) + '\n', options.write);
}

/** fit.json's record of what was kept of the per-level variables (spread into the RunMeta). */
export function effectsMeta(
  saveEffects: SaveEffects,
  effects: readonly SummaryRow[],
  hdiProb: number,
  drawNames: readonly string[],
): Pick<RunMeta, 'saveEffects' | 'effectsSummary' | 'effectsDraws'> {
  return saveEffects === 'summary'
    ? {
        saveEffects,
        effectsSummary: { file: EFFECTS_SUMMARY_FILE, hdiProb, variables: effects.length },
        effectsDraws: { file: EFFECTS_DRAWS_FILE, dtype: 'float32', variables: storedEffectNames(drawNames).length },
      }
    : { saveEffects };
}

/**
 * Refuses a run that kept no draws of the group effects (saved with --save-effects none): LOO, scoring and serving
 * rebuild the model from every parameter's draws. A summary run has them in effects-draws.bin (loadRun reads it).
 */
export function requireEffectDraws(dir: string, meta: RunMeta, command: string): void {
  const saved = meta.saveEffects ?? 'all';
  if (saved === 'all' || meta.effectsDraws !== undefined) return;
  throw new UserError(
    `${dir}: saved with --save-effects ${saved}, so the group effects' draws that ${command} needs were not kept; refit with --save-effects all --out ${dir}`,
  );
}

export interface SaveRunOptions extends WriteRunOptions {
  /** The flag named in messages. Default "--out". */
  readonly flag?: string;
}

/**
 * Writes a run as one step (checkOutDir has vetted dir before the fit): into a hidden temporary directory beside
 * dir, renamed over dir when every file is complete. When a write fails (disk full, I/O error), dir is left as it
 * was; what was written stays in the temporary directory with fit.json marked incomplete (when it still fits), and
 * the UserError says where.
 */
export function saveRun(dir: string, fit: Fit, meta: RunMeta, options: SaveRunOptions = {}): void {
  const flag = options.flag ?? '--out';
  const staged = stageDir(dir, flag);
  try {
    writeRun(staged.temp, fit, meta, options);
  } catch (e) {
    throw stagedWriteFailure(flag, dir, staged.temp, e, meta, options.write);
  }
  staged.commit();
}

export interface LoadedRun {
  readonly dir: string;
  readonly meta: RunMeta;
  /** Constrained draws, names in bracket form (r_g__t[3]). */
  readonly draws: DrawSet;
  readonly stats: DrawSet | null;
}

function renamed(ds: DrawSet): DrawSet {
  return { ...ds, names: ds.names.map(toBracketName) };
}

/** Refuses the partial run that a failed write kept (its fit.json has `writeError`): its files may be cut short. */
export function refuseFailedWrite(dir: string, meta: { readonly writeError?: string } | null): void {
  if (meta?.writeError === undefined) return;
  throw new UserError(`${dir}: writing this run failed (${meta.writeError}), so its files may be cut short; fit again with room on the disk`);
}

/** `command` names what needs a formula fit, for the refusal of a density model's run (nutmeg its …). */
/**
 * `keepZ: false`: a non-centered term's z read from effects-draws.bin become its effects r in place and are not kept
 * (what the likelihood and scoring read; the z are half of such a run's draws). A run whose chain files hold every
 * effect keeps its z either way.
 */
export function loadRun(dir: string, command = 'this command', options: { readonly keepZ?: boolean } = {}): LoadedRun {
  const meta = readRunMeta(dir, command);
  const csv = readDrawsCsv(meta.files.map((f) => join(dir, f)));
  let draws = renamed(csv.draws);
  if (meta.effectsDraws !== undefined) {
    draws = withEffectDraws(draws, openEffectsDraws(join(dir, meta.effectsDraws.file), draws.nChains, draws.nDraws), options.keepZ === false);
  }
  return { dir, meta, draws, stats: csv.samplerStats ? renamed(csv.samplerStats) : null };
}

/** fit.json of a formula fit's run directory, or the UserError saying why it is not one. */
function readRunMeta(dir: string, command: string): RunMeta {
  const metaPath = join(dir, 'fit.json');
  if (!existsSync(metaPath)) {
    throw new UserError(`${dir}: not a nutmeg run directory (no fit.json); write one with "nutmeg fit --out ${dir}"`);
  }
  let meta: RunMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as RunMeta;
  } catch (e) {
    throw new UserError(`${metaPath}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  if (meta.format !== RUN_FORMAT) throw new UserError(`${metaPath}: not a nutmeg fit.json (format is "${String(meta.format)}")`);
  if (isDensityRunMeta(meta)) throw densityRunRefusal(dir, meta, command);
  refuseFailedWrite(dir, meta);
  return meta;
}

/**
 * The chain CSVs' draws with the group effects of effects-draws.bin appended, and r_g__t[k] = sd_g__t · z_g__t[k]
 * for each non-centered term (whose z alone is stored), as layout.ts's constrain computes it. The file's values are
 * read straight into their place in the one array returned (in the SharedArrayBuffer the threaded summary reads in
 * place), a few megabytes at a time: nothing else of the size of the effects' draws is allocated. `rInPlaceOfZ`: the
 * r are made in the z's place and the z not kept (what the likelihood reads: LOO, scoring), half the memory of a
 * non-centered term's draws.
 */
function withEffectDraws(draws: DrawSet, effects: EffectsDrawsFile, rInPlaceOfZ = false): DrawSet {
  const have = new Set([...draws.names, ...effects.names]);
  const index = new Map(draws.names.map((n, i) => [n, i]));
  const derived: { name: string; z: number; sd: number }[] = [];
  effects.names.forEach((n, j) => {
    if (!n.startsWith('z_')) return;
    const r = `r_${n.slice(2)}`;
    const sd = index.get(`sd_${n.slice(2, n.lastIndexOf('['))}`);
    if (have.has(r)) return;
    if (sd === undefined) throw new UserError(`effects draws: ${n} has no ${`sd_${n.slice(2, n.lastIndexOf('['))}`} column in the chain CSVs; refit with --out`);
    derived.push({ name: r, z: j, sd });
  });
  const size = draws.nChains * draws.nDraws;
  const inPlace = new Map(rInPlaceOfZ ? derived.map((d) => [d.z, d.name]) : []);
  const stored = effects.names.map((n, j) => inPlace.get(j) ?? n);
  const names = [...draws.names, ...stored, ...(rInPlaceOfZ ? [] : derived.map((d) => d.name))];
  const out = makeDrawSet(names, draws.nChains, draws.nDraws, { shared: true });
  const { values } = out;
  values.set(draws.values, 0);
  const first = draws.values.length;
  readEffectsValues(effects, values.subarray(first, first + effects.names.length * size));
  let at = first + effects.names.length * size;
  for (const d of derived) {
    const sd = draws.values.subarray(d.sd * size, (d.sd + 1) * size);
    const z = values.subarray(first + d.z * size, first + (d.z + 1) * size);
    const r = rInPlaceOfZ ? z : values.subarray(at, at + size);
    for (let i = 0; i < size; i++) r[i] = sd[i] * z[i];
    if (!rInPlaceOfZ) at += size;
  }
  return out;
}

/**
 * A run's model rebuilt and the constrained draws its likelihood reads (b, sd, aux, r; a non-centered term's z from
 * effects-draws.bin turned into r in place): what LOO needs, read in the likelihood's coordinates
 * (src/model/likelihood-spec.ts, src/loo/likelihood-draws.ts) with no copy in the sampler's coordinates.
 */
export function loadLikelihoodRun(dir: string, dataOverride?: string, command = 'LOO'): { readonly dir: string; readonly meta: RunMeta; readonly model: BuiltModel; readonly draws: DrawSet } {
  const run = loadRun(dir, command, { keepZ: false });
  const model = rebuildModel(dir, run.meta, dataOverride, command);
  return { dir, meta: run.meta, model, draws: run.draws };
}

/** A run's model rebuilt and its draws in the sampler's coordinates. */
export interface UnconstrainedRun {
  readonly dir: string;
  readonly meta: RunMeta;
  readonly model: BuiltModel;
  /** Per chain: nDraws × dim unconstrained draws (the sampler's coordinates). */
  readonly unconstrained: Float64Array[];
  /** Draws per chain. */
  readonly nDraws: number;
}

export interface RebuiltRun extends LoadedRun, UnconstrainedRun {}

/** The model of a run, rebuilt from its data source (or `dataOverride`) and fit.json. */
function rebuildModel(dir: string, meta: RunMeta, dataOverride: string | undefined, command: string): BuiltModel {
  requireEffectDraws(dir, meta, command);
  const source = dataOverride ?? meta.data.source;
  const simulated = dataOverride === undefined && meta.data.seed !== null;
  const stated = dataOverride === undefined ? { types: meta.data.types, sep: meta.data.sep, decimal: meta.data.decimal } : {};
  // a Parquet or Arrow IPC file: only the formula's columns are read
  const { frame } = loadData(source, meta.data.seed ?? 1, simulated ? meta.data.rows : undefined, { ...stated, columns: columnsOfFormula(meta.formula) });
  if (!(FAMILIES as readonly string[]).includes(meta.family)) {
    throw new UserError(`${dir}/fit.json: family '${meta.family}' is not one this version knows (${FAMILIES.join(', ')})`);
  }
  return buildModel(frame, meta.formula, {
    family: meta.family as Family,
    ...(meta.link !== undefined ? { link: meta.link as LinkName } : {}),
    priors: meta.priors,
    parameterization: meta.parameterization,
    fixedBasis: meta.fixedBasis ?? 'natural',
    // the sampler's sd coordinates as the run had them (src/model/signed-scale.ts)
    sdScale: (meta.scaledSd?.length ?? 0) > 0 ? 'scaled' : (meta.signedSd?.length ?? 0) > 0 ? 'signed' : 'log',
  });
}

/** Per constrained variable of the model, its position among `names` (bracket form), or the UserError naming the first missing one. */
function constrainedColumns(dir: string, spec: BuiltModel['spec'], names: readonly string[]): Int32Array {
  // a Map, not indexOf per name: 2·10⁵ group effects would make that 4·10¹⁰ comparisons
  const index = new Map(names.map((n, i) => [n, i]));
  return Int32Array.from(constrainedNames(spec), (n) => {
    const v = index.get(n);
    if (v === undefined) throw new UserError(`${dir}: the draws have no column for ${n}; was the run written by another model?`);
    return v;
  });
}

/** loadRun, then the model rebuilt from its data source and the draws mapped back to the unconstrained scale. */
export function rebuildRun(dir: string, dataOverride?: string, command = 'LOO'): RebuiltRun {
  const run = loadRun(dir, command);
  const model = rebuildModel(dir, run.meta, dataOverride, command);
  return { ...run, model, unconstrained: unconstrainDraws(model.spec, run.draws, constrainedColumns(dir, model.spec, run.draws.names)), nDraws: run.draws.nDraws };
}

/** Per chain, the draws of `draws` (the model's constrained variables at `columns`) in the sampler's coordinates. */
function unconstrainDraws(spec: BuiltModel['spec'], draws: DrawSet, columns: Int32Array): Float64Array[] {
  const row = new Float64Array(columns.length);
  return Array.from({ length: draws.nChains }, (_, c) => {
    const out = new Float64Array(draws.nDraws * spec.dim);
    const chains = Array.from(columns, (v) => chainDraws(draws, v, c));
    for (let d = 0; d < draws.nDraws; d++) {
      for (let j = 0; j < columns.length; j++) row[j] = chains[j][d];
      unconstrain(spec, row, out.subarray(d * spec.dim, (d + 1) * spec.dim));
    }
    return out;
  });
}

/**
 * A chain file's rows straight into the sampler's coordinates (readCmdStanInto's target): each row's constrained
 * values gathered in the model's order and unconstrained at once, so no DrawSet of the constrained draws is made.
 */
class UnconstrainingTarget implements ChainTarget {
  readonly chains: Float64Array[];
  readonly nDraws: number;
  private readonly row: Float64Array;
  constructor(
    private readonly spec: BuiltModel['spec'],
    private readonly columns: Int32Array,
    nChains: number,
    nDraws: number,
  ) {
    this.nDraws = nDraws;
    this.chains = Array.from({ length: nChains }, () => new Float64Array(nDraws * spec.dim));
    this.row = new Float64Array(columns.length);
  }
  put(values: Float64Array, c: number, d: number): void {
    const { row, columns, spec } = this;
    for (let j = 0; j < columns.length; j++) row[j] = values[columns[j]];
    unconstrain(spec, row, this.chains[c].subarray(d * spec.dim, (d + 1) * spec.dim));
  }
  sameChains(a: number, b: number): boolean {
    const x = this.chains[a];
    const y = this.chains[b];
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
}

/**
 * The model rebuilt and the draws in the sampler's coordinates, without keeping the constrained draws (LOO needs only
 * these): a run saved with every effect in its chain files is read chain by chain straight into the unconstrained
 * draws; a run whose effects are in effects-draws.bin is loaded (loadRun) and its constrained draws let go.
 */
export function rebuildUnconstrained(dir: string, dataOverride?: string, command = 'LOO'): UnconstrainedRun {
  const meta = readRunMeta(dir, command);
  requireEffectDraws(dir, meta, command);
  if (meta.effectsDraws !== undefined) {
    const { model, unconstrained, nDraws } = rebuildRun(dir, dataOverride, command);
    return { dir, meta, model, unconstrained, nDraws };
  }
  const model = rebuildModel(dir, meta, dataOverride, command);
  const target = readCmdStanInto(meta.files.map((f) => join(dir, f)), (header, nChains, nDraws) =>
    new UnconstrainingTarget(model.spec, constrainedColumns(dir, model.spec, header.map(toBracketName)), nChains, nDraws),
  );
  return { dir, meta, model, unconstrained: target.chains, nDraws: target.nDraws };
}
