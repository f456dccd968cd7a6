/**
 * A comparison kernel written the gpu.js way (gpu.createKernel(function … this.thread …).setOutput([…])): the
 * Hillstrom log likelihood and its gradient, pooled or with one varying term, in gpu.js's float32 modes. It is not a
 * nutmeg backend; it is here so that the micro benchmark can show what a general-purpose JavaScript GPU library
 * reaches on the same model.
 *
 * Two kernels per call, pipelined (the first one's output stays in gpu.js's buffer/texture):
 *   rowTerms  output [w, ⌈n / 4096⌉, 2 · chains] (w ≤ 4096 rows a line): for row i and chain c, slice 2c →
 *             y_i − σ(η_ic), slice 2c + 1 → y_i η_ic − softplus(η_ic); chains go in batches that keep this output
 *             within 128 MiB (WebGPU's guaranteed storage-buffer size)
 *   blockSums output [p + K + 1, blocks, chains]: per chain and block of rows, Σ (y − σ) X_ij for the p fixed
 *             columns, Σ (y − σ) x_i over the rows of level k for the K levels of the term, and Σ log-likelihood
 * The host adds the blocks in float64, then the priors, the Jacobian and the chain rule from r = sd·z (or r) to the
 * unconstrained coordinates, through the reference backend on the same spec without rows (its log density is then
 * exactly the prior part).
 *
 * gpu.js is an optional dependency (package.json optionalDependencies), loaded at run time. Modes tried:
 *   webgpu     Dawn's node bindings (the `webgpu` package nutmeg already uses), exposed to gpu.js as navigator.gpu
 *              while a kernel object is alive; on a machine without a GPU, Mesa llvmpipe through Dawn's OpenGL backend
 *   headlessgl needs the optional `gl` package (headless-gl), a native build that npm drops when it fails
 *   webasm     gpu.js's WebAssembly code generator
 * Each that loads and computes the probe spec correctly becomes a micro-benchmark row "gpu.js <mode>".
 */
import { createRequire } from 'node:module';
import type { BackendOptions } from '../../src/backend/backend.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { levelCount, type ModelSpec } from '../../src/model/spec.js';

export const GPUJS_MODES = ['webgpu', 'headlessgl', 'webasm'] as const;
export type GpuJsMode = (typeof GPUJS_MODES)[number];

/** Rows summed by one blockSums thread. */
const BLOCK = 256;
/** Most rows per line of rowTerms' output plane. */
const WIDTH = 4096;
/** Largest rowTerms output (float32): WebGPU's guaranteed storage-buffer binding size, 128 MiB (llvmpipe's limit). */
const MAX_OUTPUT_BYTES = 128 * 1024 * 1024;

/** The slice of gpu.js's API used here (the package's own types are not imported: it may be absent). */
interface GpuJsKernel {
  (...args: unknown[]): unknown;
  setOutput(output: number[]): GpuJsKernel;
  setConstants(constants: Record<string, number>): GpuJsKernel;
  setPipeline(flag: boolean): GpuJsKernel;
  setLoopMaxIterations(max: number): GpuJsKernel;
  setTactic(tactic: 'speed' | 'balanced' | 'precision'): GpuJsKernel;
  destroy?(removeCanvasReference?: boolean): void;
}

interface GpuJsInstance {
  readonly mode: string;
  createKernel(fn: (...args: never[]) => number): GpuJsKernel;
  destroy(): unknown;
}

interface GpuJsModule {
  GPU: (new (settings: { mode: string }) => GpuJsInstance) & {
    readonly isHeadlessGLSupported: boolean;
    readonly isWebAssemblySupported: boolean;
    isWebGPUAvailable(): Promise<boolean>;
  };
}

