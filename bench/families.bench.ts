/**
 * Native family kernels: time per row × chain of one batched log density + gradient call for every family and link
 * (native/src/families.hpp), as a ratio to the bernoulli (logit) kernel measured in the same run, on the Hillstrom
 * design (64,000 rows from the simulator, src/data/simulate/hillstrom.ts, pooled and hierarchical formulas of
 * src/data/hillstrom.ts) with the outcome simulated per family at a plausible truth. Targets (issue 15): gaussian and
 * poisson within 1.5× of bernoulli, negbinomial and gamma within 2.5× (they need log1p / exp per row and, per chain,
 * lgamma / digamma). The probit link has no target: its log Φ takes a continued fraction in the tails.
 *
 * Each family is timed at positions near its own truth (bernoulli: near the Hillstrom posterior, intercept about −5,
 * where every row takes the short log1p series, as native.bench.ts). One thread, in-process calls, timed by the
 * process's CPU time (so that time spent waiting for a shared machine's cores is not counted); families are measured
 * round-robin, several rounds, and each keeps its fastest round, so that a change in the machine's load hits every
 * family alike.
 *
 * Run: `npx tsx bench/families.bench.ts` (or through bench/run.ts, which calls run()). `--quick`: 2,000 rows, one round.
 */
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { createNativeBackend, loadNativeAddon, nativeAddonUnavailableReason, type NativeBackend } from '../src/backend/native.js';
import { centeredSpec } from '../src/backend/split-terms.js';
import { builtinDataset } from '../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../src/data/hillstrom.js';
import { lognormal, poisson } from '../src/data/simulate/draw.js';
import { buildModel } from '../src/model/build.js';
import { familyModule } from '../src/model/families/index.js';
import type { LinkName } from '../src/model/families/family.js';
import type { Family, ModelSpec } from '../src/model/spec.js';
import { groupedInteger } from '../src/report/integer-text.js';
import { Rng } from '../src/rng.js';
import { benchPositions } from './backend-timing.js';
import { describeMachine } from './native.bench.js';

type BenchModel = 'pooled' | 'hierarchical';

interface Case {
  readonly family: Family;
  readonly link?: LinkName;
  /** Issue 15's target for the ratio to bernoulli, if any. */
  readonly target?: number;
}

const CASES: readonly Case[] = [
  { family: 'bernoulli' },
  { family: 'bernoulli', link: 'probit' },
  { family: 'gaussian', target: 1.5 },
  { family: 'lognormal' },
  { family: 'poisson', target: 1.5 },
  { family: 'negbinomial', target: 2.5 },
  { family: 'gamma', target: 2.5 },
];

const caseName = (c: Case): string => (c.link ? `${c.family} (${c.link})` : c.family);

/** The linear predictor the outcomes are drawn around: intercept TRUTH_INTERCEPT, small effects of the covariates. */
const TRUTH_INTERCEPT = 0.5;
const TRUTH_SHAPE = 2;

function truthEta(spec: ModelSpec, i: number): number {
  const p = spec.fixed.names.length;
  let eta = TRUTH_INTERCEPT;
  for (let j = 1; j < p; j++) eta += 0.1 * spec.fixed.X[i * p + j];
  return eta;
}

/** Gamma(shape k, scale 1) for whole k: a sum of k exponentials. */
const gammaWhole = (rng: Rng, k: number): number => {
  let s = 0;
  for (let m = 0; m < k; m++) s += rng.exponential();
  return s;
};

/** The bernoulli spec with its outcome drawn for `c` and the family's aux parameter appended (build.ts's layout). */
function familyVariant(spec: ModelSpec, c: Case, seed: number): ModelSpec {
  if (c.family === 'bernoulli') return { ...spec, ...(c.link ? { link: c.link } : {}) };
  const rng = new Rng(seed, 21);
  const y = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    const eta = truthEta(spec, i);
    if (c.family === 'gaussian') y[i] = eta + rng.normal();
    else if (c.family === 'lognormal') y[i] = lognormal(rng, eta, 1);
    else if (c.family === 'poisson') y[i] = poisson(rng, Math.exp(eta));
    else if (c.family === 'negbinomial') y[i] = poisson(rng, (Math.exp(eta) * gammaWhole(rng, TRUTH_SHAPE)) / TRUTH_SHAPE);
    else y[i] = (Math.exp(eta) * gammaWhole(rng, TRUTH_SHAPE)) / TRUTH_SHAPE;
  }
  const aux = familyModule(c.family, c.link).aux.map((a, k) => ({ name: a.name, prior: a.defaultPrior(1), index: spec.dim + k }));
  return { ...spec, family: c.family, ...(c.link ? { link: c.link } : {}), y, trials: null, logChoose: null, aux, dim: spec.dim + aux.length };
}

