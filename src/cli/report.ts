/**
 * `nutmeg report RUN_DIR [--out FILE] [--seed N] [--backend B] [--threads N]`: the HTML model report of a saved run
 * (src/report/model-report.ts) for any family — model, family and link, posterior summary with sigma/shape,
 * sampler checks, the family's posterior predictive check and PSIS-LOO. The model is rebuilt from fit.json and its
 * data source, as for `nutmeg loo`. Written to RUN_DIR/report.html by default, which `nutmeg serve RUN_DIR` then
 * serves at GET /report.
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BACKEND_CHOICES } from '../backend/select.js';
import { samplerDiagnostics, samplerWarnings } from '../diagnostics/sampler-checks.js';
import { summarizeDrawsParallel } from '../diagnostics/summary-parallel.js';
import { SETTING_RANGES } from '../fit/bounds.js';
import { checkOutFile } from '../io/out-target.js';
import { rebuildRun } from '../io/run-dir.js';
import { looOfRebuiltRun } from '../loo/run-loo.js';
import { isMainParameter } from '../analyses/fit-figures.js';
import { intIn, oneOf } from './options.js';

interface ReportFlags {
  out?: string;
  seed: string;
  backend: string;
  threads?: string;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('report')
    .description("HTML report of a saved run for any family: model, posterior summary, sampler checks, the family's posterior predictive check, PSIS-LOO")
    .argument('<run_dir>', "a fit's output directory (nutmeg fit --out DIR)")
    .option('--out <file>', 'where to write the page (default: RUN_DIR/report.html, which nutmeg serve RUN_DIR serves)')
    .option('--seed <n>', 'seed of the replicated data sets of the posterior predictive check', '1')
    .option('--backend <name>', `backend for the pointwise log-likelihood of PSIS-LOO: ${BACKEND_CHOICES.join(', ')}`, 'auto')
    .option('--threads <n>', 'threads for the native backend')
    .option('--quiet', 'print nothing on stderr but warnings and errors')
    .action(async (dir: string, f: ReportFlags) => {
      const seed = intIn('--seed', f.seed, SETTING_RANGES.seed);
      const backend = oneOf('--backend', f.backend, BACKEND_CHOICES);
      const threads = f.threads === undefined ? undefined : intIn('--threads', f.threads, SETTING_RANGES.threads);
      const run = rebuildRun(dir, undefined, 'report');
      const path = checkOutFile(f.out ?? join(dir, 'report.html'), '--out');
      const say = (line: string): void => {
        if (!f.quiet) process.stderr.write(`${line}\n`);
      };
      const main = run.draws.names.filter(isMainParameter);
      const summary = main.length > 0 ? (await summarizeDrawsParallel(run.draws, { variables: main })).rows : [];
      const warnings = [...(run.meta.warnings ?? [])];
      if (warnings.length === 0 && run.stats) warnings.push(...samplerWarnings(samplerDiagnostics(run.stats, run.meta.settings.maxTreeDepth)).map((w) => w.message));
      const { writeModelReport } = await import('./model-report-file.js');
      await writeModelReport(
        path,
        { spec: run.model.spec, draws: run.draws, summary, warnings, source: run.meta.data.source, seed, effectsWhere: `nutmeg summary ${dir}`, loo: () => looOfRebuiltRun(run, { backend, threads, log: say }) },
        '--out',
      );
      say(`wrote the report to ${resolve(path)}`);
    });
}
