/**
 * A nutmeg run directory (`nutmeg fit --out DIR`, any backend) of a Hillstrom model on the real data against Stan's
 * reference summary, by the Sampling issue's rules (tests/helpers/stan-reference.ts: mean within 4 combined MCSE,
 * sd within 10% — 20% for crossed —, R-hat < 1.01). Prints the run's backend, settings, divergences and time, then
 * one line per Stan parameter (z-score of the mean difference, sd ratio, R-hat); exit code 1 when any rule fails.
 *
 *   npx tsx scripts/compare-stan.ts RUN_DIR [pooled|hierarchical|crossed] [--sd-tol 0.1]
 *
 * The model is recognised from the run's formula when not given.
 */
import { HILLSTROM_FORMULAS, type HillstromModel } from '../src/data/hillstrom.js';
import { loadRun } from '../src/io/run-dir.js';
import { compareWithStan, formatComparison } from '../tests/helpers/stan-reference.js';

const MODELS = Object.keys(HILLSTROM_FORMULAS) as HillstromModel[];

function usage(message: string): never {
  console.error(`${message}\nusage: npx tsx scripts/compare-stan.ts RUN_DIR [${MODELS.join('|')}] [--sd-tol 0.1]`);
  process.exit(2);
}

const args = process.argv.slice(2);
let sdTolerance: number | undefined;
const positional: string[] = [];
for (let k = 0; k < args.length; k++) {
  if (args[k] === '--sd-tol') {
    sdTolerance = Number(args[++k]);
    if (!(sdTolerance > 0 && sdTolerance < 1)) usage(`--sd-tol must be a fraction in (0, 1), got ${args[k]}`);
  } else positional.push(args[k]);
}
if (positional.length < 1 || positional.length > 2) usage('expected a run directory and optionally a model name');

const run = loadRun(positional[0]);
const formulaModel = MODELS.find((m) => HILLSTROM_FORMULAS[m] === run.meta.formula);
const model = (positional[1] ?? formulaModel) as HillstromModel | undefined;
if (model === undefined || !MODELS.includes(model)) {
  usage(`cannot tell which Hillstrom model "${run.meta.formula}" is; name it (${MODELS.join(', ')})`);
}
if (positional[1] !== undefined && formulaModel !== undefined && formulaModel !== model) {
  console.warn(`note: the run's formula is the ${formulaModel} model, compared as ${model}`);
}

const { meta } = run;
const divergences = meta.divergences.reduce((a, b) => a + b, 0);
const seconds = meta.timings.warmupSeconds + meta.timings.samplingSeconds;
console.log(`run: ${run.dir}`);
console.log(`backend: ${meta.backend.description}`);
console.log(`data: ${meta.data.source} (${meta.data.rows} rows)${meta.incomplete ? ' — INCOMPLETE run' : ''}`);
console.log(
  `sampling: ${run.draws.nChains} chains × ${run.draws.nDraws} draws; ${divergences} divergent; ` +
    `${meta.gradients.total} gradients; warm-up ${meta.timings.warmupSeconds.toFixed(0)} s + sampling ${meta.timings.samplingSeconds.toFixed(0)} s = ${seconds.toFixed(0)} s`,
);
const rows = compareWithStan(model, run.draws, sdTolerance ?? (model === 'crossed' ? 0.2 : 0.1));
console.log(formatComparison(rows));
const maxZ = Math.max(...rows.map((r) => Math.abs(r.z)));
const maxSd = Math.max(...rows.map((r) => Math.abs(r.sdRatio - 1)));
const maxRhat = Math.max(...rows.map((r) => r.rhat));
const failed = rows.filter((r) => r.failures.length > 0);
console.log(
  `${model}: max |z| ${maxZ.toFixed(2)}, max |sd ratio − 1| ${(100 * maxSd).toFixed(1)}%, max R-hat ${maxRhat.toFixed(4)}; ` +
    (failed.length === 0 ? 'AGREES with Stan' : `${failed.length} of ${rows.length} parameters FAIL`),
);
process.exitCode = failed.length === 0 ? 0 : 1;
