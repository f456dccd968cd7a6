/**
 * The Stan peer: runs bench/peers/stan.R (rstan 2.21, the golden programs in bench/peers/stan/) as a child process
 * and reads the one JSON line it prints. Skipped with a notice when R or rstan is missing (bench/peers/setup.sh
 * installs them on Debian).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Hillstrom conversion programs (golden), and the families peers: `sleepstudy` (gaussian_cor.stan on lme4's
 * sleepstudy, correlated intercept and slope) and `hillstrom_spend` (glm_vi.stan, lognormal on the converters' spend
 * with a varying intercept per history segment), both with nutmeg's default priors (bench/peers/family-priors.R);
 * and the small models of bench/small-models.bench.ts, `cbpp` (binomial_vi.stan) and `logistic` (pooled.stan), with
 * nutmeg's default bernoulli/binomial priors, on the file given as dataPath.
 */
export type StanModel = 'pooled' | 'hierarchical' | 'crossed' | 'crossed_centered' | 'sleepstudy' | 'hillstrom_spend' | 'cbpp' | 'logistic';

export interface StanSettings {
  readonly model: StanModel;
  readonly dataPath: string;
  /** Keep the first `rows` rows (after standardising over all rows); 0 = all. */
  readonly rows: number;
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly seed: number;
  /** Most chains run in parallel (default: as many as there are cores). */
  readonly cores?: number;
}

export interface StanResult {
  readonly peer: 'stan';
  readonly model: StanModel;
  readonly rows: number;
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly seed: number;
  readonly compileSeconds: number;
  /** Elapsed seconds of rstan's sampling() call (warm-up + draws, chains in parallel on `cores`). */
  readonly wallSeconds: number;
  readonly warmupSeconds: number;
  readonly samplingSeconds: number;
  /**
   * Per chain: its warm-up + sampling seconds as Stan times them (CPU seconds, clock()). Absent in results written
   * before 2026-12-02.
   */
  readonly chainSeconds?: readonly number[];
  readonly cores: number;
  /** Sum of n_leapfrog__ over all chains and iterations, warm-up included. */
  readonly gradients: number;
  /** Minimum posterior::ess_bulk over all parameters (lp__ excluded). */
  readonly minEssBulk: number;
  readonly essPerSecond: number;
  readonly maxRhat: number;
  readonly divergences: number;
  readonly versions: Record<string, string>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const STAN_SCRIPT = path.join(here, 'stan.R');
export const STAN_PROGRAMS = path.join(here, 'stan');

interface ProcessOutput {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runProcess(command: string, args: string[]): Promise<ProcessOutput> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: err.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** null when Rscript and rstan load; otherwise a one-line reason to skip the Stan peer. */
export async function stanUnavailable(): Promise<string | null> {
  const probe = await runProcess('Rscript', ['-e', 'suppressPackageStartupMessages({library(rstan); library(posterior)})']);
  if (probe.code === null) return 'Rscript not found (install the peers with bench/peers/setup.sh)';
  if (probe.code !== 0) return 'R packages rstan/posterior do not load (install the peers with bench/peers/setup.sh)';
  return null;
}

const NUMERIC_FIELDS = [
  'rows', 'chains', 'warmup', 'draws', 'seed', 'compileSeconds', 'wallSeconds', 'warmupSeconds', 'samplingSeconds',
  'cores', 'gradients', 'minEssBulk', 'essPerSecond', 'maxRhat', 'divergences',
] as const;

/**
 * Seconds from the first chain's start to the last chain's end when `chainSeconds` run on `cores` workers as rstan
 * runs them on Linux (parallel::mclapply with mc.preschedule = FALSE: chains in order, each started as soon as a
 * worker is free): the wall time of Stan's chains alone, without R's start, forks or output.
 */
export function chainsWallSeconds(chainSeconds: readonly number[], cores: number): number {
  const free = new Array<number>(Math.max(1, Math.min(cores, chainSeconds.length))).fill(0);
  for (const s of chainSeconds) {
    let w = 0;
    for (let k = 1; k < free.length; k++) if (free[k] < free[w]) w = k;
    free[w] += s;
  }
  return Math.max(...free);
}

/** Parses and checks the JSON line printed by stan.R. */
export function parseStanResult(stdout: string): StanResult {
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!line) throw new Error('stan.R printed no JSON result');
  const value = JSON.parse(line) as Record<string, unknown>;
  if (value.peer !== 'stan' || typeof value.model !== 'string') throw new Error('stan.R result lacks peer/model');
  for (const field of NUMERIC_FIELDS) {
    if (typeof value[field] !== 'number') throw new Error(`stan.R result field ${field} is not a number`);
  }
  return value as unknown as StanResult;
}

/** Fits one model with rstan. `cacheDir` keeps compiled programs between runs. */
export async function runStan(settings: StanSettings, cacheDir = path.join(os.tmpdir(), 'nutmeg-stan-cache')): Promise<StanResult> {
  if (!existsSync(settings.dataPath)) throw new Error(`Stan peer: data file ${settings.dataPath} not found`);
  const args = [
    STAN_SCRIPT,
    '--model', settings.model,
    '--data', settings.dataPath,
    '--rows', String(settings.rows),
    '--warmup', String(settings.warmup),
    '--draws', String(settings.draws),
    '--chains', String(settings.chains),
    '--seed', String(settings.seed),
    '--cache', cacheDir,
    '--stan-dir', STAN_PROGRAMS,
    ...(settings.cores === undefined ? [] : ['--cores', String(settings.cores)]),
  ];
  const out = await runProcess('Rscript', args);
  if (out.code !== 0) {
    const reason = out.stderr.trim().split('\n').filter((l) => !/codetools/.test(l)).slice(-3).join(' | ');
    throw new Error(`Stan peer (${settings.model}) failed with exit code ${out.code}: ${reason}`);
  }
  return parseStanResult(out.stdout);
}
