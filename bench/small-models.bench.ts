/**
 * Small models (issue 16 item 6): where the time of `nutmeg fit` goes for lme4's cbpp (56 rows, binomial, a 15-level
 * varying intercept) and a 3,000-row logistic regression with 4 coefficients (bench/small-data.ts), 4 chains ×
 * 1000 + 1000, and how that compares with Stan.
 *
 * Parts (every process is started `repeats` times, the builds and commands interleaved so that the load of a shared
 * machine falls on all alike; the fastest and the median are kept):
 *   cli       wall and CPU seconds of whole processes: `node -e 0` (process start), `nutmeg --version` (start + the
 *             CLI's module loading), `nutmeg fit --help` (+ the fit command's modules), `nutmeg fit …` (everything);
 *   phases    the same fits in a fresh process (bench/small-phases.ts), timed by phase (modules, data, build,
 *             backend, warm-up, sampling, summary, table), with the run's gradients and minimum bulk-ESS;
 *   calls     µs per batched log density + gradient call of each backend variant (4 chains), median of interleaved
 *             rounds;
 *   stan      (with --stan, when R and rstan load) rstan's fit of the same models (bench/peers/stan.R, 2 cores), and
 *             ESS/s ratios against nutmeg's: per second of Stan's sampling() call, per CPU second, and per wall second
 *             of Stan's chains on 2 cores (each against nutmeg's whole process and its fit).
 *
 * Run: `npx tsx bench/small-models.bench.ts [--quick] [--stan] [--before DIR] [--repeats N]` (bench/run.ts runs it
 * too). Needs a built dist/ (`npx tsc -p tsconfig.build.json`); `--before DIR` times another checkout's build (its
 * bin/ and dist/) beside this one's in the same run. `--quick`: the cli part once, no phases or Stan.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Backend } from '../src/backend/backend.js';
import { createNativeBackend, loadNativeAddon } from '../src/backend/native.js';
import { createReferenceBackend } from '../src/backend/reference.js';
import { centeredSpec } from '../src/backend/split-terms.js';
import { readCsv } from '../src/data/csv.js';
import { buildModel } from '../src/model/build.js';
import type { ModelSpec } from '../src/model/spec.js';
import { Rng } from '../src/rng.js';
import { chainsWallSeconds, runStan, stanUnavailable, type StanResult } from './peers/stan.js';
import type { PhaseTime, SmallPhases } from './small-phases.js';
import { CBPP_PATH, SMALL_FORMULAS, logisticCsv, type SmallModel } from './small-data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

export interface SmallModelsOptions {
  readonly quick?: boolean;
  /** Repeats of each process (the fastest and the median are kept). */
  readonly repeats?: number;
  /** Another checkout (with bin/ and a built dist/) to time beside this one. */
  readonly before?: string;
  /** Fit the models with rstan too. */
  readonly stan?: boolean;
}

/** CPU seconds of the child, printed by a module loaded before the command (`--import`). */
const CPU_PROBE = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\nnutmeg-bench-cpu '+(u.user+u.system)/1e6+'\\n')})`;

