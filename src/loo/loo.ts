/**
 * PSIS-LOO (Vehtari, Gelman & Gabry 2017, "Practical Bayesian model evaluation using leave-one-out cross-validation
 * and WAIC", Statistics and Computing 27) with the numbers of R's loo 2.5.1 `loo()`: totals of the pointwise
 * elpd_loo, p_loo and looic with standard errors √(N · var(pointwise)), the Pareto k table and the Monte Carlo SE of
 * elpd_loo (√Σ mcse_i², reported as NaN — loo's NA — when any k exceeds 0.7).
 *
 * Streaming: the S × N log-likelihood matrix arrives in blocks of observations (all draws of `count` consecutive
 * observations); each block is reduced to per-observation results and dropped, so memory is O(N) results plus one
 * block and O(S) scratch. `psisLoo` runs the same code on a matrix held in memory.
 *
 * Engines: the per-observation work runs in the native addon (src/loo/native-psis.ts, off the event loop in
 * `psisLooStream`) when it is built, else in TypeScript (pointwise.ts, the oracle); `LooOptions.engine` chooses.
 */
import { UserError } from '../errors.js';
import { ChainLayout, EssWorkspace, chainLayout, relativeEff } from './relative-eff.js';
import { PointwiseLoo, type PointwiseLooArrays, makePointwiseLooArrays } from './pointwise.js';
import { MIN_TAIL_LENGTH, paretoTailLength } from './psis.js';
import { NativePsis, type NonFinite, type PsisEngineChoice } from './native-psis.js';

/** All S draws of `count` consecutive observations from `start`: values[s · count + j] = log p(y_{start+j} | θ_s). */
export interface LogLikBlock {
  readonly start: number;
  readonly count: number;
  readonly values: Float64Array;
}

/** Where r_eff comes from: the chains (loo's `relative_eff`), 1 for every observation, or given values. */
export type REffChoice = 'chains' | 'one' | Float64Array;

export interface LooOptions {
  /** Default 'chains'. */
  readonly rEff?: REffChoice;
  /**
   * Code for the per-observation PSIS: 'auto' (default) the native addon when it is built and loads, else
   * TypeScript; 'typescript'; 'native' (UserError when the addon is unavailable). The results agree to ~1e-13.
   */
  readonly engine?: PsisEngineChoice;
  /** Threads of the native engine. Default: all cores. */
  readonly threads?: number;
}

export interface Estimate {
  readonly estimate: number;
  readonly se: number;
}

/** Counts of Pareto k in loo's intervals (-Inf, 0.5], (0.5, 0.7], (0.7, 1], (1, Inf), and the smallest n_eff in each. */
export interface ParetoKTable {
  readonly good: number;
  readonly ok: number;
  readonly bad: number;
  readonly veryBad: number;
  /** Smallest PSIS n_eff in each class, NaN where the class is empty. */
  readonly minNEff: { readonly good: number; readonly ok: number; readonly bad: number; readonly veryBad: number };
}

export interface LooResult {
  readonly nObs: number;
  readonly nDraws: number;
  readonly nChains: number;
  readonly rEffSource: 'chains' | 'one' | 'given';
  readonly elpdLoo: Estimate;
  readonly pLoo: Estimate;
  readonly looic: Estimate;
  /** Monte Carlo SE of elpd_loo; NaN when some Pareto k > 0.7 (as loo's mcse_loo gives NA). */
  readonly mcseElpdLoo: number;
  readonly pointwise: PointwiseLooArrays;
  readonly paretoKTable: ParetoKTable;
  /** Plain-language warnings (Pareto k above 0.7, tails too short to fit). Empty when all is well. */
  readonly warnings: readonly string[];
}

/** Pareto k thresholds of loo 2.5.1: good ≤ 0.5 < ok ≤ 0.7 < bad ≤ 1 < very bad. */
export const PARETO_K_OK = 0.5;
export const PARETO_K_BAD = 0.7;
export const PARETO_K_VERY_BAD = 1;

