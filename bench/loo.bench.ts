/**
 * Benchmark: streaming PSIS-LOO (src/loo) on S = 4,000 draws × N = 64,000 observations, the S × N matrix never held
 * whole (it would be 2 GB as float64):
 *
 * - `synthetic`: a logistic model with 4 chains of AR(1) parameter draws (intercept, slope) and one covariate per
 *   observation, generated block by block in TypeScript (mode `generate-only` times the generator alone);
 * - `backend:<kind>`: the hierarchical Hillstrom model (HILLSTROM_FORMULAS.hierarchical on the simulated 64,000 rows)
 *   with the pointwise log-likelihood computed by that backend in blocks (blocksFromBackend), from 4 chains of AR(1)
 *   draws around the posterior mode (unconstrained sd 0.02) — the same work as after a fit; mode `loglik-only:<kind>`
 *   times the backend's blocks alone.
 *
 * The PSIS modes (`loo`, `backend:<kind>`) run once per PSIS engine (LooOptions.engine): `typescript`
 * (src/loo/pointwise.ts) and `native` (native/src/psis.cpp, skipped with a notice when the addon lacks it).
 *
 * Each measurement runs in a fresh child process so that its peak RSS belongs to it alone; time excludes setup
 * (simulation, model building, mode finding).
 *
 * Run: `npx tsx bench/loo.bench.ts [--quick] [--backends reference,native,webgpu] [--engines typescript,native]`
 * (full: 4,000 × 64,000).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BackendKind } from '../src/backend/backend.js';
import { createBackend } from '../src/backend/select.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, addHillstromFeatures } from '../src/data/hillstrom.js';
import { simulateHillstrom } from '../src/data/simulate/hillstrom.js';
import { findMode } from '../src/fit/map.js';
import { blocksFromBackend } from '../src/loo/backend-blocks.js';
import { psisLooStream, type LogLikBlock } from '../src/loo/loo.js';
import { nativePsisUnavailableReason } from '../src/loo/native-psis.js';
import { buildModel } from '../src/model/build.js';
import { Rng } from '../src/rng.js';

export interface LooBenchSize {
  readonly nDraws: number;
  readonly nObs: number;
  readonly blockRows: number;
}

type Mode = 'loo' | 'generate-only' | `backend:${BackendKind}` | `loglik-only:${BackendKind}`;
/** The PSIS engine of a measurement; null for the modes without PSIS. */
type Engine = 'typescript' | 'native';

export interface LooBenchResult extends LooBenchSize {
  readonly mode: Mode;
  readonly engine: Engine | null;
  readonly seconds: number;
  /** CPU time (user + system) of the measured part: less sensitive than wall time to other load on the machine. */
  readonly cpuSeconds: number;
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

/** Draws for the backend modes: 4 chains of AR(1) noise (sd 0.02, ρ 0.5) around the posterior mode. */
async function hillstromSetup(kind: BackendKind, size: LooBenchSize) {
  const frame = addHillstromFeatures(simulateHillstrom({ seed: 1, n: size.nObs }).frame);
  const { spec } = buildModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical });
  const backend = await createBackend(kind, spec, { maxChains: 1, maxDraws: 256 });
  const mode = await findMode(backend);
  const rng = new Rng(2);
  const dim = backend.dim;
  const draws = new Float64Array(size.nDraws * dim);
  const perChain = size.nDraws / CHAINS;
  const z = new Float64Array(dim);
  for (let c = 0; c < CHAINS; c++) {
    for (let j = 0; j < dim; j++) z[j] = rng.normal();
    for (let d = 0; d < perChain; d++) {
      for (let j = 0; j < dim; j++) {
        z[j] = 0.5 * z[j] + Math.sqrt(0.75) * rng.normal();
        draws[(c * perChain + d) * dim + j] = mode.theta[j] + 0.02 * z[j];
      }
    }
  }
  return { backend, draws };
}

