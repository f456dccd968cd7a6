/**
 * The WebGPU backend: the model's rows on the device for the backend's whole life, WGSL kernels specialised to the
 * ModelSpec (row-plan.ts, shader-source.ts), and per call: C chains' parameters up, C × (1 + dim) compensated sums
 * down, priors and chain rule in float64 on the host (host-terms.ts). Pipelines and bind groups are made once.
 *
 * Per logDensityGradient call, for each batch of active chains: one queue write (parameters), one compute pass with
 * a logp_grad dispatch per row chunk (partial sums per tile and segment; one chunk unless the rows' buffers exceed the
 * device's limits) and a reduce dispatch (sums per slot), one copy, one mapAsync.
 */
import { loadAux } from '../../model/density.js';
import { familyModule, kernelsSupportFamily } from '../../model/families/index.js';
import { needsCoordinateMap } from '../split-terms.js';
import { hasIndexedFixed } from '../indexed-fixed.js';
import type { Backend, BackendOptions } from '../backend.js';
import type { ModelSpec } from '../../model/spec.js';
import { acquireDevice, type AcquiredDevice } from './device.js';
import { BackendUnavailableError, causeOf, withTimeout } from './errors.js';
import { deviceFamily } from './family-host.js';
import { assembleLogDensity, hostScratch, packParams, type HostScratch } from './host-terms.js';
import { planRows, rowValues, type RowPlan } from './row-plan.js';
import { kernelSource, type KernelName, type ShaderConstant } from './shader-source.js';

export interface WebGpuBackendOptions extends BackendOptions {
  /**
   * Invocations per workgroup (a power of two; default: 256 on GPUs, 64 on software adapters, or the device's
   * maximum if lower).
   */
  readonly workgroupSize?: number;
  /**
   * Consecutive rows each invocation of the gradient kernel takes (default: 32 on software adapters such as Mesa
   * llvmpipe, where workgroup barriers dominate the cost — about 10x faster there than 1 —, and 4 on GPUs: on an
   * H100, 256 × 4 was 1.2–1.7x faster than 256 × 1 and within 17% of the fastest of nine layouts at 4, 64, 1024 and
   * 4096 chains (bench/results/webgpu-h100-2026-11-23.md)).
   */
  readonly rowsPerThread?: number;
  /**
   * Workgroup memory (bytes) the gradient kernel may plan for (default: the device's maxComputeWorkgroupStorageSize).
   * Smaller values make the fixed-effect reduction take more passes (tests use this to exercise that path).
   */
  readonly workgroupBytes?: number;
  /** Milliseconds a readback may take before the device is declared hung (default: from the work size). */
  readonly timeoutMs?: number;
  /**
   * Largest buffer, in bytes, the backend may bind (default and upper bound: the device's maxStorageBufferBindingSize
   * and maxBufferSize, at most 256 MiB). Rows whose buffers exceed it are split into chunks; tests make it small.
   */
  readonly maxBufferBytes?: number;
}

/** Largest single buffer we allocate, whatever the device allows (llvmpipe buffers are host memory). */
const BUFFER_CAP = 256 * 1024 * 1024;
/** The pointwise output buffer (and its host copy) hold at most this many bytes; bigger blocks go in row blocks. */
const POINTWISE_CAP = 16 * 1024 * 1024;
const MAX_DISPATCH = 65535;

