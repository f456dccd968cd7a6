/**
 * Small models (issue 16 item 6): where the time of `nutmeg fit` goes for a 56-row binomial model with a 15-level
 * varying intercept and a 3,000-row logistic regression with 4 coefficients (bench/small-data.ts), 4 chains ×
 * 1000 + 1000.
 *
 * Parts:
 *   cli       wall seconds of whole processes: `node -e 0` (process start), `nutmeg --version` (start + the CLI's
 *             module loading), `nutmeg fit …` (everything), best of `repeats`;
 *   phases    the same fit in this process, timed by phase (data, model, backend, warm-up, sampling, summary, table);
 *   calls     µs per batched log density + gradient call of each backend variant (4 chains), median of interleaved
 *             rounds, so that the load of a shared machine falls on all of them alike.
 *
 * Run: `npx tsx bench/small-models.bench.ts [--quick]` (bench/run.ts runs it too). Needs a built dist/ for the cli
 * part (`npx tsc -p tsconfig.build.json`); it is skipped with a notice without one. `--quick`: tiny sizes, once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend } from '../src/backend/backend.js';
import { createNativeBackend, loadNativeAddon } from '../src/backend/native.js';
import { createReferenceBackend } from '../src/backend/reference.js';
import { centeredSpec } from '../src/backend/split-terms.js';
import { readCsv } from '../src/data/csv.js';
import { summarizeDrawsParallel } from '../src/diagnostics/summary-parallel.js';
import { DEFAULT_SUMMARY_STATS, summaryTable } from '../src/diagnostics/summary.js';
import { fitModel } from '../src/fit/fit.js';
import { buildModel } from '../src/model/build.js';
import type { ModelSpec } from '../src/model/spec.js';
import { renderTable } from '../src/report/table.js';
import { Rng } from '../src/rng.js';
import { SMALL_FORMULAS, herdsCsv, logisticCsv, type SmallModel } from './small-data.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cliEntry = path.join(root, 'bin', 'nutmeg.js');

export interface SmallModelsOptions {
  readonly quick?: boolean;
  /** Repeats of each process (best is kept) and rounds of call timing. */
  readonly repeats?: number;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

