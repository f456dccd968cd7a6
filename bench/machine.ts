/**
 * The machine a benchmark ran on, and the physical limit of that machine for nutmeg's hot loop.
 *
 * Physical-limit model (stated here once; every "ratio to physical limit" in bench/ comes from it):
 *
 * 1. Peak arithmetic per core, from /proc/cpuinfo: clock (the "cpu MHz" line) × vector FMA pipes (2, as on every
 *    x86 core since Haswell / Zen) × lanes per vector. Lanes: 512-bit vectors with avx512f, except AMD family 0x19
 *    (Zen 3/4), whose AVX-512 runs on 256-bit pipes; 256-bit with avx/avx2; 128-bit otherwise. Without the fma flag
 *    a multiply and an add each take a slot. The limit is counted in "vector-lane slots": one add, multiply, FMA,
 *    compare, select or load-and-use per element per slot.
 *
 * 2. Cost of one row × chain evaluation of the log density and gradient (bernoulli logit, p fixed-effect columns
 *    including the intercept, varying terms t = 1…T):
 *      eta      = Σ_j X_ij b_j + Σ_t x_t,i r_t[g_t,i]          p FMA + per term (gather, FMA, ×x if a covariate)
 *      e        = exp(−|eta|)                                   1 abs + exp
 *      softplus = max(eta, 0) + log1p(e)                        1 max + 1 add + log1p
 *      logp    += y·eta − softplus                              1 FMA + 1 add
 *      s        = (eta ≥ 0 ? 1 : e) / (1 + e)                   1 add + 1 select + 1 divide
 *      dEta     = y − s                                         1 sub
 *      grad_j  += X_ij dEta                                     p FMA
 *      grad_r[g_t,i] += x_t,i dEta                              per term: FMA + scatter (2 slots)
 *    One exp serves both the log-sigmoid and the probability. A vectorised exp costs EXP_SLOTS slots (range reduction
 *    and a degree-~10 polynomial, as in glibc's libmvec / SLEEF), log1p LOG1P_SLOTS, a vector divide DIV_SLOTS
 *    (divider throughput is about a quarter of the FMA pipes'). Flops are reported too (FMA = 2 flops).
 *    Pooled model, p = 7: 2·7 + 8 + 12 + 18 + 4 = 56 slots, 37 flops + 1 exp + 1 log1p per row × chain.
 *
 * 3. Memory: each row streams its data once per pass: p values of X, y, and per term a 4-byte level index and (for
 *    a covariate) one value; values are 8 bytes in float64, 4 in float32. A batched backend serves all C chains of a
 *    call from one pass, so the bytes per row × chain are bytesPerRow / C. Bandwidth is measured (all cores copying
 *    a working set the size of the data), so data that fit in cache get the cache's bandwidth.
 *
 * compute-bound limit = cores × slots/s per core ÷ slots per row·chain
 * memory-bound limit  = bandwidth ÷ (bytesPerRow / C)
 * physical limit      = the smaller of the two (the binding one is reported).
 */
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

export const EXP_SLOTS = 12;
export const LOG1P_SLOTS = 18;
export const DIV_SLOTS = 4;
/** Vector FMA pipes per core assumed for every x86-64 core with the fma flag. */
export const FMA_PIPES = 2;

export interface CpuInfo {
  readonly modelName: string;
  readonly vendor: string;
  readonly family: number;
  readonly model: number;
  /** Clock from the "cpu MHz" lines (mean over logical CPUs). */
  readonly mhz: number;
  readonly logicalCpus: number;
  /** Distinct (physical id, core id) pairs; logical CPUs when those lines are missing. */
  readonly physicalCores: number;
  readonly flags: {
    readonly avx: boolean;
    readonly avx2: boolean;
    readonly fma: boolean;
    readonly avx512f: boolean;
  };
}

