/**
 * Native backend micro benchmark: row × chain evaluations per second of one batched log density + gradient call,
 * reference vs native, on the Hillstrom-sized pooled and hierarchical models (64,000 rows from the Hillstrom
 * simulator, src/data/simulate/hillstrom.ts, built with the formulas of src/data/hillstrom.ts), for 1, 4, 16 and 64
 * chains; plus the native variants that answer the design questions (1 vs all threads, the kernel sets the CPU runs:
 * AVX-512 / AVX2+FMA / baseline, float32 vs float64 storage of the continuous columns).
 *
 * Run: `npx tsx bench/native.bench.ts` (or through bench/run.ts, which calls run()). `--quick`: small sizes, once.
 *
 * Physical limit (what the arithmetic needs, counted for this kernel's algorithm with Horner-form polynomials; vector-
 * lane operations per row × chain, an FMA counting as one operation):
 *   eta              p − 1 FMA + 1 add (intercept)                                    p
 *                    per varying term: 1 gather + 1 FMA                                  2 per term
 *   e = exp(−|eta|)  1 abs, clamp (2), range reduction (1 FMA, 1 round, 2 FMA), degree-13
 *                    polynomial (13 FMA), 2^k from the exponent bits (1), 1 mul, 1 select  ~19 (rounded down)
 *   min |eta|        one pass over the block: abs and min                                 2
 *   log1p(e), 1/(1+e)  blocks with every |eta| ≥ 3 (all of Hillstrom's rows at its posterior; the counted case):
 *                    u = 2+e, v = 1+e, u·v (3), one divide, s = e·v·q and u·q (3), s², t² (2),
 *                    degree-3 polynomial (3), final 2                                   13 + 1 divide
 *                    (other blocks: split at √2−1, degree-9 polynomial: 25 + 1 divide)
 *   sigmoid          1 mul, 1 select                                                     2
 *   loglik, dEta     max(eta,0), y·eta − max − log1p, sum, y − p                          5
 *   gradient         p FMA (fixed) + per term 1 FMA + 1 scatter                          p + 2 per term
 * The divide is counted as 4 operations (the divider's throughput is about a quarter of the FMA pipes' on these cores).
 *   pooled (p = 7):        7 + 19 + 2 + 17 + 2 + 5 + 7 = 59 operations, of which 1 exp and 1 log1p
 *   hierarchical (+1 term): 59 + 4 = 63
 * Peak: cores × clock × 2 FMA pipes × (vector bits / 64) lanes, from /proc/cpuinfo (AVX2: 4 float64 lanes; AMD Zen 4
 * runs AVX-512 on 256-bit pipes, so 4 there too; 8 on CPUs with full-width AVX-512). Memory is not binding: the pooled data stored compactly are
 * 64,000 × 21 bytes = 1.3 MB per call, shared by all chains of the call (L2/L3 resident).
 * ratioToLimit = measured evaluations per second ÷ (peak operations per second ÷ operations per row × chain).
 */
import { centeredSpec } from '../src/backend/split-terms.js';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Backend } from '../src/backend/backend.js';
import { createNativeBackend, loadNativeAddon, nativeAddonUnavailableReason, type NativeKernels } from '../src/backend/native.js';
import { createReferenceBackend } from '../src/backend/reference.js';
import { builtinDataset } from '../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../src/data/hillstrom.js';
import { buildModel } from '../src/model/build.js';
import type { ModelSpec } from '../src/model/spec.js';
import { timeCalls as sortedCallTimes } from './backend-timing.js';

/** Best and median seconds per call. */
async function timeCalls(backend: Backend, chains: number, minReps: number, budgetMs: number): Promise<{ best: number; median: number }> {
  const times = await sortedCallTimes(backend, chains, minReps, budgetMs);
  return { best: times[0], median: times[Math.floor(times.length / 2)] };
}