/** Adapters that run compute shaders on the CPU. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader/i;

function pickWorkgroupSize(limits: GPUSupportedLimits, wanted: number): number {
  const max = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
  let rows = 1;
  while (rows * 2 <= Math.min(max, wanted)) rows *= 2;
  return rows;
}

class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly description: string;
  readonly dim: number;
  /** Row chunks (separate buffers and dispatches; 1 unless the rows exceed the device's buffer limits). */
  readonly rowChunks: number;

  private readonly device: GPUDevice;
  /** Keeps the Dawn instance alive as long as the device (see AcquiredDevice.instance). */
  private instance: GPU | undefined;
  private readonly plan: RowPlan;
  /** Float64 scratch for packParams and assembleLogDensity, one chain at a time. */
  private readonly scratch: HostScratch;
  private readonly chainBatch: number;
  private readonly drawBatch: number;
  private readonly rowChunk: number;
  private readonly timeoutMs: number | undefined;
  private readonly buffers: GPUBuffer[] = [];

  private readonly params: GPUBuffer;
  private readonly sums: GPUBuffer;
  private readonly sumsRead: GPUBuffer;
  private readonly pointOut: GPUBuffer;
  private readonly pointRead: GPUBuffer;
  /** Per row chunk: the pointwise kernel's uniform (its rows among the block's list). */
  private readonly blocks: GPUBuffer[];
  /** The logp_grad and pointwise kernels have one bind group per row chunk. */
  private readonly logpGrad: { pipeline: GPUComputePipeline; bindGroups: GPUBindGroup[] };
  private readonly reduce: { pipeline: GPUComputePipeline; bindGroups: GPUBindGroup[] };
  private readonly pointwise: { pipeline: GPUComputePipeline; bindGroups: GPUBindGroup[] };

  private readonly paramsHost: Float32Array;
  private readonly sumsHost: Float32Array;
  private readonly pointHost: Float32Array;
  private readonly blockHost = new Uint32Array(4);
  /** A pointwise block's rows grouped by chunk: row within its chunk (sent), and user row offset in the block. */
  private readonly listHost: Uint32Array;
  private readonly listRow: Uint32Array;
  private readonly chunkFill: Uint32Array;
  private readonly chunkStart: Uint32Array;
  private activeList: Uint32Array;

  private failure: string | undefined;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly spec: ModelSpec, acquired: AcquiredDevice, options: WebGpuBackendOptions) {
    this.device = acquired.device;
    this.instance = acquired.instance;
    this.dim = spec.dim;
    const limits = acquired.limits;
    const software = SOFTWARE_ADAPTER.test(acquired.adapterName);
    const cap = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, BUFFER_CAP, options.maxBufferBytes ?? Infinity);
    const family = deviceFamily(spec);
    const workgroupSize = pickWorkgroupSize(limits, options.workgroupSize ?? (software ? 64 : 256));
    const rowsPerThread = options.rowsPerThread ?? (software ? 32 : 4);
    // rows per chunk: its f32 and u32 buffers under the cap, its tiles within one dispatch
    const per = rowValues(spec, family);
    const chunkRows = Math.min(Math.floor((Math.floor(cap / 4) - per.u32Tail) / Math.max(per.f32, per.u32, 1)), MAX_DISPATCH * workgroupSize * rowsPerThread);
    if (chunkRows < workgroupSize * rowsPerThread) {
      throw new BackendUnavailableError(`WebGPU: one tile of ${workgroupSize * rowsPerThread} rows of this model exceeds the device's buffer limit (${cap} bytes)`);
    }
    const plan = planRows(spec, workgroupSize, Math.min(options.workgroupBytes ?? Infinity, limits.maxComputeWorkgroupStorageSize), rowsPerThread, family, chunkRows);
    this.plan = plan;
    this.rowChunks = plan.chunks.length;
    this.description = `webgpu (${acquired.adapterName}, ${
      acquired.backend === 'default' ? 'default backend' : `${acquired.backend}, ${acquired.featureLevel}`
    })`;
    this.timeoutMs = options.timeoutMs;
    this.scratch = hostScratch(spec, plan.coefficients);

    const Q = plan.paramsPerChain;
    const fits = (bytesPerItem: number): number => Math.floor(cap / bytesPerItem);
    this.chainBatch = Math.min(
      options.maxChains ?? 4,
      fits(4 * plan.partialsPerChain),
      fits(8 * plan.slots),
      fits(4 * Q),
      MAX_DISPATCH,
    );
    this.drawBatch = Math.min(options.maxDraws ?? 256, fits(4 * Q), MAX_DISPATCH);
    // the pointwise output holds a block's draws × rows, then the block's row list (one u32 per row)
    this.rowChunk = Math.max(1, Math.min(spec.n, Math.floor(POINTWISE_CAP / (4 * (this.drawBatch + 1))), Math.floor(cap / (4 * (this.drawBatch + 1))), MAX_DISPATCH * plan.workgroupSize));
    if (plan.lists.byteLength > cap) {
      throw new BackendUnavailableError(`WebGPU: the reduction lists (${plan.lists.byteLength} bytes) exceed the device's buffer limit`);
    }
    if (this.chainBatch < 1 || this.drawBatch < 1) {
      throw new BackendUnavailableError('WebGPU: one chain of this model does not fit in the device buffer limit');
    }
    this.activeList = new Uint32Array(Math.max(options.maxChains ?? 4, 1));

    const S = GPUBufferUsage.STORAGE;
    const rows = plan.chunks.map((chunk) => ({ rowF: this.upload(chunk.rowF, S), rowU: this.upload(chunk.rowU, S) }));
    const lists = this.upload(plan.lists, S);
    const paramsRows = Math.max(this.chainBatch, this.drawBatch);
    this.paramsHost = new Float32Array(paramsRows * Q);
    this.params = this.buffer(this.paramsHost.byteLength, S | GPUBufferUsage.COPY_DST);
    const partials = this.buffer(4 * this.chainBatch * plan.partialsPerChain, S);
    this.sumsHost = new Float32Array(2 * this.chainBatch * plan.slots);
    this.sums = this.buffer(this.sumsHost.byteLength, S | GPUBufferUsage.COPY_SRC);
    this.sumsRead = this.buffer(this.sumsHost.byteLength, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.pointHost = new Float32Array(this.drawBatch * this.rowChunk);
    this.listHost = new Uint32Array(this.rowChunk);
    this.listRow = new Uint32Array(this.rowChunk);
    this.chunkFill = new Uint32Array(plan.chunks.length + 1);
    this.chunkStart = new Uint32Array(plan.chunks.length);
    this.pointOut = this.buffer(this.pointHost.byteLength + this.listHost.byteLength, S | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
    this.pointRead = this.buffer(this.pointHost.byteLength, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    this.blocks = plan.chunks.map(() => this.buffer(this.blockHost.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST));

    this.logpGrad = this.kernel('logp_grad', plan.constants.logpGrad, rows.map((r) => [r.rowF, r.rowU, this.params, partials]));
    this.reduce = this.kernel('reduce', plan.constants.reduce, [[partials, lists, this.sums]]);
    this.pointwise = this.kernel('pointwise', plan.constants.pointwise, rows.map((r, c) => [r.rowF, r.rowU, this.params, this.pointOut, this.blocks[c]]));

    void this.device.lost.then((info) => {
      if (!this.disposed) this.failure ??= `device lost (${info.reason}${info.message ? `: ${causeOf(info.message)}` : ''})`;
    });
    this.device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
      this.failure ??= `device error (${causeOf(event.error.message)})`;
    };
  }

  private buffer(size: number, usage: GPUBufferUsageFlags): GPUBuffer {
    const buffer = this.device.createBuffer({ size: Math.max(16, Math.ceil(size / 16) * 16), usage });
    this.buffers.push(buffer);
    return buffer;
  }

  private upload(data: Float32Array | Uint32Array, usage: GPUBufferUsageFlags): GPUBuffer {
    const buffer = this.buffer(data.byteLength, usage | GPUBufferUsage.COPY_DST);
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /** A kernel's pipeline, with a bind group per resource list (one per row chunk). */
  private kernel(
    name: KernelName,
    constants: Record<string, ShaderConstant>,
    resources: readonly (readonly GPUBuffer[])[],
  ): { pipeline: GPUComputePipeline; bindGroups: GPUBindGroup[] } {
    const module = this.device.createShaderModule({ label: name, code: kernelSource(name, constants, this.plan.family.shader) });
    const pipeline = this.device.createComputePipeline({ label: name, layout: 'auto', compute: { module, entryPoint: 'main' } });
    const bindGroups = resources.map((list) =>
      this.device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: list.map((buffer, binding) => ({ binding, resource: { buffer } })),
      }),
    );
    return { pipeline, bindGroups };
  }

  /** Runs calls one at a time (they share the device buffers). */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private check(): void {
    if (this.disposed) throw new Error('webgpu backend used after dispose()');
    if (this.failure) throw new BackendUnavailableError(`WebGPU: ${this.failure}`);
  }

  /**
   * Submits `encoder`, then maps `read` and copies its first `count` floats into `into`. `work` (row × chain
   * evaluations) sets the timeout: 60 s plus 2 µs each, 15× what llvmpipe needs.
   */
  private async readBack(encoder: GPUCommandEncoder, read: GPUBuffer, into: Float32Array, count: number, work: number): Promise<void> {
    this.device.queue.submit([encoder.finish()]);
    const ms = this.timeoutMs ?? 60_000 + work * 2e-3;
    try {
      await withTimeout(read.mapAsync(GPUMapMode.READ, 0, 4 * count), ms, 'a readback');
    } catch (e) {
      this.failure ??= causeOf(e);
      throw e instanceof BackendUnavailableError ? e : new BackendUnavailableError(`WebGPU: readback failed (${causeOf(e)})`);
    }
    into.set(new Float32Array(read.getMappedRange(0, 4 * count)));
    read.unmap();
  }

  logDensityGradient(
    positions: Float64Array,
    nChains: number,
    logp: Float64Array,
    grad: Float64Array,
    active?: Uint8Array,
  ): Promise<void> {
    return this.serial(async () => {
      this.check();
      if (this.activeList.length < nChains) this.activeList = new Uint32Array(nChains);
      let nActive = 0;
      for (let c = 0; c < nChains; c++) if (!active || active[c] !== 0) this.activeList[nActive++] = c;
      for (let first = 0; first < nActive; first += this.chainBatch) {
        await this.evaluateBatch(positions, first, Math.min(this.chainBatch, nActive - first), logp, grad);
      }
    });
  }

  private async evaluateBatch(positions: Float64Array, first: number, count: number, logp: Float64Array, grad: Float64Array): Promise<void> {
    const { spec, plan, dim } = this;
    const Q = plan.paramsPerChain;
    for (let b = 0; b < count; b++) {
      const c = this.activeList[first + b];
      packParams(spec, plan.family, plan.coefficients, positions.subarray(c * dim, (c + 1) * dim), this.scratch.aux, this.paramsHost, b * Q);
    }
    this.device.queue.writeBuffer(this.params, 0, this.paramsHost, 0, count * Q);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.logpGrad.pipeline);
    // one dispatch per row chunk (row-plan.ts), all in this pass: still one submit and one readback per call
    for (let c = 0; c < plan.chunks.length; c++) {
      pass.setBindGroup(0, this.logpGrad.bindGroups[c]);
      pass.dispatchWorkgroups(plan.chunks[c].tiles, count);
    }
    pass.setPipeline(this.reduce.pipeline);
    pass.setBindGroup(0, this.reduce.bindGroups[0]);
    pass.dispatchWorkgroups(Math.ceil(plan.slots / plan.workgroupSize), count);
    pass.end();
    const floats = 2 * count * plan.slots;
    encoder.copyBufferToBuffer(this.sums, 0, this.sumsRead, 0, 4 * floats);
    await this.readBack(encoder, this.sumsRead, this.sumsHost, floats, spec.n * count);
    for (let b = 0; b < count; b++) {
      const c = this.activeList[first + b];
      const lp = assembleLogDensity(
        spec,
        plan.family,
        positions.subarray(c * dim, (c + 1) * dim),
        { sums: this.sumsHost, base: b * plan.slots },
        this.scratch,
        grad.subarray(c * dim, (c + 1) * dim),
      );
      logp[c] = Number.isFinite(lp) ? lp : -Infinity;
    }
  }

  pointwiseLogLik(draws: Float64Array, nDraws: number, rowStart: number, rowCount: number, out: Float64Array): Promise<void> {
    if (rowStart < 0 || rowCount < 0 || rowStart + rowCount > this.spec.n) {
      return Promise.reject(new RangeError(`rows [${rowStart}, ${rowStart + rowCount}) outside 0…${this.spec.n}`));
    }
    return this.serial(async () => {
      this.check();
      for (let d0 = 0; d0 < nDraws; d0 += this.drawBatch) {
        const nd = Math.min(this.drawBatch, nDraws - d0);
        for (let s = 0; s < nd; s++) {
          const theta = draws.subarray((d0 + s) * this.dim, (d0 + s + 1) * this.dim);
          packParams(this.spec, this.plan.family, this.plan.coefficients, theta, this.scratch.aux, this.paramsHost, s * this.plan.paramsPerChain);
        }
        this.device.queue.writeBuffer(this.params, 0, this.paramsHost, 0, nd * this.plan.paramsPerChain);
        for (let r0 = rowStart; r0 < rowStart + rowCount; r0 += this.rowChunk) {
          const nr = Math.min(this.rowChunk, rowStart + rowCount - r0);
          await this.pointwiseChunk(draws, d0, nd, r0, nr, rowStart, rowCount, out);
        }
      }
    });
  }

  private async pointwiseChunk(
    draws: Float64Array,
    d0: number,
    nd: number,
    r0: number,
    nr: number,
    rowStart: number,
    rowCount: number,
    out: Float64Array,
  ): Promise<void> {
    // the block's rows grouped by chunk (a counting sort), each as its row within the chunk
    const { plan } = this;
    const C = plan.chunkRows;
    const fill = this.chunkFill;
    fill.fill(0);
    for (let k = 0; k < nr; k++) fill[Math.floor(plan.position[r0 + k] / C) + 1]++;
    for (let c = 0; c < plan.chunks.length; c++) fill[c + 1] += fill[c];
    const starts = this.chunkStart;
    starts.set(fill.subarray(0, plan.chunks.length));
    for (let k = 0; k < nr; k++) {
      const q = plan.position[r0 + k];
      const c = Math.floor(q / C);
      const j = fill[c]++;
      this.listHost[j] = q - c * C;
      this.listRow[j] = k;
    }
    const listAt = this.pointHost.length;
    this.device.queue.writeBuffer(this.pointOut, 4 * listAt, this.listHost, 0, nr);
    const encoder = this.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(this.pointwise.pipeline);
    for (let c = 0; c < plan.chunks.length; c++) {
      const count = fill[c] - starts[c];
      if (count === 0) continue;
      this.blockHost[0] = starts[c];
      this.blockHost[1] = count;
      this.blockHost[2] = nr;
      this.blockHost[3] = listAt;
      this.device.queue.writeBuffer(this.blocks[c], 0, this.blockHost);
      pass.setBindGroup(0, this.pointwise.bindGroups[c]);
      pass.dispatchWorkgroups(Math.ceil(count / plan.workgroupSize), nd);
    }
    pass.end();
    encoder.copyBufferToBuffer(this.pointOut, 0, this.pointRead, 0, 4 * nd * nr);
    await this.readBack(encoder, this.pointRead, this.pointHost, nd * nr, nd * nr);
    // the family's host-side terms in f64: per row (log C(n, y), log y! …) and per draw (−log σ, lgamma(y + φ) …)
    const { family } = plan;
    const rowConstant = family.rowConstant;
    const aux = this.scratch.aux;
    for (let s = 0; s < nd; s++) {
      const dst = (d0 + s) * rowCount + (r0 - rowStart);
      for (let j = 0; j < nr; j++) {
        const k = this.listRow[j];
        out[dst + k] = this.pointHost[s * nr + j] + (rowConstant ? rowConstant[r0 + k] : 0);
      }
      if (family.hasAux) {
        loadAux(this.spec, draws, (d0 + s) * this.dim, aux);
        family.addChainRowTerms(aux, r0, nr, out, dst);
      }
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    await this.queue;
    this.disposed = true;
    for (const buffer of this.buffers) buffer.destroy();
    this.device.destroy();
    this.instance = undefined;
  }
}

