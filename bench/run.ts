/**
 * nutmeg's benchmark harness: `npm run bench` (full) or `npm run bench -- --quick` (CI: every benchmark once on
 * small sizes). Runs the log density micro benchmarks, the other bench modules (bench/*.bench.ts), the Stan peer
 * and the whole fits; writes bench/results/<date>-<machine>.json, the scaling plots, and the generated section of
 * bench/README.md. A part whose backend or peer is unavailable is skipped with a one-line notice.
 *
 * Options: --quick  --out DIR  --readme FILE  --data CSV  --stan-models a,b  --stan-cores N  --fit-models a,b  --fit-backends a,b
 *          --no-micro  --no-modules  --modules a,b (file-name prefixes, e.g. serve,summary)  --no-stan  --no-fits
 *          --no-fit-scaling  --scaling-backends a,b (default: native when it loads, else reference)
 * Quick runs write to bench/results/quick/ (README.md there too) unless --out/--readme say otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BackendKind } from '../src/backend/backend.js';
import { describeMachine, machineLines } from './machine.js';
import { FULL_PLAN, QUICK_PLAN, runLogDensityMicro } from './micro/log-density.js';
import type { MicroReport } from './micro/log-density.js';
import { benchDir, discoverModules, runModule } from './modules.js';
import { runStan, stanUnavailable, type StanModel, type StanResult } from './peers/stan.js';
import { FULL_FIT_SCALING, QUICK_FIT_SCALING, runFitScaling, type FitScalingReport } from './fit-scaling.js';
import { writeFitScalingPlots, writeScalingPlots } from './plot.js';
import { renderSection, replaceSection } from './report.js';
import type { BenchResults, ModuleOutcome } from './results.js';
import { dataPathOf, defaultWholeFitBackends, nutmegFitRunner, runWholeFits, type FitSettings, type WholeFitModel, type WholeFitResult } from './whole-fit.js';

const root = path.resolve(benchDir, '..');
const STAN_MODELS: readonly StanModel[] = ['pooled', 'hierarchical', 'crossed', 'crossed_centered', 'sleepstudy', 'hillstrom_spend'];
const FIT_MODELS: readonly WholeFitModel[] = ['pooled', 'hierarchical', 'crossed', 'sleepstudy', 'hillstrom_spend'];
const BACKENDS: readonly BackendKind[] = ['reference', 'native', 'webgpu'];

function list<T extends string>(value: string | undefined, allowed: readonly T[], fallback: readonly T[], flag: string): T[] {
  if (value === undefined) return [...fallback];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new Error(`${flag}: unknown value '${item}' (choose from ${allowed.join(', ')})`);
  }
  return items as T[];
}

function packageVersion(name: string): string {
  try {
    const file = name === 'nutmeg' ? path.join(root, 'package.json') : path.join(root, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      readme: { type: 'string' },
      data: { type: 'string', default: path.resolve(root, '../shared/data/hillstrom.csv') },
      'stan-models': { type: 'string' },
      'stan-cores': { type: 'string' },
      'fit-models': { type: 'string' },
      'fit-backends': { type: 'string' },
      'no-micro': { type: 'boolean', default: false },
      'no-modules': { type: 'boolean', default: false },
      modules: { type: 'string' },
      'no-stan': { type: 'boolean', default: false },
      'no-fits': { type: 'boolean', default: false },
      'no-fit-scaling': { type: 'boolean', default: false },
      'scaling-backends': { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick;
  const outDir = path.resolve(values.out ?? path.join(benchDir, 'results', quick ? 'quick' : ''));
  const readmePath = path.resolve(values.readme ?? (quick ? path.join(outDir, 'README.md') : path.join(benchDir, 'README.md')));
  const stanModels = list(values['stan-models'], STAN_MODELS, ['pooled', 'hierarchical', 'crossed_centered', 'sleepstudy', 'hillstrom_spend'], '--stan-models');
  const fitModels = list(values['fit-models'], FIT_MODELS, FIT_MODELS, '--fit-models');
  // most Stan chains in parallel (default: one per core, up to the chains)
  const stanCores = values['stan-cores'] === undefined ? undefined : Number(values['stan-cores']);
  if (stanCores !== undefined && !(Number.isInteger(stanCores) && stanCores >= 1)) throw new Error(`--stan-cores: expected a whole number ≥ 1, got '${values['stan-cores']}'`);
  // WebGPU on a software adapter (llvmpipe) takes minutes per fit even on small data: not in quick runs by default
  // quick: reference and native; full: see defaultWholeFitBackends (after the micro benchmark, which probes them)
  const fitBackendsAsked = values['fit-backends'] === undefined ? null : list(values['fit-backends'], BACKENDS, BACKENDS, '--fit-backends');
  const startedAt = new Date().toISOString();
  await mkdir(outDir, { recursive: true });

  const machine = await describeMachine();
  log(`nutmeg bench${quick ? ' --quick' : ''}: ${machineLines(machine)[0]}`);

  let micro: MicroReport = { results: [], skipped: [], failures: [] };
  if (!values['no-micro']) {
    micro = await runLogDensityMicro(machine, quick ? QUICK_PLAN : FULL_PLAN);
    for (const s of micro.skipped) log(`micro: ${s.kind} skipped — ${s.notice}`);
    for (const f of micro.failures) log(`micro: failed — ${f}`);
    log(`micro: ${micro.results.length} cells`);
  }

  const modules: ModuleOutcome[] = [];
  if (!values['no-modules']) {
    const only = values.modules === undefined ? null : values.modules.split(',').map((m) => m.trim());
    for (const file of discoverModules().filter((f) => only === null || only.some((m) => f.startsWith(m)))) {
      const outcome = await runModule(file, { quick });
      modules.push(outcome);
      log(`${file}: ${outcome.status}${outcome.notice ? ` — ${outcome.notice}` : ''}`);
    }
  }

  const settings: FitSettings = {
    dataPath: values.data,
    rows: quick ? 1000 : 0,
    chains: 4,
    warmup: quick ? 100 : 1000,
    draws: quick ? 100 : 1000,
    seed: 1,
  };
  const haveData = existsSync(settings.dataPath);

  const stanResults: StanResult[] = [];
  let stanNotice: string | null = values['no-stan'] ? 'not requested (--no-stan)' : null;
  if (!stanNotice) stanNotice = haveData ? await stanUnavailable() : `data file ${settings.dataPath} not found`;
  if (stanNotice) log(`stan: skipped — ${stanNotice}`);
  else {
    for (const model of stanModels) {
      try {
        log(`stan: fitting ${model} (${settings.rows || 'all'} rows, ${settings.warmup}+${settings.draws} iterations)…`);
        const r = await runStan({ ...settings, model, dataPath: dataPathOf(model, settings.dataPath), cores: stanCores });
        stanResults.push(r);
        log(`stan: ${model} ${r.wallSeconds.toFixed(1)} s, ${r.gradients} gradients, min bulk-ESS ${r.minEssBulk.toFixed(0)}`);
      } catch (e) {
        log(`stan: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  }

  const fitNotice: string | null = values['no-fits'] ? 'not requested (--no-fits)' : haveData ? null : `data file ${settings.dataPath} not found`;
  let wholeFits: WholeFitResult[] = [];
  const fitFailures: string[] = [];
  const fitNotices: string[] = [];
  if (!fitNotice) {
    const loaded = BACKENDS.filter((k) => !micro.skipped.some((s) => s.kind === k));
    let backends: BackendKind[];
    if (fitBackendsAsked) backends = fitBackendsAsked.filter((k) => loaded.includes(k));
    else if (quick) backends = loaded.filter((k) => k !== 'webgpu');
    else {
      const chosen = defaultWholeFitBackends(loaded, micro.results);
      backends = chosen.backends;
      fitNotices.push(...chosen.notices);
      for (const n of chosen.notices) log(`whole fits: ${n}`);
    }
    for (const model of fitModels) log(`whole fits: ${model} on ${backends.join(', ')}…`);
    const before = fitNotices.length;
    wholeFits = await runWholeFits(nutmegFitRunner, backends, fitModels, settings, stanResults, fitFailures, fitNotices);
    for (const n of fitNotices.slice(before)) log(`whole fits: ${n}`);
    for (const w of wholeFits) log(`whole fit: ${w.backend} ${w.model} ${w.wallSeconds.toFixed(1)} s, ${w.gradients} gradients, min bulk-ESS ${w.minEssBulk.toFixed(0)}`);
  }
  if (fitNotice) log(`whole fits: skipped — ${fitNotice}`);

  const nativeLoaded = !micro.skipped.some((s) => s.kind === 'native');
  const scalingBackends = list(values['scaling-backends'], BACKENDS, [nativeLoaded ? 'native' : 'reference'], '--scaling-backends');
  let fitScaling: FitScalingReport = { notice: 'not requested (--no-fit-scaling)', results: [], failures: [] };
  if (!values['no-fit-scaling']) {
    log(`fit scaling: pooled on ${scalingBackends.join(', ')}…`);
    fitScaling = await runFitScaling(scalingBackends, quick ? QUICK_FIT_SCALING : FULL_FIT_SCALING, log);
    for (const f of fitScaling.failures) log(`fit scaling: failed — ${f}`);
  } else log(`fit scaling: skipped — ${fitScaling.notice}`);

  const plotFiles = [
    ...(micro.results.length ? await writeScalingPlots(micro.results, outDir) : []),
    ...(fitScaling.results.length ? await writeFitScalingPlots(fitScaling.results, outDir) : []),
  ];
  const versions: Record<string, string> = {
    nutmeg: packageVersion('nutmeg'),
    tinybench: packageVersion('tinybench'),
  };
  for (const r of micro.results) versions[`backend ${r.backend}`] = r.description;
  if (micro.results.some((r) => r.backend.startsWith('gpu.js'))) versions['gpu.js'] = packageVersion('gpu.js');
  const stanVersions = stanResults[0]?.versions;
  if (stanVersions) for (const [k, v] of Object.entries(stanVersions)) versions[k] = v;

  const results: BenchResults = {
    schema: 1,
    startedAt,
    quick,
    machine: { ...machine, versions },
    micro,
    modules,
    stan: { notice: stanNotice, results: stanResults },
    wholeFit: { notice: fitNotice, results: wholeFits, failures: fitFailures, notices: fitNotices },
    fitScaling,
    plots: plotFiles.map((f) => path.relative(path.dirname(readmePath), f)),
  };
  const jsonPath = path.join(outDir, `${startedAt.slice(0, 10)}-${machine.slug}.json`);
  await writeFile(jsonPath, JSON.stringify(results, null, 1));
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '# nutmeg benchmarks\n';
  await writeFile(readmePath, replaceSection(readme, renderSection(results)));
  log(`wrote ${path.relative(root, jsonPath)} and ${path.relative(root, readmePath)}`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