/**
 * Consumes blocks of observations one at a time and keeps only per-observation results. With the native engine it
 * holds a thread pool from the first block until finish() or dispose().
 */
export class LooAccumulator {
  private readonly pointwise: PointwiseLooArrays;
  private readonly seen: Uint8Array;
  private readonly column: Float64Array;
  private readonly expScratch: Float64Array;
  private readonly loo: PointwiseLoo;
  private readonly layout: ChainLayout;
  private readonly ess: EssWorkspace;
  /** The native engine once opened; null for TypeScript (undefined: not decided yet). */
  private native: NativePsis | null | undefined;
  /** r_eff of every observation when it does not come from the chains (for the native engine). */
  private readonly rEffGiven: Float64Array | null;
  private done = 0;
  private closed = false;

  constructor(
    readonly nObs: number,
    readonly nDraws: number,
    chainOfDraw: Uint32Array,
    private readonly options: LooOptions = {},
  ) {
    if (!Number.isInteger(nObs) || nObs < 1) {
      throw new UserError(`PSIS-LOO needs at least one observation (got ${nObs})`);
    }
    if (!Number.isInteger(nDraws) || nDraws < 2) throw new UserError(`PSIS-LOO needs at least two draws (got ${nDraws})`);
    if (chainOfDraw.length !== nDraws) {
      throw new UserError(`chain ids: ${chainOfDraw.length} given for ${nDraws} draws; give one chain id per draw`);
    }
    const rEff = options.rEff ?? 'chains';
    if (rEff instanceof Float64Array) {
      if (rEff.length !== nObs) {
        throw new UserError(`r_eff: ${rEff.length} values given for ${nObs} observations; give one per observation`);
      }
      const bad = rEff.findIndex((r) => !(r > 0 && Number.isFinite(r)));
      if (bad >= 0) throw new UserError(`r_eff of observation ${bad + 1} is ${rEff[bad]}; r_eff must be positive`);
    }
    this.layout = chainLayout(chainOfDraw);
    this.ess = new EssWorkspace(this.layout.nChains, this.layout.drawsPerChain);
    this.pointwise = makePointwiseLooArrays(nObs);
    this.seen = new Uint8Array(nObs);
    this.column = new Float64Array(nDraws);
    this.expScratch = new Float64Array(nDraws);
    this.loo = new PointwiseLoo(nDraws);
    this.rEffGiven = rEff === 'one' ? new Float64Array(nObs).fill(1) : rEff instanceof Float64Array ? rEff : null;
  }

  /** Processes one block; the block's arrays may be reused by the caller once this returns. */
  addBlock(block: LogLikBlock): void {
    this.claim(block);
    const { start, count, values } = block;
    const native = this.nativeEngine();
    if (native) {
      const rEff = this.rEffGiven?.subarray(start, start + count) ?? null;
      this.settle(block, native.blockSync(values, count, rEff, this.pointwise, start));
    } else {
      this.addTypeScript(block);
    }
  }

  /** The TypeScript engine on a claimed block. */
  private addTypeScript(block: LogLikBlock): void {
    const { start, count, values } = block;
    const s = this.nDraws;
    const col = this.column;
    for (let j = 0; j < count; j++) {
      const i = start + j;
      for (let d = 0; d < s; d++) {
        const v = values[d * count + j];
        if (!Number.isFinite(v)) throw nonFiniteError(i, d, v);
        col[d] = v;
      }
      this.loo.compute(col, this.rEffOf(i, col), this.pointwise, i);
    }
    this.settle(block, null);
  }

  /**
   * As addBlock, with the native engine's work off the event loop; the block's arrays must not change until the
   * promise settles.
   */
  async addBlockAsync(block: LogLikBlock): Promise<void> {
    this.claim(block);
    const native = this.nativeEngine();
    if (!native) {
      this.addTypeScript(block);
      return;
    }
    const { start, count, values } = block;
    const rEff = this.rEffGiven?.subarray(start, start + count) ?? null;
    this.settle(block, await native.block(values, count, rEff, this.pointwise, start));
  }