async function withErrorScopes<T>(device: GPUDevice, make: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = make();
  } finally {
    const validation = await withTimeout(device.popErrorScope(), 60_000, 'pipeline creation');
    const memory = await withTimeout(device.popErrorScope(), 60_000, 'buffer allocation');
    if (memory) throw new BackendUnavailableError(`WebGPU: out of device memory (${causeOf(memory.message)})`);
    if (validation) throw new BackendUnavailableError(`WebGPU: the device rejected a kernel or buffer (${causeOf(validation.message)})`);
  }
  return value;
}

/** A WebGPU backend for `spec`; rejects with BackendUnavailableError when no usable device is found. */
export async function createWebGpuBackend(spec: ModelSpec, options: WebGpuBackendOptions = {}): Promise<Backend> {
  if (needsCoordinateMap(spec)) {
    throw new Error('createWebGpuBackend: the spec has split or folded terms or a fixed basis; create the backend with createBackend(), which maps them (src/backend/split-terms.ts)');
  }
  if (hasIndexedFixed(spec)) {
    throw new Error('createWebGpuBackend: the spec has indexed fixed-effect terms; create the backend with createBackend(), which maps them (src/backend/indexed-fixed.ts)');
  }
  if (!kernelsSupportFamily('webgpu', spec.family, spec.link)) {
    throw new Error(`the WebGPU kernel has no ${spec.family} family${spec.link ? ` with ${spec.link} link` : ''} in this version`);
  }
  const auxNeeded = familyModule(spec.family, spec.link).aux.length;
  if ((spec.aux?.length ?? 0) !== auxNeeded) {
    throw new Error(`createWebGpuBackend: family ${spec.family} has ${auxNeeded} auxiliary parameter(s) but the spec lists ${spec.aux?.length ?? 0}`);
  }
  const acquired = await acquireDevice({ adapter: options.adapter });
  try {
    return await withErrorScopes(acquired.device, () => new WebGpuBackend(spec, acquired, options));
  } catch (e) {
    acquired.device.destroy();
    throw e;
  }
}