/** Parses the text of /proc/cpuinfo (x86 layout: blank-line separated blocks of "key : value" lines). */
export function parseCpuinfo(text: string): CpuInfo {
  const blocks = text
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((fields) => fields.has('processor'));
  if (blocks.length === 0) throw new Error('cpuinfo: no "processor" entries found');
  const first = blocks[0];
  const mhzValues = blocks.map((b) => Number(b.get('cpu MHz'))).filter((v) => Number.isFinite(v) && v > 0);
  const cores = new Set<string>();
  for (const b of blocks) {
    if (b.has('core id')) cores.add(`${b.get('physical id') ?? '0'}:${b.get('core id')}`);
  }
  const flags = new Set((first.get('flags') ?? '').split(/\s+/));
  return {
    modelName: first.get('model name') ?? 'unknown CPU',
    vendor: first.get('vendor_id') ?? 'unknown',
    family: Number(first.get('cpu family') ?? NaN),
    model: Number(first.get('model') ?? NaN),
    mhz: mhzValues.length ? mhzValues.reduce((a, b) => a + b, 0) / mhzValues.length : NaN,
    logicalCpus: blocks.length,
    physicalCores: cores.size > 0 ? cores.size : blocks.length,
    flags: { avx: flags.has('avx'), avx2: flags.has('avx2'), fma: flags.has('fma'), avx512f: flags.has('avx512f') },
  };
}

export type Precision = 'f64' | 'f32';

export interface PeakThroughput {
  readonly ghz: number;
  /** Effective vector width of one FMA pipe, in bits. */
  readonly vectorBits: number;
  readonly pipes: number;
  readonly cores: number;
  /** Vector-lane slots per second for the whole machine (all cores). */
  readonly slotsPerSecond: Record<Precision, number>;
  /** Peak flops per second for the whole machine (FMA = 2 flops). */
  readonly flopsPerSecond: Record<Precision, number>;
}

export function peakThroughput(cpu: CpuInfo, cores = cpu.physicalCores): PeakThroughput {
  const zenDoublePumped = cpu.vendor === 'AuthenticAMD' && cpu.family === 0x19;
  const vectorBits = cpu.flags.avx512f && !zenDoublePumped ? 512 : cpu.flags.avx2 || cpu.flags.avx ? 256 : 128;
  const ghz = cpu.mhz / 1000;
  const pipes = FMA_PIPES;
  const slots = (bits: number): number => cores * ghz * 1e9 * pipes * (vectorBits / bits);
  const flopsPerSlot = cpu.flags.fma ? 2 : 1;
  return {
    ghz,
    vectorBits,
    pipes,
    cores,
    slotsPerSecond: { f64: slots(64), f32: slots(32) },
    flopsPerSecond: { f64: slots(64) * flopsPerSlot, f32: slots(32) * flopsPerSlot },
  };
}

/** The shape of a model as far as the cost of one row matters. */
export interface ModelShape {
  /** Fixed-effect columns, intercept included. */
  readonly p: number;
  /** One entry per varying term: whether it multiplies a covariate (false for a varying intercept). */
  readonly terms: readonly { readonly covariate: boolean }[];
}

export interface RowCost {
  /** Vector-lane slots per row × chain (exp, log1p and divide included at their slot costs). */
  readonly slots: number;
  /** Plain arithmetic flops per row × chain (FMA = 2), not counting the transcendental functions. */
  readonly flops: number;
  readonly exp: number;
  readonly log1p: number;
  /** Bytes of data streamed per row (shared by all chains of one call). */
  readonly bytesPerRow: number;
}

export function rowCost(shape: ModelShape, precision: Precision): RowCost {
  const width = precision === 'f64' ? 8 : 4;
  const { p } = shape;
  let slots = 2 * p + 8 + EXP_SLOTS + LOG1P_SLOTS + DIV_SLOTS;
  let flops = 4 * p + 9; // 2p FMA (eta, gradient); abs, max, add, FMA (2), add, add, divide, sub
  let bytesPerRow = (p + 1) * width;
  for (const term of shape.terms) {
    slots += 4 + (term.covariate ? 1 : 0); // gather, FMA into eta, FMA + scatter into grad_r (+ multiply by x)
    flops += 4 + (term.covariate ? 1 : 0);
    bytesPerRow += 4 + (term.covariate ? width : 0);
  }
  return { slots, flops, exp: 1, log1p: 1, bytesPerRow };
}

