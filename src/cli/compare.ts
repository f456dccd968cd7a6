/**
 * `nutmeg compare [RUN_DIR…] [--loglik FILE…] [--method stacking|pseudobma|bb-pseudobma] [--json]`: ranks models by
 * PSIS-LOO (elpd_diff and paired se_diff as R's loo_compare) and weighs them. A RUN_DIR's model is named by the
 * directory's base name, a file's by its base name without .loglik.csv[.gz].
 */
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { type NamedLoo, WEIGHT_METHODS, type WeightMethod, compareModels } from '../loo/compare.js';
import { looOfLogLikCsv, modelNameOfPath } from '../loo/from-file.js';
import { compareToJson } from '../report/loo-json.js';
import { formatCompare } from '../report/loo-text.js';
import { type LooSourceFlags, looOfRunDir, looSourceOptions } from './loo.js';
import type { ModelSpec } from '../model/spec.js';
import { outcomeData, requireSameOutcome, type OutcomeData } from '../loo/same-outcome.js';
import { BACKEND_CHOICES } from '../backend/select.js';
import { SETTING_RANGES } from '../fit/bounds.js';
import { intIn } from './options.js';

interface CompareFlags extends LooSourceFlags {
  loglik?: string[];
  method: string;
  seed: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare models by PSIS-LOO (elpd_diff, se_diff as R loo_compare) with stacking or pseudo-BMA weights')
    .argument('[run_dirs...]', "fits' output directories")
    .option('--loglik <files...>', 'log-likelihood CSV files (.csv or .csv.gz), one per model')
    .option('--method <method>', `weights: ${WEIGHT_METHODS.join(', ')}`, 'stacking')
    .option('--seed <n>', 'seed of the Bayesian bootstrap (bb-pseudobma)', '1')
    .option('--r-eff-one', 'r_eff = 1 instead of relative efficiencies from the chains')
    .option('--backend <name>', `backend for the RUN_DIRs' log-likelihood: ${BACKEND_CHOICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'threads for the native backend (default: all cores, one for a small model)')
    .option('--json', 'print the comparison as JSON')
    .action(async (runDirs: string[], opts: CompareFlags) => {
      if (!WEIGHT_METHODS.includes(opts.method as WeightMethod)) {
        throw new UserError(`--method ${opts.method}: unknown; use one of ${WEIGHT_METHODS.join(', ')}`);
      }
      const seed = intIn('--seed', opts.seed, SETTING_RANGES.seed);
      const files = opts.loglik ?? [];
      if (runDirs.length + files.length < 2) {
        throw new UserError('compare needs at least two models: give RUN_DIRs and/or --loglik FILE FILE …');
      }
      const options = looSourceOptions(opts);
      const models: NamedLoo[] = [];
      // each run's outcome against the first's, before its log-likelihood is computed
      let first: OutcomeData | null = null;
      for (const dir of runDirs) {
        const name = modelNameOfPath(dir);
        const onSpec = (spec: ModelSpec): void => {
          const outcome = outcomeData(name, spec);
          if (first === null) first = outcome;
          else requireSameOutcome(first, outcome);
        };
        models.push({ name, loo: await looOfRunDir(dir, opts, onSpec) });
      }
      for (const file of files) models.push({ name: modelNameOfPath(file), loo: await looOfLogLikCsv(file, options) });
      const names = new Set<string>();
      for (const m of models) {
        if (names.has(m.name)) throw new UserError(`two models are both named ${m.name}; rename one of the files`);
        names.add(m.name);
      }
      for (const m of models) for (const w of m.loo.warnings) process.stderr.write(`warning (${m.name}): ${w}\n`);
      const method = opts.method as WeightMethod;
      const comparison = compareModels(models, { method, seed });
      const s = comparison.stacking;
      if (s && !s.converged) {
        process.stderr.write(
          `warning: the stacking optimiser stopped ${s.kktResidual.toExponential(1)} (relative) from the optimality ` +
            `conditions; the weights' objective is at most ${s.gapBound.toExponential(1)} below the maximum\n`,
        );
      }
      process.stdout.write(opts.json ? JSON.stringify(compareToJson(comparison)) + '\n' : formatCompare(comparison));
    });
}