function bestWall(args: string[], repeats: number): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    const out = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    if (out.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${String(out.stderr).split('\n')[0]}`);
    best = Math.min(best, seconds(t));
  }
  return best;
}

function writeData(dir: string, quick: boolean): Record<SmallModel, string> {
  const files = { herds: path.join(dir, 'herds.csv'), logistic: path.join(dir, 'logistic.csv') };
  writeFileSync(files.herds, herdsCsv());
  writeFileSync(files.logistic, logisticCsv(16, quick ? 300 : 3000));
  return files;
}

export interface CliTimes {
  readonly nodeStart: number;
  readonly version: number;
  readonly fit: Record<SmallModel, number>;
}

function cliTimes(files: Record<SmallModel, string>, sizes: string[], repeats: number): CliTimes {
  const fit = {} as Record<SmallModel, number>;
  for (const model of Object.keys(files) as SmallModel[]) {
    fit[model] = bestWall([cliEntry, 'fit', '--data', files[model], '--formula', SMALL_FORMULAS[model], ...sizes, '--quiet'], repeats);
  }
  return { nodeStart: bestWall(['-e', '0'], repeats), version: bestWall([cliEntry, '--version'], repeats), fit };
}

export interface Phases {
  readonly data: number;
  readonly model: number;
  readonly backend: number;
  readonly warmup: number;
  readonly sampling: number;
  readonly summary: number;
  readonly table: number;
  readonly backendDescription: string;
}

async function phases(file: string, formula: string, warmup: number, draws: number): Promise<Phases> {
  let t = performance.now();
  const frame = readCsv(file);
  const data = seconds(t);
  const fit = await fitModel(frame, formula, { chains: 4, warmup, draws, seed: 1 });
  try {
    t = performance.now();
    const summary = await summarizeDrawsParallel(fit.draws, { variables: [] });
    const summarySeconds = seconds(t);
    t = performance.now();
    renderTable(summaryTable(summary.rows, DEFAULT_SUMMARY_STATS), 'table');
    return {
      data,
      model: fit.timings.buildSeconds,
      backend: fit.timings.backendSeconds,
      warmup: fit.sample.timing.warmupSeconds,
      sampling: fit.sample.timing.samplingSeconds,
      summary: summarySeconds,
      table: seconds(t),
      backendDescription: fit.backend.description,
    };
  } finally {
    await fit.dispose();
  }
}

/** Positions near a small model's posterior: everything 0.3 · normal. */
function positions(spec: ModelSpec, chains: number): Float64Array {
  const rng = new Rng(5, 1);
  const out = new Float64Array(chains * spec.dim);
  for (let i = 0; i < out.length; i++) out[i] = 0.3 * rng.normal();
  return out;
}

type Variant = 'reference' | 'native async, 1 thread' | 'native async, all threads' | 'native sync, 1 thread';

async function makeBackend(variant: Variant, spec: ModelSpec, chains: number): Promise<Backend> {
  switch (variant) {
    case 'reference':
      return createReferenceBackend(spec, { maxChains: chains });
    case 'native async, 1 thread':
      return createNativeBackend(spec, { maxChains: chains, threads: 1, sync: false });
    case 'native async, all threads':
      return createNativeBackend(spec, { maxChains: chains, threads: 2, sync: false });
    case 'native sync, 1 thread':
      return createNativeBackend(spec, { maxChains: chains, threads: 1, sync: true });
  }
}

/** Median µs per call of each variant: `rounds` rounds, each timing every variant for `calls` calls in turn. */
async function callTimes(spec: ModelSpec, chains: number, rounds: number, calls: number): Promise<Record<string, number>> {
  const variants: Variant[] = ['reference'];
  if (loadNativeAddon()) variants.push('native async, 1 thread', 'native async, all threads', 'native sync, 1 thread');
  const backends = await Promise.all(variants.map((v) => makeBackend(v, spec, chains)));
  const pos = positions(spec, chains);
  const logp = new Float64Array(chains);
  const grad = new Float64Array(chains * spec.dim);
  const samples: number[][] = variants.map(() => []);
  try {
    for (let r = 0; r < rounds; r++) {
      for (let v = 0; v < variants.length; v++) {
        await backends[v].logDensityGradient(pos, chains, logp, grad);
        const t = performance.now();
        for (let k = 0; k < calls; k++) await backends[v].logDensityGradient(pos, chains, logp, grad);
        samples[v].push(((performance.now() - t) * 1000) / calls);
      }
    }
  } finally {
    for (const b of backends) await b.dispose();
  }
  const out: Record<string, number> = {};
  variants.forEach((v, i) => {
    const s = samples[i].sort((a, b) => a - b);
    out[v] = s[Math.floor(s.length / 2)];
  });
  return out;
}

export interface SmallModelsResult {
  readonly cli: CliTimes | { readonly skipped: string };
  readonly phases: Record<SmallModel, Phases>;
  readonly microsecondsPerCall: Record<SmallModel, Record<string, number>>;
}

export async function run(options: SmallModelsOptions = {}): Promise<SmallModelsResult> {
  const quick = options.quick ?? false;
  const repeats = options.repeats ?? (quick ? 1 : 3);
  const [warmup, draws] = quick ? [50, 50] : [1000, 1000];
  const dir = mkdtempSync(path.join(tmpdir(), 'nutmeg-small-'));
  try {
    const files = writeData(dir, quick);
    const sizes = ['--chains', '4', '--warmup', String(warmup), '--draws', String(draws), '--seed', '1'];
    const cli = existsSync(path.join(root, 'dist', 'cli', 'main.js')) ? cliTimes(files, sizes, repeats) : { skipped: 'no dist/ (run npx tsc -p tsconfig.build.json)' };
    const phase = {} as Record<SmallModel, Phases>;
    const calls = {} as Record<SmallModel, Record<string, number>>;
    for (const model of Object.keys(files) as SmallModel[]) {
      phase[model] = await phases(files[model], SMALL_FORMULAS[model], warmup, draws);
      const spec = centeredSpec(buildModel(readCsv(files[model]), SMALL_FORMULAS[model]).spec);
      calls[model] = await callTimes(spec, 4, quick ? 2 : 9, quick ? 20 : 400);
    }
    return { cli, phases: phase, microsecondsPerCall: calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  run({ quick }).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