export interface PhysicalLimit {
  /** Row × chain evaluations per second if arithmetic were the only limit. */
  readonly computeBound: number;
  /** Row × chain evaluations per second if memory traffic were the only limit. */
  readonly memoryBound: number;
  readonly binding: 'compute' | 'memory';
  /** min(computeBound, memoryBound). */
  readonly evalsPerSecond: number;
  /** Seconds per row × chain at the limit (1 / evalsPerSecond). */
  readonly secondsPerEval: number;
}

export function physicalLimit(
  peak: PeakThroughput,
  cost: RowCost,
  chains: number,
  bandwidthBytesPerSecond: number,
  precision: Precision,
): PhysicalLimit {
  const computeBound = peak.slotsPerSecond[precision] / cost.slots;
  const memoryBound = (bandwidthBytesPerSecond * chains) / cost.bytesPerRow;
  const evalsPerSecond = Math.min(computeBound, memoryBound);
  return {
    computeBound,
    memoryBound,
    binding: computeBound <= memoryBound ? 'compute' : 'memory',
    evalsPerSecond,
    secondsPerEval: 1 / evalsPerSecond,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// memory bandwidth

const COPY_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, minMs } = workerData;
const half = Math.max(8, Math.floor(bytes / 16)) ;
const a = new Float64Array(half), b = new Float64Array(half);
a.fill(1.5);
for (let w = 0; w < 3; w++) b.set(a);
let reps = 0; const t0 = performance.now(); let t = t0;
while (t - t0 < minMs) { b.set(a); a.set(b); reps += 2; t = performance.now(); }
parentPort.postMessage({ bytesMoved: reps * half * 8 * 2, ms: t - t0 });
`;

/**
 * Copy bandwidth (bytes read + written per second) with `threads` workers each copying within a working set of
 * `workingSetBytes / threads` bytes (memcpy through TypedArray.set). Cache-sized working sets measure the cache.
 */
export async function measureCopyBandwidth(workingSetBytes: number, threads: number, minMs = 150): Promise<number> {
  const perThread = Math.max(64 * 1024, Math.floor(workingSetBytes / threads));
  const results = await Promise.all(
    Array.from({ length: threads }, () => {
      const worker = new Worker(COPY_WORKER, { eval: true, workerData: { bytes: perThread, minMs } });
      return new Promise<{ bytesMoved: number; ms: number }>((resolve, reject) => {
        worker.once('message', (m: { bytesMoved: number; ms: number }) => {
          void worker.terminate();
          resolve(m);
        });
        worker.once('error', reject);
      });
    }),
  );
  return results.reduce((sum, r) => sum + r.bytesMoved / (r.ms / 1000), 0);
}

const bandwidthCache = new Map<number, Promise<number>>();

/** Bandwidth for a working set of `bytes`, measured once per power-of-two size bucket (at least 256 KiB). */
export function bandwidthFor(bytes: number, threads: number): Promise<number> {
  const bucket = 2 ** Math.ceil(Math.log2(Math.max(256 * 1024, bytes)));
  let measured = bandwidthCache.get(bucket);
  if (!measured) {
    measured = measureCopyBandwidth(bucket, threads);
    bandwidthCache.set(bucket, measured);
  }
  return measured;
}

// ---------------------------------------------------------------------------------------------------------------
// machine description

export interface MachineDescription {
  readonly cpu: CpuInfo;
  readonly peak: PeakThroughput;
  readonly memoryBytes: number;
  /** Largest cache level size in bytes (from /sys), or null when unknown. */
  readonly lastLevelCacheBytes: number | null;
  readonly gpu: string | null;
  readonly node: string;
  readonly platform: string;
  /** A short slug naming the machine in result file names, e.g. "amd-epyc-2c". */
  readonly slug: string;
  readonly versions: Record<string, string>;
}

function lastLevelCache(): number | null {
  const dir = '/sys/devices/system/cpu/cpu0/cache';
  try {
    let best = 0;
    for (const entry of readdirSync(dir)) {
      if (!entry.startsWith('index')) continue;
      const size = readFileSync(`${dir}/${entry}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)/.exec(size);
      if (!m) continue;
      const scale = m[2] === 'K' ? 1024 : m[2] === 'M' ? 1024 ** 2 : m[2] === 'G' ? 1024 ** 3 : 1;
      best = Math.max(best, Number(m[1]) * scale);
    }
    return best > 0 ? best : null;
  } catch {
    return null;
  }
}

