/**
 * Bayesian A/B(/n) test on a 0/1 outcome: each arm's rate gets a Beta(1, 1) prior, so its posterior is
 * Beta(1 + successes, 1 + failures) (conjugacy). Per-arm means and 95% intervals are exact (beta quantiles); the
 * quantities that involve several arms — lift against the control with its 95% interval, P(arm is best), expected
 * loss E[max_j p_j − p_arm] — are Monte Carlo averages over draws from the arms' posteriors (seeded), each reported
 * with its Monte Carlo standard error.
 */
import { requireColumn, requireZeroOne } from '../data/checks.js';
import type { Frame } from '../data/frame.js';
import { betaQuantile } from '../numeric/beta-distribution.js';
import { quantileSorted } from '../numeric/quantile.js';
import { UserError } from '../errors.js';
import { Rng } from '../rng.js';
import { betaVariate } from './gamma-beta.js';

export interface ArmData {
  readonly arm: string;
  readonly n: number;
  readonly successes: number;
}

export interface AbTestOptions {
  /** Name of the control arm. */
  readonly control: string;
  /** Monte Carlo draws per arm (default 100,000). */
  readonly draws?: number;
  readonly seed?: number;
  /** Probability of the credible intervals (default 0.95). */
  readonly interval?: number;
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface ArmResult {
  readonly arm: string;
  readonly isControl: boolean;
  readonly n: number;
  readonly successes: number;
  readonly observedRate: number;
  /** Beta posterior parameters. */
  readonly alpha: number;
  readonly beta: number;
  /** alpha / (alpha + beta). */
  readonly posteriorMean: number;
  /** Exact equal-tailed interval of the rate. */
  readonly rateInterval: Interval;
  /** Relative lift p_arm / p_control − 1 (0 for the control itself): Monte Carlo mean and equal-tailed interval. */
  readonly liftMean: number;
  readonly liftInterval: Interval;
  /** Absolute difference p_arm − p_control. */
  readonly differenceMean: number;
  readonly differenceInterval: Interval;
  /** P(p_arm > p_control); NaN for the control. */
  readonly probBeatsControl: number;
  readonly probBest: number;
  readonly mcseProbBest: number;
  /** E[max_j p_j − p_arm]: the rate given up, on average, by choosing this arm. */
  readonly expectedLoss: number;
  readonly mcseExpectedLoss: number;
}

export interface AbTestResult {
  readonly control: string;
  readonly draws: number;
  readonly seed: number;
  readonly interval: number;
  readonly arms: readonly ArmResult[];
}

function checkArms(arms: readonly ArmData[], control: string): number {
  if (arms.length < 2) throw new UserError(`an A/B test needs at least two arms; found ${arms.length} (${arms.map((a) => a.arm).join(', ')})`);
  for (const a of arms) {
    if (!(Number.isInteger(a.n) && a.n >= 0 && Number.isInteger(a.successes) && a.successes >= 0 && a.successes <= a.n)) {
      throw new UserError(`arm "${a.arm}": ${a.successes} successes of ${a.n} is not a valid count`);
    }
  }
  const c = arms.findIndex((a) => a.arm === control);
  if (c < 0) {
    throw new UserError(`control arm "${control}" is not one of the arms (${arms.map((a) => JSON.stringify(a.arm)).join(', ')}); use --control`);
  }
  return c;
}

function tails(sorted: Float64Array, interval: number): Interval {
  const tail = (1 - interval) / 2;
  return { low: quantileSorted(sorted, tail), high: quantileSorted(sorted, 1 - tail) };
}

export function abTest(arms: readonly ArmData[], options: AbTestOptions): AbTestResult {
  const c = checkArms(arms, options.control);
  const S = options.draws ?? 100_000;
  const seed = options.seed ?? 1;
  const interval = options.interval ?? 0.95;
  if (!Number.isInteger(S) || S < 100) throw new UserError(`draws ${S} must be a whole number ≥ 100`);
  if (!(interval > 0 && interval < 1)) throw new UserError(`interval ${interval} must lie strictly between 0 and 1`);
  const J = arms.length;
  const post = arms.map((a) => ({ alpha: 1 + a.successes, beta: 1 + a.n - a.successes }));
  // draws[j · S + s], each arm from its own stream of the seed
  const draws = new Float64Array(J * S);
  post.forEach((p, j) => {
    const rng = new Rng(seed, j);
    for (let s = 0; s < S; s++) draws[j * S + s] = betaVariate(rng, p.alpha, p.beta);
  });
  const best = new Float64Array(J);
  const loss = new Float64Array(J);
  const lossSq = new Float64Array(J);
  for (let s = 0; s < S; s++) {
    let max = -Infinity;
    let arg = 0;
    for (let j = 0; j < J; j++) {
      if (draws[j * S + s] > max) {
        max = draws[j * S + s];
        arg = j;
      }
    }
    best[arg]++;
    for (let j = 0; j < J; j++) {
      const l = max - draws[j * S + s];
      loss[j] += l;
      lossSq[j] += l * l;
    }
  }
  const lift = new Float64Array(S);
  const diff = new Float64Array(S);
  const results = arms.map((a, j): ArmResult => {
    let beats = 0;
    let liftSum = 0;
    let diffSum = 0;
    for (let s = 0; s < S; s++) {
      const pc = draws[c * S + s];
      const pj = draws[j * S + s];
      lift[s] = pj / pc - 1;
      diff[s] = pj - pc;
      liftSum += lift[s];
      diffSum += diff[s];
      if (pj > pc) beats++;
    }
    const { alpha, beta } = post[j];
    const tail = (1 - interval) / 2;
    const probBest = best[j] / S;
    const lossMean = loss[j] / S;
    const lossVar = Math.max(lossSq[j] / S - lossMean * lossMean, 0);
    return {
      arm: a.arm,
      isControl: j === c,
      n: a.n,
      successes: a.successes,
      observedRate: a.n > 0 ? a.successes / a.n : NaN,
      alpha,
      beta,
      posteriorMean: alpha / (alpha + beta),
      rateInterval: { low: betaQuantile(tail, alpha, beta), high: betaQuantile(1 - tail, alpha, beta) },
      liftMean: liftSum / S,
      liftInterval: tails(lift.slice().sort(), interval),
      differenceMean: diffSum / S,
      differenceInterval: tails(diff.slice().sort(), interval),
      probBeatsControl: j === c ? NaN : beats / S,
      probBest,
      mcseProbBest: Math.sqrt((probBest * (1 - probBest)) / S),
      expectedLoss: lossMean,
      mcseExpectedLoss: Math.sqrt(lossVar / S),
    };
  });
  return { control: arms[c].arm, draws: S, seed, interval, arms: results };
}

/** Level names that are taken as the control when none is given. */
const CONTROL_NAMES = /^(no e-?mail|control|none|holdout)$/i;

/**
 * Arms and counts from a frame: `arm` is a categorical column (a numeric one is read as labels), `outcome` a
 * complete 0/1 column. Arms are in level order.
 */
export function armsOfFrame(frame: Frame, arm: string, outcome: string): ArmData[] {
  const column = requireColumn(frame, arm, `--arm ${arm}`);
  const y = requireZeroOne(frame, outcome, { role: 'an A/B test outcome', advice: 'give a 0/1 column as --outcome', context: `--outcome ${outcome}` });
  const missing = frame.missing.get(arm);
  if (missing !== undefined && missing.length > 0) {
    throw new UserError(`${frame.source}: --arm column "${arm}" has ${missing.length} missing value(s); fill them in or drop those rows`);
  }
  let codes: ArrayLike<number>;
  let levels: string[];
  if (column.kind === 'categorical') {
    codes = column.codes;
    levels = column.levels;
  } else {
    const values = column.kind === 'numeric' ? column.values : Float64Array.from(column.values);
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    if (distinct.length > 50) {
      throw new UserError(`${frame.source}: --arm column "${arm}" has ${distinct.length} distinct values; an arm column holds a few labels`);
    }
    const position = new Map(distinct.map((v, k) => [v, k]));
    codes = Uint32Array.from(values, (v) => position.get(v)!);
    levels = distinct.map(String);
  }
  const n = new Float64Array(levels.length);
  const s = new Float64Array(levels.length);
  for (let i = 0; i < y.length; i++) {
    n[codes[i]]++;
    s[codes[i]] += y[i];
  }
  return levels.map((name, k) => ({ arm: name, n: n[k], successes: s[k] })).filter((a) => a.n > 0);
}

/** The control arm: the given name, else a level named like a control ("No E-Mail", "control"), else the first arm. */
export function chooseControl(arms: readonly ArmData[], given?: string): string {
  if (given !== undefined) return given;
  return (arms.find((a) => CONTROL_NAMES.test(a.arm)) ?? arms[0]).arm;
}