function runProcess(args: string[], cwd: string): PhaseTime {
  const t = performance.now();
  const out = spawnSync(process.execPath, ['--import', CPU_PROBE, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = (performance.now() - t) / 1000;
  const stderr = String(out.stderr);
  if (out.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${stderr.trim().split('\n')[0]}`);
  const cpu = Number(/nutmeg-bench-cpu ([\d.e-]+)/.exec(stderr)?.[1] ?? NaN);
  return { wall, cpu };
}

function fastest(times: PhaseTime[]): PhaseTime {
  return { wall: Math.min(...times.map((t) => t.wall)), cpu: Math.min(...times.map((t) => t.cpu)) };
}

function medianOf(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median wall and the median CPU seconds (each on its own) of the repeats. */
function median(times: PhaseTime[]): PhaseTime {
  return { wall: medianOf(times.map((t) => t.wall)), cpu: medianOf(times.map((t) => t.cpu)) };
}

type CliTimes = Record<string, Record<string, PhaseTime>>;


/** `repeats` interleaved rounds of every command on every build; the fastest and the median wall and CPU of each. */
function cliTimes(builds: Record<string, string>, files: Record<SmallModel, string>, repeats: number): { fastest: CliTimes; median: CliTimes } {
  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'nutmeg --version': ['bin/nutmeg.js', '--version'],
    'nutmeg fit --help': ['bin/nutmeg.js', 'fit', '--help'],
  };
  for (const model of Object.keys(files) as SmallModel[]) {
    commands[`nutmeg fit ${model}`] = ['bin/nutmeg.js', 'fit', '--data', files[model], '--formula', SMALL_FORMULAS[model], '--seed', '1', '--quiet'];
  }
  const samples: Record<string, Record<string, PhaseTime[]>> = {};
  for (let r = 0; r < repeats; r++) {
    for (const [name, args] of Object.entries(commands)) {
      for (const [build, dir] of Object.entries(builds)) {
        if (name === 'node -e 0' && build !== 'after') continue;
        ((samples[build] ??= {})[name] ??= []).push(runProcess(args, dir));
      }
    }
  }
  const of = (pick: (times: PhaseTime[]) => PhaseTime): CliTimes =>
    Object.fromEntries(Object.entries(samples).map(([build, byCommand]) => [build, Object.fromEntries(Object.entries(byCommand).map(([k, v]) => [k, pick(v)]))]));
  return { fastest: of(fastest), median: of(median) };
}

/** The phases of one fit in a fresh process (bench/small-phases.ts) on a build's dist/. */
function phasesOnce(dir: string, file: string, formula: string): SmallPhases {
  const child = path.join(here, 'small-phases.ts');
  const out = spawnSync(process.execPath, [...process.execArgv, child, path.join(dir, 'dist'), file, formula], { cwd: root, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`small-phases failed: ${out.stderr.trim().split('\n').slice(-1)[0]}`);
  return JSON.parse(out.stdout.trim().split('\n').slice(-1)[0]) as SmallPhases;
}

/** The run with the fastest fit phase of `repeats` interleaved runs per build. */
function phases(builds: Record<string, string>, file: string, formula: string, repeats: number): Record<string, SmallPhases> {
  const best: Record<string, SmallPhases> = {};
  for (let r = 0; r < repeats; r++) {
    for (const [build, dir] of Object.entries(builds)) {
      const p = phasesOnce(dir, file, formula);
      if (!best[build] || p.fit.cpu < best[build].fit.cpu) best[build] = p;
    }
  }
  return best;
}

/** Positions near a small model's posterior: everything 0.3 · normal. */
function positions(spec: ModelSpec, chains: number): Float64Array {
  const rng = new Rng(5, 1);
  const out = new Float64Array(chains * spec.dim);
  for (let i = 0; i < out.length; i++) out[i] = 0.3 * rng.normal();
  return out;
}

type Variant = 'reference, promise' | 'reference, calling thread' | 'native async, 1 thread' | 'native async, 2 threads' | 'native, calling thread';

async function makeBackend(variant: Variant, spec: ModelSpec, chains: number): Promise<Backend> {
  switch (variant) {
    case 'reference, promise':
    case 'reference, calling thread':
      return createReferenceBackend(spec, { maxChains: chains });
    case 'native async, 1 thread':
      return createNativeBackend(spec, { maxChains: chains, threads: 1, sync: false });
    case 'native async, 2 threads':
      return createNativeBackend(spec, { maxChains: chains, threads: 2, sync: false });
    case 'native, calling thread':
      return createNativeBackend(spec, { maxChains: chains, threads: 1, sync: true });
  }
}

/** Median µs per call of each variant: `rounds` rounds, each timing every variant for `calls` calls in turn. */
async function callTimes(spec: ModelSpec, chains: number, rounds: number, calls: number): Promise<Record<string, number>> {
  const variants: Variant[] = ['reference, promise', 'reference, calling thread'];
  if (loadNativeAddon()) variants.push('native async, 1 thread', 'native async, 2 threads', 'native, calling thread');
  const backends = await Promise.all(variants.map((v) => makeBackend(v, spec, chains)));
  const pos = positions(spec, chains);
  const logp = new Float64Array(chains);
  const grad = new Float64Array(chains * spec.dim);
  const samples: number[][] = variants.map(() => []);
  try {
    for (let r = 0; r < rounds; r++) {
      for (let v = 0; v < variants.length; v++) {
        const b = backends[v];
        const now = variants[v].endsWith('calling thread') ? b.logDensityGradientSync : undefined;
        await b.logDensityGradient(pos, chains, logp, grad);
        const t = performance.now();
        if (now) for (let k = 0; k < calls; k++) now.call(b, pos, chains, logp, grad);
        else for (let k = 0; k < calls; k++) await b.logDensityGradient(pos, chains, logp, grad);
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

export interface StanComparison {
  readonly stan: StanResult;
  /**
   * nutmeg's ESS/s over Stan's, Stan's as bench/peers/stan.R reports it (minimum bulk-ESS per second of its sampling()
   * call on 2 cores, which includes starting R worker processes); nutmeg's over its whole process (start included) or
   * its warm-up + sampling.
   */
  readonly essPerSecondRatio: { readonly wholeProcess: number; readonly warmupAndSampling: number };
  /**
   * ESS per CPU second, nutmeg's over Stan's: Stan's chain times are CPU seconds (Stan 2.21 times warm-up and
   * sampling with clock(); one R worker process per chain), summed over chains; nutmeg's are its whole process's or
   * its fitModel's CPU seconds (build, backend, warm-up, sampling, constrained draws); wholeProcess takes the fastest
   * process of the repeats, wholeProcessMedian the median one. CPU seconds hold up on a shared machine, where wall
   * seconds mostly measure the wait for a core.
   */
  readonly essPerCpuSecondRatio: { readonly wholeProcess: number; readonly wholeProcessMedian: number; readonly fit: number };
  /**
   * ESS per wall second on this machine's cores, nutmeg's over Stan's: Stan's chains as rstan runs them on its
   * `cores` (chainsWallSeconds: chain times only, without R's start, forks or output); nutmeg's whole process (start
   * included) or its fitModel (build, backend, warm-up, sampling, constrained draws). Null when stan.R gave no
   * per-chain times.
   */
  readonly essPerWallSecondRatio: { readonly wholeProcess: number; readonly fit: number } | null;
}

export interface SmallModelsResult {
  /** The fastest of the repeats, per build and command. */
  readonly cli: CliTimes | { readonly skipped: string };
  /** The median of the repeats (wall and CPU each on its own), per build and command; null when the cli part was skipped. */
  readonly cliMedian: CliTimes | null;
  /** The machine's 1-minute load average when the run started and when it ended. */
  readonly loadAverage: { readonly start: number; readonly end: number };
  readonly phases: Record<SmallModel, Record<string, SmallPhases>> | null;
  readonly microsecondsPerCall: Record<SmallModel, Record<string, number>>;
  readonly stan: Record<SmallModel, StanComparison> | { readonly skipped: string } | null;
}

export async function run(options: SmallModelsOptions = {}): Promise<SmallModelsResult> {
  const loadStart = loadavg()[0];
  const quick = options.quick ?? false;
  const repeats = options.repeats ?? (quick ? 1 : 5);
  const dir = mkdtempSync(path.join(tmpdir(), 'nutmeg-small-'));
  try {
    const logistic = path.join(dir, 'logistic.csv');
    writeFileSync(logistic, logisticCsv(16, quick ? 300 : 3000));
    const files: Record<SmallModel, string> = { cbpp: CBPP_PATH, logistic };
    const builds: Record<string, string> = { after: root };
    if (options.before) builds.before = path.resolve(options.before);
    const missing = Object.entries(builds).find(([, d]) => !existsSync(path.join(d, 'dist', 'cli', 'main.js')));
    const times = missing ? null : cliTimes(builds, files, repeats);
    const cli = times?.fastest ?? { skipped: `no ${missing?.[1]}/dist (run npx tsc -p tsconfig.build.json)` };
    const cliMedian = times?.median ?? null;
    const calls = {} as Record<SmallModel, Record<string, number>>;
    for (const model of Object.keys(files) as SmallModel[]) {
      const spec = centeredSpec(buildModel(readCsv(files[model]), SMALL_FORMULAS[model]).spec);
      calls[model] = await callTimes(spec, 4, quick ? 2 : 9, quick ? 20 : 400);
    }
    if (quick || missing) return { cli, cliMedian, loadAverage: { start: loadStart, end: loadavg()[0] }, phases: null, microsecondsPerCall: calls, stan: null };
    const phase = {} as Record<SmallModel, Record<string, SmallPhases>>;
    for (const model of Object.keys(files) as SmallModel[]) phase[model] = phases(builds, files[model], SMALL_FORMULAS[model], Math.min(repeats, 3));
    let stan: SmallModelsResult['stan'] = null;
    if (options.stan) {
      const why = await stanUnavailable();
      if (why) stan = { skipped: why };
      else {
        const out = {} as Record<SmallModel, StanComparison>;
        for (const model of Object.keys(files) as SmallModel[]) {
          const s = await runStan({ model, dataPath: files[model], rows: 0, chains: 4, warmup: 1000, draws: 1000, seed: 1, cores: 2 });
          const p = phase[model].after;
          const whole = (cli as CliTimes).after[`nutmeg fit ${model}`];
          const wholeMedian = (cliMedian as CliTimes).after[`nutmeg fit ${model}`];
          const stanCpu = s.warmupSeconds + s.samplingSeconds;
          const ratio = (seconds: number, stanSeconds: number): number => p.minEssBulk / seconds / (s.minEssBulk / stanSeconds);
          out[model] = {
            stan: s,
            essPerSecondRatio: { wholeProcess: ratio(whole.wall, s.wallSeconds), warmupAndSampling: ratio(p.warmup + p.sampling, s.wallSeconds) },
            essPerCpuSecondRatio: { wholeProcess: ratio(whole.cpu, stanCpu), wholeProcessMedian: ratio(wholeMedian.cpu, stanCpu), fit: ratio(p.fit.cpu, stanCpu) },
            essPerWallSecondRatio: s.chainSeconds
              ? { wholeProcess: ratio(whole.wall, chainsWallSeconds(s.chainSeconds, s.cores)), fit: ratio(p.fit.wall, chainsWallSeconds(s.chainSeconds, s.cores)) }
              : null,
          };
        }
        stan = out;
      }
    }
    return { cli, cliMedian, loadAverage: { start: loadStart, end: loadavg()[0] }, phases: phase, microsecondsPerCall: calls, stan };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const repeats = flag('--repeats');
  run({
    quick: process.argv.includes('--quick'),
    stan: process.argv.includes('--stan'),
    before: flag('--before'),
    ...(repeats ? { repeats: Number(repeats) } : {}),
  }).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