/** `this` inside a gpu.js kernel function. */
interface KernelThis {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: { readonly p: number; readonly K: number; readonly n: number; readonly block: number; readonly width: number };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

let gpuJs: GpuJsModule | null = null;

/** gpu.js itself, or an error saying why it cannot load. */
export function loadGpuJs(): GpuJsModule {
  if (gpuJs) return gpuJs;
  let mod: unknown;
  try {
    mod = createRequire(import.meta.url)('gpu.js');
  } catch (e) {
    throw new Error(`gpu.js unavailable: the optional dependency is not installed (${firstLine(e)})`);
  }
  const GPU = (mod as { GPU?: unknown }).GPU;
  if (typeof GPU !== 'function') throw new Error('gpu.js unavailable: the module exports no GPU class');
  gpuJs = mod as GpuJsModule;
  return gpuJs;
}

// ---- navigator.gpu for gpu.js's webgpu mode, from Dawn's node bindings ----------------------------------------

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let dawn: { gpu: GPU; featureLevel: 'core' | 'compatibility' } | null = null;
let navigatorUsers = 0;
let navigatorInstalled = false;

/** A Dawn instance with an adapter: the platform's default backend, else OpenGL (llvmpipe) at compatibility level. */
async function dawnInstance(): Promise<{ gpu: GPU; featureLevel: 'core' | 'compatibility' }> {
  let bindings: DawnModule;
  try {
    bindings = createRequire(import.meta.url)('webgpu') as DawnModule;
  } catch (e) {
    throw new Error(`unavailable: cannot load Dawn's node bindings (${firstLine(e)})`);
  }
  for (const [key, value] of Object.entries(bindings.globals)) {
    if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  const tries: { flags: string[]; featureLevel: 'core' | 'compatibility' }[] = [
    { flags: [], featureLevel: 'core' },
    { flags: ['backend=opengl'], featureLevel: 'compatibility' },
  ];
  for (const t of tries) {
    if (t.flags.includes('backend=opengl')) process.env.EGL_PLATFORM ??= 'surfaceless';
    try {
      const gpu = bindings.create(t.flags);
      if (await gpu.requestAdapter({ featureLevel: t.featureLevel })) return { gpu, featureLevel: t.featureLevel };
    } catch {
      // no such backend here: try the next
    }
  }
  throw new Error('unavailable: no WebGPU adapter (neither the default backend nor OpenGL answered)');
}

/**
 * Makes navigator.gpu answer gpu.js (Node has no navigator before v21, and none with a gpu); counted, so that it is
 * removed again when the last gpu.js webgpu kernel is disposed.
 */
async function acquireNavigatorGpu(): Promise<void> {
  navigatorUsers++;
  if (navigatorInstalled) return;
  const existing = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (existing?.gpu) return;
  // one Dawn instance for the life of the process: gpu.js caches the device it got from it, and a collected
  // instance crashes the process at its next event (src/backend/webgpu/device.ts)
  dawn ??= await dawnInstance();
  const { gpu, featureLevel } = dawn;
  const navigatorGpu = {
    requestAdapter: (options?: GPURequestAdapterOptions) => gpu.requestAdapter({ featureLevel, ...options }),
    getPreferredCanvasFormat: (): GPUTextureFormat => 'rgba8unorm',
  };
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(existing ?? {}), gpu: navigatorGpu },
    configurable: true,
    writable: true,
  });
  navigatorInstalled = true;
}

function releaseNavigatorGpu(): void {
  navigatorUsers = Math.max(0, navigatorUsers - 1);
  if (navigatorUsers > 0 || !navigatorInstalled) return;
  delete (globalThis as { navigator?: unknown }).navigator;
  navigatorInstalled = false;
}

/** The adapter gpu.js's webgpu mode would get, in words (null when not in webgpu mode or unknown). */
async function adapterName(): Promise<string | null> {
  if (!dawn) return null;
  const adapter = await dawn.gpu.requestAdapter({ featureLevel: dawn.featureLevel });
  return adapter ? adapter.info.device || adapter.info.description || null : null;
}

// ---- the kernels --------------------------------------------------------------------------------------------