  /** Releases the native engine's threads (finish() does too); the accumulator takes no more blocks after this. */
  dispose(): void {
    this.native?.dispose();
    this.closed = true;
  }

  /** Checks a block's range and size and that none of its observations was seen; marks them seen. */
  private claim(block: LogLikBlock): void {
    if (this.closed) throw new Error('PSIS-LOO: a block was given after finish() or dispose()');
    const { start, count, values } = block;
    const s = this.nDraws;
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > this.nObs) {
      throw new Error(`log-likelihood block [${start}, ${start + count}) is outside observations [0, ${this.nObs})`);
    }
    if (values.length < s * count) {
      throw new Error(`log-likelihood block of ${count} observations has ${values.length} values, needs ${s * count}`);
    }
    for (let i = start; i < start + count; i++) {
      if (this.seen[i]) throw new Error(`observation ${i + 1} was given twice in the log-likelihood blocks`);
    }
    this.seen.fill(1, start, start + count);
  }

  /** Counts a computed block, or throws for its first non-finite value. */
  private settle(block: LogLikBlock, bad: NonFinite | null): void {
    if (bad) {
      const { observation: j, draw: d } = bad;
      throw nonFiniteError(block.start + j, d, block.values[d * block.count + j]);
    }
    this.done += block.count;
  }

  private nativeEngine(): NativePsis | null {
    if (this.native === undefined) {
      this.native = NativePsis.open(this.options.engine ?? 'auto', this.layout, this.options.threads);
    }
    return this.native;
  }

  /** Totals, table and warnings; throws unless every observation was given exactly once. */
  finish(): LooResult {
    this.dispose();
    if (this.done !== this.nObs) {
      const missing = this.seen.indexOf(0);
      throw new Error(
        `log-likelihood blocks covered ${this.done} of ${this.nObs} observations (first missing: ${missing + 1})`,
      );
    }
    return summarizeLoo(this.pointwise, this.nDraws, this.layout.nChains, this.rEffSource());
  }

  private rEffSource(): LooResult['rEffSource'] {
    const r = this.options.rEff ?? 'chains';
    return r instanceof Float64Array ? 'given' : r;
  }

  private rEffOf(i: number, col: Float64Array): number {
    const r = this.options.rEff ?? 'chains';
    if (r === 'one') return 1;
    if (r === 'chains') return relativeEff(col, this.layout, this.ess, this.expScratch);
    return r[i];
  }
}

function nonFiniteError(i: number, d: number, v: number): UserError {
  return new UserError(
    `log-likelihood of observation ${i + 1}, draw ${d + 1} is ${v}; PSIS-LOO needs finite values everywhere`,
  );
}

/**
 * PSIS-LOO over observation blocks (see the module comment); blocks may come in any order and may reuse buffers once
 * the next one is asked for. The native engine works off the event loop.
 */
export async function psisLooStream(
  nObs: number,
  nDraws: number,
  chainOfDraw: Uint32Array,
  blocks: AsyncIterable<LogLikBlock> | Iterable<LogLikBlock>,
  options: LooOptions = {},
): Promise<LooResult> {
  const acc = new LooAccumulator(nObs, nDraws, chainOfDraw, options);
  try {
    for await (const block of blocks) await acc.addBlockAsync(block);
    return acc.finish();
  } finally {
    acc.dispose();
  }
}

