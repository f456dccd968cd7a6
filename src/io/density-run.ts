/**
 * The run directory of a density-model fit (`nutmeg its --out DIR`, …): the same layout as `nutmeg fit --out` —
 * chain-<c>.csv in CmdStan format and fit.json — with fit.json naming the model kind and its settings in place of a
 * formula (`model: { kind, settings }`), and the pointwise log-likelihood of every kept draw in loglik.csv (a `chain`
 * column and one column per observation, the format `nutmeg loo --loglik` reads), so that `nutmeg summary RUN_DIR`,
 * `nutmeg loo RUN_DIR` and `nutmeg compare` read these runs as they read formula fits.
 */
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { DensityFit } from '../fit/density-fit.js';
import { UserError } from '../errors.js';
import { writeCmdStanCsvFiles } from './cmdstan-csv-write.js';
import { formatNumber } from './cmdstan-csv-text.js';
import { stageDir, stagedWriteFailure, writeFileFully, writeFully, type WriteFn } from './out-target.js';
import { RUN_FORMAT, samplingRecord, type RunDataSource } from './run-meta.js';

export const DENSITY_LOGLIK_FILE = 'loglik.csv';

/** What a density run's fit.json holds. */
export interface DensityRunMeta {
  readonly format: typeof RUN_FORMAT;
  readonly version: 1;
  readonly nutmegVersion: string;
  readonly created: string;
  /** The model kind (`its`, …) and the settings that define it (columns, dates, family, priors …). */
  readonly model: { readonly kind: string; readonly settings: Readonly<Record<string, unknown>> };
  readonly data: RunDataSource;
  readonly backend: { readonly kind: 'density'; readonly description: string };
  readonly settings: DensityFit['sample']['settings'];
  readonly timings: { readonly warmupSeconds: number; readonly samplingSeconds: number; readonly generatedSeconds: number };
  readonly gradients: { readonly total: number; readonly perChain: number[]; readonly samplingPerDraw: number };
  readonly divergences: number[];
  readonly stepSize: number[];
  readonly warmupIterations: number[];
  readonly coordinates: Record<string, readonly string[]>;
  readonly incomplete: boolean;
  readonly warnings: string[];
  readonly files: string[];
  /** The pointwise log-likelihood file and its number of observations; absent when the model has none. */
  readonly logLik?: { readonly file: string; readonly observations: number };
  /** Set only in a run whose writing failed: why. */
  readonly writeError?: string;
}

/** Whether a parsed fit.json is a density run's (it has a `model` record) rather than a formula fit's. */
export function isDensityRunMeta(meta: unknown): meta is DensityRunMeta {
  return typeof meta === 'object' && meta !== null && typeof (meta as { model?: { kind?: unknown } }).model?.kind === 'string';
}

export function densityRunMeta(
  fit: DensityFit,
  settings: Readonly<Record<string, unknown>>,
  data: RunDataSource,
  nutmegVersion: string,
  warnings: readonly string[] = [],
): DensityRunMeta {
  return {
    format: RUN_FORMAT,
    version: 1,
    nutmegVersion,
    created: new Date().toISOString(),
    model: { kind: fit.model.kind, settings },
    data,
    backend: { kind: 'density', description: `${fit.model.kind} density (TypeScript, calling thread)` },
    timings: { ...fit.timings },
    ...samplingRecord(fit.sample, warnings),
    coordinates: fit.coordinates,
    ...(fit.logLik ? { logLik: { file: DENSITY_LOGLIK_FILE, observations: fit.logLik.observations } } : {}),
  };
}

/** Writes the pointwise log-likelihood as `chain,log_lik[1],…` with one row per draw, in blocks. */
export function writeLogLikCsv(path: string, logLik: NonNullable<DensityFit['logLik']>, write?: WriteFn): void {
  const fd = openSync(path, 'w');
  try {
    let buffer = `chain,${Array.from({ length: logLik.observations }, (_, i) => `log_lik[${i + 1}]`).join(',')}\n`;
    logLik.rows.forEach((row, s) => {
      buffer += `${logLik.chainOfDraw[s]},${Array.from(row, formatNumber).join(',')}\n`;
      if (buffer.length > 1 << 20) {
        writeFully(fd, buffer, write);
        buffer = '';
      }
    });
    writeFully(fd, buffer, write);
  } finally {
    closeSync(fd);
  }
}

/** Writes the run's files into `dir` (which exists): chain CSVs, loglik.csv, then fit.json. */
export function writeDensityRun(dir: string, fit: DensityFit, meta: DensityRunMeta, write?: WriteFn): void {
  const { draws } = fit;
  const V = draws.names.length;
  writeCmdStanCsvFiles(dir, {
    result: fit.sample,
    names: draws.names,
    model: `nutmeg_${fit.model.kind.replace(/[^A-Za-z0-9_]/g, '_')}`,
    constrain: () => {
      throw new Error('writeDensityRun: rows come from the draws');
    },
    row: (c, d, out) => {
      for (let v = 0; v < V; v++) out[v] = draws.values[(v * draws.nChains + c) * draws.nDraws + d];
    },
    extra: { nutmeg_model: meta.model.kind, nutmeg_backend: meta.backend.description },
    write,
  });
  if (fit.logLik && meta.logLik) writeLogLikCsv(join(dir, meta.logLik.file), fit.logLik, write);
  writeFileFully(join(dir, 'fit.json'), JSON.stringify(meta, null, 2) + '\n', write);
}

/**
 * Writes the run as one step: into a hidden directory beside dir, renamed over dir when complete (as saveRun does
 * for formula fits); on a failed write dir is left as it was, the partial files are kept with fit.json marked
 * incomplete when it still fits, and the UserError says where.
 */
export function saveDensityRun(
  dir: string,
  fit: DensityFit,
  meta: DensityRunMeta,
  options: { flag?: string; write?: WriteFn; extraFiles?: (dir: string, write?: WriteFn) => void } = {},
): void {
  const flag = options.flag ?? '--out';
  const staged = stageDir(dir, flag);
  try {
    writeDensityRun(staged.temp, fit, meta, options.write);
    // a model's own files (customers.csv, report.html …), written into the same staged directory before it is renamed
    options.extraFiles?.(staged.temp, options.write);
  } catch (e) {
    throw stagedWriteFailure(flag, dir, staged.temp, e, meta, options.write);
  }
  staged.commit();
}

/** The refusal for a command that rebuilds a formula model from a run (score, serve, report) given a density run. */
export function densityRunRefusal(dir: string, meta: DensityRunMeta, command: string): UserError {
  return new UserError(
    `${dir}: a '${meta.model.kind}' run (a hand-written density model, not a formula fit); ${command} works on runs of nutmeg fit — use nutmeg summary or nutmeg loo on it`,
  );
}