/** Flattens what a gpu.js kernel returned (a Float32Array, or nested arrays of them) into `out`. */
function flatten(value: unknown, out: Float64Array, at = 0): number {
  if (ArrayBuffer.isView(value)) {
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length; i++) out[at + i] = a[i];
    return at + a.length;
  }
  if (Array.isArray(value)) {
    for (const v of value) at = flatten(v, out, at);
    return at;
  }
  throw new Error(`gpu.js returned ${typeof value}, not an array`);
}

async function settle(value: unknown): Promise<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
    ? await (value as Promise<unknown>)
    : value;
}

/** Log density + gradient of a bernoulli spec with at most one varying term, on gpu.js kernels (float32). */
export class GpuJsLogDensity {
  readonly dim: number;
  private readonly p: number;
  private readonly K: number;
  private readonly blocks: number;
  private readonly priors: ReferenceBackend;
  private readonly gpu: GpuJsInstance;
  private readonly X: Float32Array;
  private readonly y: Float32Array;
  private readonly tx: Float32Array;
  private readonly level: Float32Array;
  /** Built kernels by chains per batch (a call uses at most two sizes: the full batch and the remainder). */
  private readonly kernels = new Map<number, { rowTerms: GpuJsKernel; blockSums: GpuJsKernel }>();
  private sums = new Float64Array(0);
  /** Rows per line of rowTerms' output plane and lines: ⌈n / WIDTH⌉ lines, as even as possible. */
  private readonly planeWidth: number;
  private readonly planeLines: number;
  /** Chains per kernel call, so that rowTerms' output stays within MAX_OUTPUT_BYTES. */
  private readonly batchChains: number;
  private priorGrad: Float64Array;
  private readonly priorLogp = new Float64Array(1);

  private constructor(
    readonly spec: ModelSpec,
    readonly mode: GpuJsMode,
    readonly description: string,
    gpu: GpuJsInstance,
    maxOutputBytes: number,
  ) {
    const n = spec.n;
    this.dim = spec.dim;
    this.p = spec.fixed.names.length;
    this.K = spec.terms.length ? levelCount(spec, 0) : 0;
    this.blocks = Math.ceil(n / BLOCK);
    this.planeLines = Math.max(1, Math.ceil(n / WIDTH));
    this.planeWidth = Math.max(1, Math.ceil(n / this.planeLines));
    this.batchChains = Math.max(1, Math.floor(maxOutputBytes / (this.planeWidth * this.planeLines * 2 * 4)));
    this.gpu = gpu;
    this.X = Float32Array.from(spec.fixed.X);
    this.y = Float32Array.from(spec.y);
    const term = spec.terms[0];
    // kernels read every argument they declare, so the pooled model passes one-element stand-ins
    this.tx = term ? (term.x ? Float32Array.from(term.x) : new Float32Array(n).fill(1)) : new Float32Array(1);
    this.level = term ? Float32Array.from(spec.groups[term.group].index) : new Float32Array(1);
    // the spec without rows: the reference backend's log density of it is the prior part alone
    this.priors = new ReferenceBackend({
      ...spec,
      n: 0,
      y: new Float64Array(0),
      trials: null,
      logChoose: null,
      fixed: { ...spec.fixed, X: new Float64Array(0) },
      groups: spec.groups.map((g) => ({ ...g, index: new Uint32Array(0) })),
      terms: spec.terms.map((t) => ({ ...t, x: t.x ? new Float64Array(0) : null })),
    });
    this.priorGrad = new Float64Array(spec.dim);
  }