/** Positions near each family's truth: bernoulli as native.bench.ts; the others intercept TRUTH_INTERCEPT, log aux 0. */
function positionsFor(spec: ModelSpec, chains: number): Float64Array {
  const pos = benchPositions(spec, chains);
  if (spec.family === 'bernoulli') return pos;
  for (let c = 0; c < chains; c++) {
    pos[c * spec.dim] = TRUTH_INTERCEPT + 0.05 * Math.sin(c);
    for (const a of spec.aux ?? []) pos[c * spec.dim + a.index] = a.name === 'shape' ? Math.log(TRUTH_SHAPE) : 0;
  }
  return pos;
}

export interface FamilyCell {
  readonly model: BenchModel;
  readonly family: string;
  readonly rows: number;
  readonly chains: number;
  /** CPU seconds per call, fastest round. */
  readonly bestSeconds: number;
  readonly nsPerRowChain: number;
  /** nsPerRowChain ÷ bernoulli's for the same model in this run. */
  readonly ratioToBernoulli: number;
  readonly target: number | null;
}

export interface FamiliesBenchResult {
  readonly machine: string;
  readonly threads: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly cells: FamilyCell[];
}

export async function run(options: { quick?: boolean } = {}): Promise<FamiliesBenchResult> {
  if (!loadNativeAddon()) throw new Error(nativeAddonUnavailableReason() ?? 'native backend unavailable');
  const quick = options.quick ?? false;
  const rows = quick ? 2_000 : 64_000;
  const chains = quick ? 4 : 16;
  const rounds = quick ? 1 : 7;
  const callsPerRound = quick ? 1 : 5;
  const threads = 1;
  const loadBefore = loadavg();
  const { frame } = builtinDataset('hillstrom', 1, rows);
  const cells: FamilyCell[] = [];
  for (const model of ['pooled', 'hierarchical'] as const) {
    const base = centeredSpec(buildModel(frame, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model] }).spec);
    const runs: { c: Case; backend: NativeBackend; pos: Float64Array; logp: Float64Array; grad: Float64Array; best: number }[] = [];
    for (const [k, c] of CASES.entries()) {
      const spec = familyVariant(base, c, 40 + k);
      const backend = await createNativeBackend(spec, { maxChains: chains, threads, sync: true });
      const pos = positionsFor(spec, chains);
      runs.push({ c, backend, pos, logp: new Float64Array(chains), grad: new Float64Array(chains * spec.dim), best: Infinity });
    }
    try {
      for (const r of runs) await r.backend.logDensityGradient(r.pos, chains, r.logp, r.grad); // warm-up
      for (let round = 0; round < rounds; round++) {
        for (const r of runs) {
          const t0 = process.cpuUsage();
          for (let k = 0; k < callsPerRound; k++) await r.backend.logDensityGradient(r.pos, chains, r.logp, r.grad);
          const t = process.cpuUsage(t0);
          r.best = Math.min(r.best, (t.user + t.system) / 1e6 / callsPerRound);
          if (!Number.isFinite(r.logp[0])) throw new Error(`${caseName(r.c)}: non-finite log density at the benchmark position`);
        }
      }
    } finally {
      for (const r of runs) await r.backend.dispose();
    }
    const ns = (seconds: number) => (seconds * 1e9) / (rows * chains);
    const bernoulli = ns(runs[0].best);
    for (const r of runs) {
      cells.push({
        model,
        family: caseName(r.c),
        rows,
        chains,
        bestSeconds: r.best,
        nsPerRowChain: ns(r.best),
        ratioToBernoulli: ns(r.best) / bernoulli,
        target: r.c.target ?? null,
      });
    }
  }
  return { machine: describeMachine().cpu, threads, loadBefore, loadAfter: loadavg(), cells };
}

export function format(result: FamiliesBenchResult): string {
  const load = (l: readonly number[]) => l.map((v) => v.toFixed(1)).join(' ');
  const first = result.cells[0];
  const lines = [
    `${result.machine}, ${result.threads} thread (CPU time per call); ${groupedInteger(first.rows)} rows × ${first.chains} chains; load average ${load(result.loadBefore)} before, ${load(result.loadAfter)} after`,
    `| family | pooled ns/(row×chain) | ratio | hierarchical ns/(row×chain) | ratio | target |`,
    `|---|---:|---:|---:|---:|---:|`,
  ];
  const families = [...new Set(result.cells.map((c) => c.family))];
  for (const f of families) {
    const pooled = result.cells.find((c) => c.family === f && c.model === 'pooled')!;
    const hier = result.cells.find((c) => c.family === f && c.model === 'hierarchical')!;
    lines.push(
      `| ${f} | ${pooled.nsPerRowChain.toFixed(2)} | ${pooled.ratioToBernoulli.toFixed(2)}× | ${hier.nsPerRowChain.toFixed(2)} | ${hier.ratioToBernoulli.toFixed(2)}× | ${pooled.target ? `≤ ${pooled.target}×` : ''} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(format(await run({ quick: process.argv.includes('--quick') })));
}