/** One measurement in this process (what the child runs). */
async function measure(size: LooBenchSize, mode: Mode, engine: Engine | null): Promise<LooBenchResult> {
  const chains = Uint32Array.from({ length: size.nDraws }, (_, s) => Math.floor(s / (size.nDraws / CHAINS)));
  const kind = mode.includes(':') ? (mode.split(':')[1] as BackendKind) : null;
  const setup = kind ? await hillstromSetup(kind, size) : null;
  const blocks = (): AsyncIterable<LogLikBlock> | Iterable<LogLikBlock> =>
    setup ? blocksFromBackend(setup.backend, setup.draws, size.nDraws, size.blockRows) : syntheticBlocks(size);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let elpdLoo: number | null = null;
  let maxParetoK: number | null = null;
  if (engine !== null) {
    const r = await psisLooStream(size.nObs, size.nDraws, chains, blocks(), { engine });
    elpdLoo = r.elpdLoo.estimate;
    maxParetoK = r.pointwise.paretoK.reduce((m, k) => Math.max(m, k), -Infinity);
  } else {
    let sink = 0;
    for await (const block of blocks()) sink += block.values[0];
    if (Number.isNaN(sink)) throw new Error('log-likelihood blocks produced NaN');
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await setup?.backend.dispose();
  return {
    ...size,
    mode,
    engine,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    microsecondsPerObservation: (seconds * 1e6) / size.nObs,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    elpdLoo,
    maxParetoK,
  };
}

/** Runs one measurement in a fresh Node process (tsx loader) and returns its result. */
function measureInChild(size: LooBenchSize, mode: Mode, engine: Engine | null = null): LooBenchResult {
  const self = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', self, '--child', JSON.stringify({ size, mode, engine })];
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(`loo bench child failed: ${out.stderr.split('\n')[0]}`);
  return JSON.parse(out.stdout.trim().split('\n').pop() ?? '') as LooBenchResult;
}

export interface LooBenchOptions {
  readonly quick?: boolean;
  /** Backends for the Hillstrom modes (default: reference and native); a backend that fails is skipped. */
  readonly backends?: readonly BackendKind[];
  /** PSIS engines for the PSIS modes (default: typescript and native, native only when the addon has it). */
  readonly engines?: readonly Engine[];
}

export async function run(options: LooBenchOptions = {}): Promise<LooBenchResult[]> {
  const size: LooBenchSize =
    options.quick === true
      ? { nDraws: 400, nObs: 2000, blockRows: 256 }
      : { nDraws: 4000, nObs: 64_000, blockRows: 256 };
  const nativeMissing = nativePsisUnavailableReason();
  const engines = (options.engines ?? (['typescript', 'native'] as const)).filter((engine) => {
    if (engine === 'native' && nativeMissing) process.stderr.write(`loo bench: native PSIS skipped: ${nativeMissing}\n`);
    return engine !== 'native' || !nativeMissing;
  });
  const results = [measureInChild(size, 'generate-only')];
  for (const engine of engines) results.push(measureInChild(size, 'loo', engine));
  for (const kind of options.backends ?? (['reference', 'native'] as const)) {
    try {
      results.push(measureInChild(size, `loglik-only:${kind}`));
      for (const engine of engines) results.push(measureInChild(size, `backend:${kind}`, engine));
    } catch (e) {
      process.stderr.write(`loo bench: backend ${kind} skipped: ${(e as Error).message}\n`);
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const childAt = process.argv.indexOf('--child');
  if (childAt >= 0) {
    const { size, mode, engine } = JSON.parse(process.argv[childAt + 1]) as {
      size: LooBenchSize;
      mode: Mode;
      engine: Engine | null;
    };
    console.log(JSON.stringify(await measure(size, mode, engine)));
  } else {
    const list = (flag: string): string[] | undefined => {
      const at = process.argv.indexOf(flag);
      return at >= 0 ? process.argv[at + 1].split(',') : undefined;
    };
    const backends = list('--backends') as BackendKind[] | undefined;
    const engines = list('--engines') as Engine[] | undefined;
    for (const r of await run({ quick: process.argv.includes('--quick'), backends, engines })) {
      const label = r.engine === null ? r.mode : `${r.mode} (${r.engine} PSIS)`;
      console.log(
        `${label.padEnd(36)} ${r.nDraws} draws × ${r.nObs} obs: ${r.seconds.toFixed(2)} s ` +
          `(cpu ${r.cpuSeconds.toFixed(2)} s) ` +
          `(${r.microsecondsPerObservation.toFixed(0)} µs/obs), peak RSS ${r.peakRssMiB.toFixed(0)} MiB` +
          (r.elpdLoo === null ? '' : `, elpd_loo ${r.elpdLoo.toFixed(1)}, max k ${r.maxParetoK?.toFixed(3)}`),
      );
    }
  }
}