  /** `maxOutputBytes`: largest first-kernel output per call (chains are batched to stay within it). */
  static async create(spec: ModelSpec, mode: GpuJsMode, maxOutputBytes = MAX_OUTPUT_BYTES): Promise<GpuJsLogDensity> {
    if (spec.family !== 'bernoulli') throw new Error(`gpu.js kernel: bernoulli only (spec is ${spec.family})`);
    if (spec.terms.length > 1) throw new Error(`gpu.js kernel: at most one varying term (spec has ${spec.terms.length})`);
    const term = spec.terms[0];
    if (term && term.parameterization !== 'noncentered' && term.parameterization !== 'centered') {
      throw new Error(`gpu.js kernel: ${term.parameterization} terms are not written`);
    }
    const { GPU } = loadGpuJs();
    let description = `gpu.js ${mode} (float32)`;
    if (mode === 'webgpu') {
      await acquireNavigatorGpu();
      try {
        if (!(await GPU.isWebGPUAvailable())) throw new Error('unavailable: navigator.gpu gives no adapter');
      } catch (e) {
        releaseNavigatorGpu();
        throw e;
      }
      description = `gpu.js webgpu (float32, ${(await adapterName()) ?? 'unnamed adapter'})`;
    } else if (mode === 'headlessgl' && !GPU.isHeadlessGLSupported) {
      throw new Error("unavailable: headless-gl (the optional 'gl' package) is not installed or does not load");
    } else if (mode === 'webasm' && !GPU.isWebAssemblySupported) {
      throw new Error('unavailable: WebAssembly is not supported here');
    }
    let gpu: GpuJsInstance;
    try {
      gpu = new GPU({ mode });
    } catch (e) {
      if (mode === 'webgpu') releaseNavigatorGpu();
      throw new Error(`unavailable: ${firstLine(e)}`);
    }
    if (gpu.mode !== mode) {
      gpu.destroy();
      if (mode === 'webgpu') releaseNavigatorGpu();
      throw new Error(`unavailable: gpu.js chose mode ${gpu.mode} instead of ${mode}`);
    }
    return new GpuJsLogDensity(spec, mode, description, gpu, maxOutputBytes);
  }

  private kernelsFor(chains: number): { rowTerms: GpuJsKernel; blockSums: GpuJsKernel } {
    const built = this.kernels.get(chains);
    if (built) return built;
    if (this.kernels.size >= 2) this.destroyKernels();
    const n = this.spec.n;
    // rows laid out as a WIDTH × ceil(n / WIDTH) plane (a device caps workgroups per dimension at 65,535)
    const constants = { p: this.p, K: this.K, n, block: BLOCK, width: this.planeWidth };
    const rowTerms = this.gpu
      .createKernel(function (this: KernelThis, X: Float32Array, y: Float32Array, tx: Float32Array, level: Float32Array, beta: Float32Array, r: Float32Array) {
        const i = this.thread.y * this.constants.width + this.thread.x;
        if (i >= this.constants.n) return 0;
        const c = Math.floor(this.thread.z / 2);
        let eta = 0;
        for (let j = 0; j < this.constants.p; j++) eta += X[i * this.constants.p + j] * beta[c * this.constants.p + j];
        if (this.constants.K > 0) eta += tx[i] * r[c * this.constants.K + level[i]];
        if (this.thread.z % 2 === 0) return y[i] - 1 / (1 + Math.exp(-eta));
        // y η − softplus(η), softplus written without overflow
        return y[i] * eta - (Math.max(eta, 0) + Math.log(1 + Math.exp(-Math.abs(eta))));
      })
      .setOutput([this.planeWidth, this.planeLines, 2 * chains])
      .setConstants(constants)
      .setTactic('precision')
      .setPipeline(true);
    const blockSums = this.gpu
      .createKernel(function (this: KernelThis, terms: number[][][], X: Float32Array, tx: Float32Array, level: Float32Array) {
        const j = this.thread.x;
        const b = this.thread.y;
        const c = this.thread.z;
        let sum = 0;
        for (let k = 0; k < this.constants.block; k++) {
          const i = b * this.constants.block + k;
          if (i < this.constants.n) {
            const row = Math.floor(i / this.constants.width);
            const col = i - row * this.constants.width;
            if (j < this.constants.p) sum += terms[2 * c][row][col] * X[i * this.constants.p + j];
            else if (j < this.constants.p + this.constants.K) {
              if (level[i] === j - this.constants.p) sum += terms[2 * c][row][col] * tx[i];
            } else sum += terms[2 * c + 1][row][col];
          }
        }
        return sum;
      })
      .setOutput([this.p + this.K + 1, this.blocks, chains])
      .setConstants(constants)
      .setTactic('precision');
    const kernels = { rowTerms, blockSums };
    this.kernels.set(chains, kernels);
    return kernels;
  }