export function machineSlug(cpu: CpuInfo): string {
  const words = cpu.modelName
    .toLowerCase()
    .replace(/\(r\)|\(tm\)|cpu|processor|@.*$|\d+-core/g, ' ')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, 3);
  return `${words.join('-') || 'cpu'}-${cpu.logicalCpus}c`;
}

/** Dawn instances must outlive everything they created (a collected instance crashes the next event poll). */
const dawnInstances: GPU[] = [];

/** Name of the WebGPU adapter the `webgpu` package finds (default backend, then Dawn's OpenGL), or null. */
export async function webGpuAdapterName(): Promise<string | null> {
  process.env.EGL_PLATFORM ??= 'surfaceless'; // Dawn's OpenGL backend on a machine without a display
  try {
    const { create } = (await import('webgpu')) as { create: (flags: string[]) => GPU };
    const attempts: [string[], GPURequestAdapterOptions][] = [
      [[], {}],
      [['backend=opengl'], { featureLevel: 'compatibility' }],
    ];
    for (const [flags, options] of attempts) {
      const instance = create(flags);
      dawnInstances.push(instance);
      const adapter = await instance.requestAdapter(options);
      if (adapter) {
        const info = adapter.info;
        return [info.vendor, info.device, info.description].filter((s) => s && s.length > 0).join(', ') || 'unnamed';
      }
    }
    return null;
  } catch {
    return null;
  }
}

export async function describeMachine(
  options: { probeGpu?: boolean; versions?: Record<string, string> } = {},
): Promise<MachineDescription> {
  let cpu: CpuInfo;
  try {
    cpu = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    const cpus = os.cpus();
    cpu = {
      modelName: cpus[0]?.model ?? 'unknown CPU',
      vendor: 'unknown',
      family: NaN,
      model: NaN,
      mhz: cpus[0]?.speed ?? NaN,
      logicalCpus: cpus.length,
      physicalCores: cpus.length,
      flags: { avx: false, avx2: false, fma: false, avx512f: false },
    };
  }
  return {
    cpu,
    peak: peakThroughput(cpu),
    memoryBytes: os.totalmem(),
    lastLevelCacheBytes: lastLevelCache(),
    gpu: options.probeGpu === false ? null : await webGpuAdapterName(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    slug: machineSlug(cpu),
    versions: options.versions ?? {},
  };
}

/** One line per fact, for the README and the terminal. */
export function machineLines(m: MachineDescription): string[] {
  const f = m.cpu.flags;
  const flagList = [f.avx2 && 'AVX2', f.fma && 'FMA', f.avx512f && 'AVX-512'].filter(Boolean).join(', ') || 'no AVX';
  const gb = (b: number): string => `${(b / 1024 ** 3).toFixed(1)} GiB`;
  const lines = [
    `CPU: ${m.cpu.modelName} (${m.cpu.physicalCores} cores, ${m.cpu.logicalCpus} logical, ${m.cpu.mhz.toFixed(0)} MHz, ${flagList})`,
    `Peak: ${(m.peak.flopsPerSecond.f64 / 1e9).toFixed(1)} GFLOP/s float64, ${(m.peak.flopsPerSecond.f32 / 1e9).toFixed(1)} GFLOP/s float32 (${m.peak.pipes} FMA pipes × ${m.peak.vectorBits}-bit)`,
    `Memory: ${gb(m.memoryBytes)}${m.lastLevelCacheBytes ? `, last-level cache ${(m.lastLevelCacheBytes / 1024 ** 2).toFixed(0)} MiB` : ''}`,
    `GPU: ${m.gpu ?? 'none found'}`,
    `Node ${m.node} (${m.platform})`,
  ];
  const versions = Object.entries(m.versions);
  if (versions.length) lines.push(`Versions: ${versions.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return lines;
}