export type BenchModel = 'pooled' | 'hierarchical';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly ghz: number;
  /** float64 lanes per FMA pipe and cycle (AVX2 and Zen 4's AVX-512: 4). */
  readonly lanes: number;
  /** Vector-lane operations per second, all cores (2 FMA pipes per core). */
  readonly opsPerSecond: number;
}

export interface Cell {
  readonly model: BenchModel;
  readonly variant: string;
  readonly chains: number;
  readonly rows: number;
  /** Fastest call (seconds) and the median, over the repetitions. */
  readonly bestSeconds: number;
  readonly medianSeconds: number;
  readonly evalsPerSecond: number;
  readonly nsPerEval: number;
  readonly ratioToLimit: number;
}

export interface NativeBenchResult {
  readonly machine: Machine;
  readonly operationsPerEval: Record<BenchModel, number>;
  readonly limitEvalsPerSecond: Record<BenchModel, number>;
  readonly storage: Record<BenchModel, string>;
  readonly cells: Cell[];
}

/** Operations per row × chain (see the file comment). */
export function operationsPerEval(p: number, terms: number): number {
  const DIVIDE = 4;
  const eta = p + 2 * terms;
  const exp = 19;
  const minAbs = 2;
  const log1pAndReciprocal = 13 + DIVIDE; // the tail series (every |eta| ≥ 3), which the Hillstrom rows take
  const sigmoid = 2;
  const loglik = 5;
  const gradient = p + 2 * terms;
  return eta + exp + minAbs + log1pAndReciprocal + sigmoid + loglik + gradient;
}

export function describeMachine(cores = availableParallelism()): Machine {
  let text = '';
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: fall back to nominal figures below
  }
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1];
  const mhz = [...text.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1]));
  const ghz = mhz.length ? mhz.reduce((a, b) => a + b, 0) / mhz.length / 1000 : 2.5;
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  // float64 lanes per FMA pipe: 8 with AVX-512 except on AMD Zen 4 (family 0x19), whose 512-bit operations run on
  // 256-bit pipes; 4 with AVX2; 2 with SSE2.
  const zen4 = field('vendor_id') === 'AuthenticAMD' && Number(field('cpu family')) === 0x19;
  const lanes = flags.has('avx512f') && !zen4 ? 8 : flags.has('avx2') ? 4 : 2;
  return { cpu: field('model name') ?? 'unknown CPU', cores, ghz, lanes, opsPerSecond: cores * ghz * 1e9 * 2 * lanes };
}

function hillstromSpecs(rows: number): Record<BenchModel, ModelSpec> {
  const { frame } = builtinDataset('hillstrom', 1, rows);
  return {
    // the kernels' plain form (folded terms are mapped on the host around any backend: src/backend/split-terms.ts)
    pooled: centeredSpec(buildModel(frame, HILLSTROM_FORMULAS.pooled, { priors: HILLSTROM_PRIORS.pooled }).spec),
    hierarchical: centeredSpec(buildModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical }).spec),
  };
}

/** The same spec with its continuous columns rounded to float32 (which the addon then stores as float32). */
function float32Variant(spec: ModelSpec): ModelSpec {
  return { ...spec, fixed: { ...spec.fixed, X: spec.fixed.X.map((v) => Math.fround(v)) } };
}

