/**
 * Benchmark: streaming PSIS-LOO (src/loo) on S draws × N observations of a synthetic logistic model — 4 chains of
 * AR(1) parameter draws (intercept, slope), one covariate per observation — generated block by block, never held
 * whole (4,000 × 64,000 would be 2 GB as float64). Reports wall time of the whole PSIS-LOO (generation included), of
 * the generation alone, and the process's peak RSS. Each measurement runs in a fresh child process so that peak RSS
 * belongs to LOO alone.
 *
 * Run: `npx tsx bench/loo.bench.ts` (full: 4,000 × 64,000) or `npx tsx bench/loo.bench.ts --quick`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { psisLooStream, type LogLikBlock } from '../src/loo/loo.js';
import { Rng } from '../src/rng.js';

export interface LooBenchSize {
  readonly nDraws: number;
  readonly nObs: number;
  readonly blockRows: number;
}

export interface LooBenchResult extends LooBenchSize {
  readonly mode: 'loo' | 'generate-only';
  readonly seconds: number;
  readonly microsecondsPerObservation: number;
  readonly peakRssMiB: number;
  readonly elpdLoo: number | null;
  readonly maxParetoK: number | null;
}

const CHAINS = 4;

/** Blocks of the synthetic log-likelihood: ll = y·η - log(1 + e^η), η = a_s + b_s·x_i. One buffer, reused. */
export function* syntheticBlocks(size: LooBenchSize, seed = 1): Generator<LogLikBlock> {
  const { nDraws, nObs, blockRows } = size;
  const rng = new Rng(seed);
  const a = new Float64Array(nDraws);
  const b = new Float64Array(nDraws);
  const perChain = nDraws / CHAINS;
  for (let c = 0; c < CHAINS; c++) {
    let za = rng.normal();
    let zb = rng.normal();
    for (let d = 0; d < perChain; d++) {
      za = 0.5 * za + Math.sqrt(0.75) * rng.normal();
      zb = 0.5 * zb + Math.sqrt(0.75) * rng.normal();
      a[c * perChain + d] = -2 + 0.05 * za;
      b[c * perChain + d] = 0.4 + 0.04 * zb;
    }
  }
  const x = new Float64Array(nObs);
  const y = new Uint8Array(nObs);
  for (let i = 0; i < nObs; i++) {
    x[i] = rng.normal();
    y[i] = rng.bernoulli(1 / (1 + Math.exp(-(-2 + 0.4 * x[i]))));
  }
  const buffer = new Float64Array(nDraws * blockRows);
  for (let start = 0; start < nObs; start += blockRows) {
    const count = Math.min(blockRows, nObs - start);
    for (let s = 0; s < nDraws; s++) {
      const row = s * count;
      for (let j = 0; j < count; j++) {
        const eta = a[s] + b[s] * x[start + j];
        const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
        buffer[row + j] = y[start + j] * eta - softplus;
      }
    }
    yield { start, count, values: buffer.subarray(0, nDraws * count) };
  }
}

/** One measurement in this process (what the child runs). */
async function measure(size: LooBenchSize, mode: LooBenchResult['mode']): Promise<LooBenchResult> {
  const chains = Uint32Array.from({ length: size.nDraws }, (_, s) => Math.floor(s / (size.nDraws / CHAINS)));
  const t0 = performance.now();
  let elpdLoo: number | null = null;
  let maxParetoK: number | null = null;
  if (mode === 'loo') {
    const r = await psisLooStream(size.nObs, size.nDraws, chains, syntheticBlocks(size));
    elpdLoo = r.elpdLoo.estimate;
    maxParetoK = r.pointwise.paretoK.reduce((m, k) => Math.max(m, k), -Infinity);
  } else {
    let sink = 0;
    for (const block of syntheticBlocks(size)) sink += block.values[0];
    if (Number.isNaN(sink)) throw new Error('generator produced NaN');
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    ...size,
    mode,
    seconds,
    microsecondsPerObservation: (seconds * 1e6) / size.nObs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    elpdLoo,
    maxParetoK,
  };
}

/** Runs one measurement in a fresh Node process (tsx loader) and returns its result. */
function measureInChild(size: LooBenchSize, mode: LooBenchResult['mode']): LooBenchResult {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', JSON.stringify({ size, mode })];
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`loo bench child failed: ${out.stderr.split('\n')[0]}`);
  return JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as LooBenchResult;
}

export async function run(options: { quick?: boolean } = {}): Promise<LooBenchResult[]> {
  const size: LooBenchSize =
    options.quick === true
      ? { nDraws: 400, nObs: 2000, blockRows: 256 }
      : { nDraws: 4000, nObs: 64_000, blockRows: 256 };
  return [measureInChild(size, 'generate-only'), measureInChild(size, 'loo')];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const { size, mode } = JSON.parse(process.argv[childAt + 1]) as { size: LooBenchSize; mode: LooBenchResult['mode'] };
    console.log(JSON.stringify(await measure(size, mode)));
  } else {
    for (const r of await run({ quick: process.argv.includes('--quick') })) {
      console.log(
        `${r.mode.padEnd(13)} ${r.nDraws} draws × ${r.nObs} obs: ${r.seconds.toFixed(2)} s ` +
          `(${r.microsecondsPerObservation.toFixed(0)} µs/obs), peak RSS ${r.peakRssMiB.toFixed(0)} MiB` +
          (r.elpdLoo === null ? '' : `, elpd_loo ${r.elpdLoo.toFixed(1)}, max k ${r.maxParetoK?.toFixed(3)}`),
      );
    }
  }
}
