/**
 * `nutmeg loo [RUN_DIR] --loglik FILE.csv[.gz] [--r-eff-one] [--json]`: PSIS-LOO cross-validation, numbers as R's
 * loo 2.5.1. For now the log-likelihood comes from a CSV file (a `chain` column and one column per observation, a
 * row per draw); RUN_DIR — a fit's output directory — is accepted once fits write pointwise log-likelihood output.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { looOfLogLikCsv } from '../loo/from-file.js';
import type { LooResult } from '../loo/loo.js';
import { formatLoo, looToJson } from '../loo/output.js';

/**
 * The LOO of one fit output directory. No fit layout with pointwise log-likelihood exists yet, so every directory is
 * refused with a message that says what to do instead.
 */
export async function looOfRunDir(dir: string): Promise<LooResult> {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UserError(`${dir}: no such file or directory; give a fit's output directory or --loglik FILE.csv`);
  }
  if (!isDir) {
    throw new UserError(`${dir} is not a directory; to read a log-likelihood CSV use --loglik ${dir}`);
  }
  throw new UserError(
    `${dir}: no known fit output layout (no pointwise log-likelihood found); ` +
      'export the log-likelihood as CSV (chain column + one column per observation) and use --loglik FILE.csv',
  );
}

export function register(program: Command): void {
  program
    .command('loo')
    .description('PSIS leave-one-out cross-validation: elpd_loo, p_loo, looic, Pareto k (as R loo 2.5.1)')
    .argument('[run_dir]', "a fit's output directory")
    .option('--loglik <file>', 'log-likelihood CSV (.csv or .csv.gz): a chain column, one column per observation, a row per draw')
    .option('--r-eff-one', 'r_eff = 1 for every observation instead of relative efficiencies from the chains')
    .option('--json', 'print the result as JSON')
    .action(async (runDir: string | undefined, opts: { loglik?: string; rEffOne?: boolean; json?: boolean }) => {
      if (runDir !== undefined && opts.loglik !== undefined) {
        throw new UserError('give either RUN_DIR or --loglik FILE, not both');
      }
      if (runDir === undefined && opts.loglik === undefined) {
        throw new UserError("nothing to do: give a fit's output directory or --loglik FILE.csv");
      }
      const options = { rEff: opts.rEffOne ? ('one' as const) : ('chains' as const) };
      const result = opts.loglik !== undefined ? await looOfLogLikCsv(opts.loglik, options) : await looOfRunDir(runDir!);
      for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(
        opts.json ? JSON.stringify(looToJson(result)) + '\n' : formatLoo(result, opts.loglik ?? runDir!),
      );
    });
}