export async function run(options: { quick?: boolean } = {}): Promise<NativeBenchResult> {
  if (!loadNativeAddon()) throw new Error(nativeAddonUnavailableReason() ?? 'native backend unavailable');
  const quick = options.quick ?? false;
  const rows = quick ? 2_000 : 64_000;
  const chainsList = quick ? [1, 4] : [1, 4, 16, 64];
  const budgetMs = quick ? 0 : 1000;
  const machine = describeMachine();
  const specs = hillstromSpecs(rows);
  const models: BenchModel[] = ['pooled', 'hierarchical'];
  const ops = {} as Record<BenchModel, number>;
  const limit = {} as Record<BenchModel, number>;
  const storage = {} as Record<BenchModel, string>;
  const cells: Cell[] = [];
  const features = loadNativeAddon()?.cpuFeatures();
  const kernelSets: NativeKernels[] = [
    ...(features?.avx512 ? (['avx512'] as const) : []),
    ...(features?.avx2Fma ? (['avx2'] as const) : []),
    'baseline',
  ];

  for (const model of models) {
    const spec = specs[model];
    ops[model] = operationsPerEval(spec.fixed.names.length, spec.terms.length);
    limit[model] = machine.opsPerSecond / ops[model];
    const record = (variant: string, chains: number, t: { best: number; median: number }): void => {
      const evalsPerSecond = (rows * chains) / t.best;
      cells.push({
        model,
        variant,
        chains,
        rows,
        bestSeconds: t.best,
        medianSeconds: t.median,
        evalsPerSecond,
        nsPerEval: 1e9 / evalsPerSecond,
        ratioToLimit: evalsPerSecond / limit[model],
      });
    };
    const variants: { name: string; spec: ModelSpec; threads: number; kernels: NativeKernels }[] = [
      { name: `native ${machine.cores} threads`, spec, threads: machine.cores, kernels: 'auto' },
      { name: 'native 1 thread', spec, threads: 1, kernels: 'auto' },
      ...kernelSets.slice(1).map((k) => ({ name: `native ${machine.cores} threads, ${k} kernels`, spec, threads: machine.cores, kernels: k })),
      { name: `native ${machine.cores} threads, float32 storage`, spec: float32Variant(spec), threads: machine.cores, kernels: 'auto' as const },
    ];
    for (const v of variants) {
      const backend = await createNativeBackend(v.spec, { maxChains: Math.max(...chainsList), threads: v.threads, kernels: v.kernels });
      storage[model] ??= `${backend.description}; ${backend.storage}`;
      for (const chains of chainsList) record(v.name, chains, await timeCalls(backend, chains, quick ? 1 : 5, budgetMs));
      await backend.dispose();
    }
    const reference = await createReferenceBackend(spec);
    for (const chains of chainsList) record('reference', chains, await timeCalls(reference, chains, quick ? 1 : 2, quick ? 0 : 300));
    await reference.dispose();
  }
  return { machine, operationsPerEval: ops, limitEvalsPerSecond: limit, storage, cells };
}

function format(result: NativeBenchResult): string {
  const m = result.machine;
  const lines = [
    `${m.cpu}: ${m.cores} cores × ${m.ghz.toFixed(2)} GHz × 2 FMA pipes × ${m.lanes} float64 lanes = ${(m.opsPerSecond / 1e9).toFixed(1)} G vector-lane ops/s`,
  ];
  for (const model of Object.keys(result.operationsPerEval) as BenchModel[]) {
    lines.push(
      `${model}: ${result.operationsPerEval[model]} ops per row×chain → limit ${(result.limitEvalsPerSecond[model] / 1e6).toFixed(0)} M evals/s ` +
        `(${(1e9 / result.limitEvalsPerSecond[model]).toFixed(2)} ns); ${result.storage[model]}`,
    );
    const variants = [...new Set(result.cells.filter((c) => c.model === model).map((c) => c.variant))];
    const chains = [...new Set(result.cells.map((c) => c.chains))];
    lines.push(`  ${'variant'.padEnd(44)}${chains.map((c) => `${c} ch`.padStart(26)).join('')}`);
    for (const v of variants) {
      const row = chains.map((c) => {
        const cell = result.cells.find((x) => x.model === model && x.variant === v && x.chains === c);
        return cell ? `${(cell.evalsPerSecond / 1e6).toFixed(1)}M/s ${cell.nsPerEval.toFixed(2)}ns ×${(1 / cell.ratioToLimit).toFixed(1)}`.padStart(26) : ''.padStart(26);
      });
      lines.push(`  ${v.padEnd(44)}${row.join('')}`);
    }
  }
  lines.push('  (M evals/s = million row×chain evaluations per second; ns per evaluation; ×k = k times slower than the limit)');
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await run({ quick: process.argv.includes('--quick') });
  console.log(format(result));
}