/** PSIS-LOO of a log-likelihood matrix held in memory: matrix[s · nObs + i], S = nDraws rows. */
export function psisLoo(
  matrix: Float64Array,
  nDraws: number,
  nObs: number,
  chainOfDraw: Uint32Array,
  options: LooOptions = {},
): LooResult {
  if (matrix.length !== nDraws * nObs) {
    throw new Error(`log-likelihood matrix has ${matrix.length} values, expected ${nDraws} × ${nObs}`);
  }
  const acc = new LooAccumulator(nObs, nDraws, chainOfDraw, options);
  try {
    acc.addBlock({ start: 0, count: nObs, values: matrix });
    return acc.finish();
  } finally {
    acc.dispose();
  }
}

/** Sum and SE √(N · var) of a pointwise column, as loo's `table_of_estimates`. */
export function estimateOf(x: Float64Array): Estimate {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i];
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
  return { estimate: sum, se: Math.sqrt(n * (ss / (n - 1))) };
}

export function paretoKTable(paretoK: Float64Array, nEff: Float64Array): ParetoKTable {
  const counts = [0, 0, 0, 0];
  const minNEff = [NaN, NaN, NaN, NaN];
  for (let i = 0; i < paretoK.length; i++) {
    const k = paretoK[i];
    const c = k <= PARETO_K_OK ? 0 : k <= PARETO_K_BAD ? 1 : k <= PARETO_K_VERY_BAD ? 2 : 3;
    counts[c]++;
    if (!(minNEff[c] <= nEff[i])) minNEff[c] = nEff[i];
  }
  return {
    good: counts[0],
    ok: counts[1],
    bad: counts[2],
    veryBad: counts[3],
    minNEff: { good: minNEff[0], ok: minNEff[1], bad: minNEff[2], veryBad: minNEff[3] },
  };
}

function summarizeLoo(
  pointwise: PointwiseLooArrays,
  nDraws: number,
  nChains: number,
  rEffSource: LooResult['rEffSource'],
): LooResult {
  const nObs = pointwise.elpdLoo.length;
  const table = paretoKTable(pointwise.paretoK, pointwise.nEff);
  let mcseSq = 0;
  for (let i = 0; i < nObs; i++) mcseSq += pointwise.mcseElpdLoo[i] ** 2;
  return {
    nObs,
    nDraws,
    nChains,
    rEffSource,
    elpdLoo: estimateOf(pointwise.elpdLoo),
    pLoo: estimateOf(pointwise.pLoo),
    looic: estimateOf(pointwise.looic),
    mcseElpdLoo: table.bad + table.veryBad > 0 ? NaN : Math.sqrt(mcseSq),
    pointwise,
    paretoKTable: table,
    warnings: looWarnings(table, pointwise, nDraws),
  };
}

function looWarnings(table: ParetoKTable, pointwise: PointwiseLooArrays, nDraws: number): string[] {
  const n = pointwise.paretoK.length;
  const share = (count: number): string => `${count} of ${n} observations (${((100 * count) / n).toFixed(1)}%)`;
  const warnings: string[] = [];
  let shortTails = 0;
  for (let i = 0; i < n; i++) if (paretoTailLength(pointwise.rEff[i], nDraws) < MIN_TAIL_LENGTH) shortTails++;
  if (shortTails > 0) {
    warnings.push(
      `${share(shortTails)} have too few draws (${nDraws}) to fit the Pareto tail, so their weights were not ` +
        'smoothed and their k is reported as Inf; run more draws.',
    );
  }
  if (table.veryBad > 0) {
    warnings.push(
      `${share(table.veryBad)} have Pareto k above 1: leaving one of them out changes the posterior so much that ` +
        'importance sampling cannot estimate it, and elpd_loo is not to be trusted. Refit without each of them ' +
        '(exact LOO) or use K-fold cross-validation, and check the model for misspecification.',
    );
  }
  if (table.bad > 0) {
    warnings.push(
      `${share(table.bad)} have Pareto k between 0.7 and 1: their leave-one-out estimates are unreliable (the ` +
        'importance weights have too heavy a tail). These points are highly influential; consider exact LOO or ' +
        'K-fold cross-validation for them, or a more robust model.',
    );
  }
  return warnings;
}
