/**
 * `nutmeg loo RUN_DIR | --loglik FILE.csv[.gz] [--r-eff-one] [--backend B] [--json]`: PSIS-LOO cross-validation,
 * numbers as R's loo 2.5.1. RUN_DIR is a fit's output directory (`nutmeg fit --out`): the backend recomputes the
 * pointwise log-likelihood of its draws block by block. --loglik reads a log-likelihood CSV instead (a `chain` column
 * and one column per observation, a row per draw, as R's log_lik() gives).
 */
import type { Command } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../backend/select.js';
import { UserError } from '../errors.js';
import { looOfLogLikCsv } from '../loo/from-file.js';
import type { LooOptions, LooResult } from '../loo/loo.js';
import type { ModelSpec } from '../model/spec.js';
import { looToJson } from '../report/loo-json.js';
import { formatLoo } from '../report/loo-text.js';
import { looOfRun } from '../loo/run-loo.js';
import { SETTING_RANGES } from '../fit/bounds.js';
import { intIn, oneOf } from './options.js';

export interface LooSourceFlags {
  rEffOne?: boolean;
  backend: string;
  threads?: string;
}

/** LOO options from the flags shared by `loo` and `compare`. */
export function looSourceOptions(flags: LooSourceFlags): LooOptions & { backend: BackendChoice; threads?: number } {
  return {
    rEff: flags.rEffOne ? 'one' : 'chains',
    backend: oneOf('--backend', flags.backend, BACKEND_CHOICES),
    threads: flags.threads === undefined ? undefined : intIn('--threads', flags.threads, SETTING_RANGES.threads),
  };
}

/** PSIS-LOO of a fit's output directory; backend notices go to stderr. */
export function looOfRunDir(dir: string, flags: LooSourceFlags, onSpec?: (spec: ModelSpec) => void): Promise<LooResult> {
  return looOfRun(dir, { ...looSourceOptions(flags), log: (line) => process.stderr.write(`${line}\n`), onSpec });
}


export function register(program: Command): void {
  program
    .command('loo')
    .description('PSIS leave-one-out cross-validation: elpd_loo, p_loo, looic, Pareto k (as R loo 2.5.1)')
    .argument('[run_dir]', "a fit's output directory (nutmeg fit --out DIR)")
    .option(
      '--loglik <file>',
      'log-likelihood CSV (.csv or .csv.gz): a chain column, one column per observation, a row per draw',
    )
    .option('--r-eff-one', 'r_eff = 1 for every observation instead of relative efficiencies from the chains')
    .option('--backend <name>', `backend for a RUN_DIR's log-likelihood: ${BACKEND_CHOICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'threads for the native backend (default: all cores, one for a small model)')
    .option('--json', 'print the result as JSON')
    .action(async (runDir: string | undefined, opts: LooSourceFlags & { loglik?: string; json?: boolean }) => {
      if (runDir !== undefined && opts.loglik !== undefined) {
        throw new UserError('give either RUN_DIR or --loglik FILE, not both');
      }
      if (runDir === undefined && opts.loglik === undefined) {
        throw new UserError("nothing to do: give a fit's output directory or --loglik FILE.csv");
      }
      const result =
        opts.loglik !== undefined
          ? await looOfLogLikCsv(opts.loglik, looSourceOptions(opts))
          : await looOfRunDir(runDir!, opts);
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(
        opts.json ? JSON.stringify(looToJson(result)) + '\n' : formatLoo(result, opts.loglik ?? runDir!),
      );
    });
}