  async logDensityGradient(positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array): Promise<void> {
    const { p, K, dim } = this;
    const term = this.spec.terms[0];
    const beta = new Float32Array(nChains * p);
    const r = new Float32Array(Math.max(1, nChains * K));
    for (let c = 0; c < nChains; c++) {
      for (let j = 0; j < p; j++) beta[c * p + j] = positions[c * dim + j];
      if (term) {
        const scale = term.parameterization === 'noncentered' ? Math.exp(positions[c * dim + term.sdIndex]) : 1;
        for (let k = 0; k < K; k++) r[c * K + k] = scale * positions[c * dim + term.offset + k];
      }
    }
    const width = p + K + 1;
    if (this.sums.length < width * this.blocks * nChains) this.sums = new Float64Array(width * this.blocks * nChains);
    for (let c0 = 0; c0 < nChains; c0 += this.batchChains) {
      const count = Math.min(this.batchChains, nChains - c0);
      const { rowTerms, blockSums } = this.kernelsFor(count);
      const batchBeta = beta.subarray(c0 * p, (c0 + count) * p);
      const batchR = K > 0 ? r.subarray(c0 * K, (c0 + count) * K) : r;
      const terms = await settle(rowTerms(this.X, this.y, this.tx, this.level, batchBeta, batchR));
      flatten(await settle(blockSums(terms, this.X, this.tx, this.level)), this.sums, c0 * width * this.blocks);
    }

    for (let c = 0; c < nChains; c++) {
      const theta = positions.subarray(c * dim, (c + 1) * dim);
      const g = grad.subarray(c * dim, (c + 1) * dim);
      await this.priors.logDensityGradient(theta, 1, this.priorLogp, this.priorGrad);
      g.set(this.priorGrad);
      let lp = this.priorLogp[0];
      const chainSums = this.sums.subarray(c * this.blocks * width, (c + 1) * this.blocks * width);
      for (let b = 0; b < this.blocks; b++) {
        const s = chainSums.subarray(b * width, (b + 1) * width);
        for (let j = 0; j < p; j++) g[j] += s[j];
        lp += s[p + K];
        if (!term) continue;
        const sd = Math.exp(theta[term.sdIndex]);
        for (let k = 0; k < K; k++) {
          // d/dr_k from the rows; r = sd·z (non-centered) or r itself (centered)
          if (term.parameterization === 'noncentered') {
            g[term.offset + k] += sd * s[p + k];
            g[term.sdIndex] += sd * theta[term.offset + k] * s[p + k];
          } else g[term.offset + k] += s[p + k];
        }
      }
      logp[c] = Number.isFinite(lp) ? lp : -Infinity;
    }
  }

  private destroyKernels(): void {
    for (const { rowTerms, blockSums } of this.kernels.values()) {
      rowTerms.destroy?.();
      blockSums.destroy?.();
    }
    this.kernels.clear();
  }

  async dispose(): Promise<void> {
    this.destroyKernels();
    this.gpu.destroy();
    if (this.mode === 'webgpu') releaseNavigatorGpu();
  }
}

/** A factory for the micro benchmark: the spec's gpu.js kernel in `mode`. */
export function gpuJsFactory(mode: GpuJsMode): (spec: ModelSpec, options?: BackendOptions) => Promise<GpuJsLogDensity> {
  return (spec) => GpuJsLogDensity.create(spec, mode);
}
