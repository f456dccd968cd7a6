/**
 * The WebAssembly build of the C++ engine (native/wasm/api.cpp, built by scripts/build-wasm.mjs) behind the same
 * handle the Node addon gives (engine-backend.ts NativeModelHandle): one instance, with its own memory, per model.
 * Every call runs on the calling thread. The engine's staging and result buffers are read and written through views
 * made once (again only after the memory grows, which a gradient call never makes it do), so a gradient call
 * allocates nothing on either side.
 */
import type { NativeLayout, NativeModelDescriptor, NativeModelHandle } from '../engine-backend.js';
import { defaultLink } from '../../model/families/index.js';
import type { Family } from '../../model/spec.js';
import type { LinkName } from '../../model/families/family.js';

/**
 * The parts of the WebAssembly API used here, typed locally: the Node build's type libraries do not describe it (no
 * DOM library), and the page's do.
 */
export type KernelModule = { readonly __compiledKernels: true };
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<KernelModule>;
  instantiate(module: KernelModule, imports: object): Promise<{ readonly exports: unknown }>;
}
const wasmApi = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** What api.cpp exports (pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WasmMemory;
  _initialize(): void;
  malloc(bytes: number): number;
  free(pointer: number): void;
  nutmeg_model_create(header: number, aux: number, X: number, y: number, trials: number, logChoose: number, terms: number): number;
  nutmeg_model_error(handle: number): number;
  nutmeg_gradient(handle: number, nChains: number): number;
  nutmeg_pointwise(handle: number, nDraws: number, rowStart: number, rowCount: number, out: number): number;
  /** Absent in modules built before it existed. */
  nutmeg_set_rotated?(handle: number, term: number, rotated: number): number;
  /** Absent in modules built before it existed. */
  nutmeg_set_fold?(handle: number, term: number, column: number): number;
  nutmeg_positions(handle: number): number;
  nutmeg_active(handle: number): number;
  nutmeg_logp(handle: number): number;
  nutmeg_grad(handle: number): number;
  nutmeg_aux_grad(handle: number): number;
  nutmeg_draws(handle: number): number;
  nutmeg_isa(handle: number): number;
  nutmeg_layout(handle: number): number;
  nutmeg_layout_summary(handle: number): number;
  nutmeg_storage(handle: number): number;
  nutmeg_model_free(handle: number): void;
}

/** The enums' orders in native/src/family.hpp and model.hpp (LayoutChoice). */
const FAMILY_CODES: readonly Family[] = ['bernoulli', 'binomial', 'gaussian', 'poisson', 'negbinomial', 'gamma', 'lognormal'];
const LINK_CODES: readonly LinkName[] = ['logit', 'probit', 'identity', 'log'];
const LAYOUT_CODES: readonly NativeLayout[] = ['auto', 'rows', 'sorted', 'grouped'];

function code<T>(list: readonly T[], value: T, what: string): number {
  const k = list.indexOf(value);
  if (k < 0) throw new Error(`wasm backend: unknown ${what} ${String(value)}`);
  return k;
}

/**
 * The module's imports: the C library asks for a clock (the thread pool's spin wait, never reached with one thread)
 * and for exit (only on abort); Emscripten tells of memory growth, which the views notice by themselves.
 */
function imports(memory: () => WasmMemory | null): object {
  return {
    env: { emscripten_notify_memory_growth: () => {} },
    wasi_snapshot_preview1: {
      clock_time_get: (_id: number, _precision: bigint, out: number) => {
        const m = memory();
        if (m) new DataView(m.buffer).setBigUint64(out, BigInt(Math.round(performance.now() * 1e6)), true);
        return 0;
      },
      proc_exit: (status: number) => {
        throw new Error(`wasm backend: the module exited with status ${status}`);
      },
    },
  };
}

/** The NUL-terminated UTF-8 string at `pointer` (copied out first: TextDecoder refuses views of shared memory). */
function readText(e: KernelExports, pointer: number): string {
  const bytes = new Uint8Array(e.memory.buffer);
  let end = pointer;
  while (bytes[end] !== 0) end++;
  return new TextDecoder().decode(bytes.slice(pointer, end));
}

/** Views of the engine's buffers over the memory's current buffer. */
interface Views {
  readonly buffer: ArrayBuffer;
  readonly positions: Float64Array;
  readonly active: Uint8Array;
  readonly logp: Float64Array;
  readonly grad: Float64Array;
  readonly auxGrad: Float64Array;
  readonly draws: Float64Array;
}

class WasmModel implements NativeModelHandle {
  readonly isa: string;
  readonly storage: string;
  readonly layout: Exclude<NativeLayout, 'auto'>;
  readonly layoutSummary: string;
  private views: Views;
  /** Output block of pointwise calls in the module's memory, grown to the largest asked for. */
  private out = 0;
  private outCapacity = 0;
  private disposed = false;

  constructor(
    private readonly exports: KernelExports,
    private readonly handle: number,
    private readonly descriptor: NativeModelDescriptor,
    readonly threads: number,
    private readonly onDispose: () => void,
  ) {
    this.isa = this.text(exports.nutmeg_isa(handle));
    this.storage = this.text(exports.nutmeg_storage(handle));
    this.layout = this.text(exports.nutmeg_layout(handle)) as Exclude<NativeLayout, 'auto'>;
    this.layoutSummary = this.text(exports.nutmeg_layout_summary(handle));
    this.views = this.makeViews();
    const set = exports.nutmeg_set_rotated;
    if (typeof set === 'function') {
      this.setRotated = (term, rotated) => {
        this.live();
        if (set(handle, term, rotated ? 1 : 0) !== 0) this.fail();
      };
    }
    const fold = exports.nutmeg_set_fold;
    if (typeof fold === 'function') {
      this.setFold = (term, column) => {
        this.live();
        if (fold(handle, term, column) !== 0) this.fail();
      };
    }
  }

  /** NativeModelHandle.setRotated, when the module has it. */
  readonly setRotated?: (term: number, rotated: boolean) => void;
  /** NativeModelHandle.setFold, when the module has it. */
  readonly setFold?: (term: number, column: number) => void;

  private text(pointer: number): string {
    return readText(this.exports, pointer);
  }

  private makeViews(): Views {
    const { exports: e, handle: h, descriptor: d } = this;
    const buffer = e.memory.buffer;
    return {
      buffer,
      positions: new Float64Array(buffer, e.nutmeg_positions(h), d.maxChains * d.dim),
      active: new Uint8Array(buffer, e.nutmeg_active(h), d.maxChains),
      logp: new Float64Array(buffer, e.nutmeg_logp(h), d.maxChains),
      grad: new Float64Array(buffer, e.nutmeg_grad(h), d.maxChains * d.dim),
      auxGrad: new Float64Array(buffer, e.nutmeg_aux_grad(h), Math.max(1, d.maxChains * d.aux.length)),
      draws: new Float64Array(buffer, e.nutmeg_draws(h), d.maxDraws * d.dim),
    };
  }

  private live(): Views {
    if (this.disposed) throw new Error('wasm backend: used after dispose()');
    if (this.views.buffer !== this.exports.memory.buffer) this.views = this.makeViews();
    return this.views;
  }

  private fail(): never {
    throw new Error(`wasm backend: ${this.text(this.exports.nutmeg_model_error(this.handle))}`);
  }

  gradientSync(
    positions: Float64Array,
    nChains: number,
    active: Uint8Array | null,
    logp: Float64Array,
    grad: Float64Array,
    auxGrad?: Float64Array | null,
  ): void {
    const v = this.live();
    const dim = this.descriptor.dim;
    const nAux = this.descriptor.aux.length;
    if (nChains > this.descriptor.maxChains) throw new Error('wasm backend: more chains than the backend was prepared for');
    for (let k = 0; k < nChains * dim; k++) v.positions[k] = positions[k];
    for (let c = 0; c < nChains; c++) v.active[c] = active ? (active[c] ? 1 : 0) : 1;
    if (this.exports.nutmeg_gradient(this.handle, nChains) !== 0) this.fail();
    for (let c = 0; c < nChains; c++) {
      if (!v.active[c]) continue;
      logp[c] = v.logp[c];
      for (let k = c * dim; k < (c + 1) * dim; k++) grad[k] = v.grad[k];
      if (auxGrad) for (let a = c * nAux; a < (c + 1) * nAux; a++) auxGrad[a] = v.auxGrad[a];
    }
  }

  gradient(
    positions: Float64Array,
    nChains: number,
    active: Uint8Array | null,
    logp: Float64Array,
    grad: Float64Array,
    auxGrad?: Float64Array | null,
  ): Promise<void> {
    try {
      this.gradientSync(positions, nChains, active, logp, grad, auxGrad);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  pointwise(draws: Float64Array, nDraws: number, rowStart: number, rowCount: number, out: Float64Array): Promise<void> {
    try {
      const dim = this.descriptor.dim;
      if (nDraws > this.descriptor.maxDraws) throw new Error('wasm backend: more draws than the backend was prepared for');
      const size = nDraws * rowCount;
      if (size > this.outCapacity) {
        this.live();
        if (this.out !== 0) this.exports.free(this.out);
        this.out = this.exports.malloc(size * 8);
        if (this.out === 0) throw new Error(`wasm backend: out of memory for ${size} pointwise values`);
        this.outCapacity = size;
      }
      const v = this.live();
      v.draws.set(draws.subarray(0, nDraws * dim));
      if (this.exports.nutmeg_pointwise(this.handle, nDraws, rowStart, rowCount, this.out) !== 0) this.fail();
      out.set(new Float64Array(this.exports.memory.buffer, this.out, size));
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.out !== 0) this.exports.free(this.out);
    this.exports.nutmeg_model_free(this.handle);
    this.onDispose();
  }
}

/** Copies `values` into the module's memory; returns the pointer (0 for null). */
function copyIn(e: KernelExports, values: Float64Array | Uint32Array | null, owned: number[]): number {
  if (values === null) return 0;
  const pointer = e.malloc(Math.max(8, values.byteLength));
  if (pointer === 0) throw new Error(`wasm backend: out of memory for ${values.byteLength} bytes of data`);
  owned.push(pointer);
  const Kind = values instanceof Float64Array ? Float64Array : Uint32Array;
  new Kind(e.memory.buffer, pointer, values.length).set(values);
  return pointer;
}

/** The module compiled (asynchronously: a page's main thread may not compile a large module synchronously). */
export function compileKernels(bytes: Uint8Array): Promise<KernelModule> {
  return wasmApi().compile(bytes);
}

/** The engine for `descriptor` in a fresh instance of `module`. Throws with the engine's message when it refuses the model. */
export async function createWasmModel(module: KernelModule, descriptor: NativeModelDescriptor): Promise<NativeModelHandle> {
  let memory: WasmMemory | null = null;
  const instance = await wasmApi().instantiate(module, imports(() => memory));
  const e = instance.exports as unknown as KernelExports;
  memory = e.memory;
  e._initialize();
  return createModelIn(e, descriptor, 1, () => {});
}

/**
 * The engine for `descriptor` in the started module `e`, on `threads` threads (1 for the single-threaded build); calls
 * `onDispose` once the engine is freed.
 */
export function createModelIn(e: KernelExports, descriptor: NativeModelDescriptor, threads: number, onDispose: () => void): NativeModelHandle {
  const d = descriptor;
  const owned: number[] = [];
  try {
    const header = new Uint32Array([
      code(FAMILY_CODES, d.family, 'family'),
      code(LINK_CODES, d.link ?? defaultLink(d.family), 'link'),
      d.aux.length,
      d.n,
      d.p,
      d.dim,
      d.terms.length,
      d.maxChains,
      d.maxDraws,
      code(LAYOUT_CODES, d.layout ?? 'auto', 'layout'),
      threads,
    ]);
    const terms = new Uint32Array(6 * d.terms.length);
    d.terms.forEach((t, k) => {
      terms.set([copyIn(e, t.index, owned), copyIn(e, t.x, owned), t.levels, (t.noncentered ? 1 : 0) | (t.flat ? 2 : 0), t.sdIndex, t.offset], 6 * k);
    });
    const handle = e.nutmeg_model_create(
      copyIn(e, header, owned),
      copyIn(e, new Uint32Array(d.aux), owned),
      copyIn(e, d.X, owned),
      copyIn(e, d.y, owned),
      copyIn(e, d.trials, owned),
      copyIn(e, d.logChoose, owned),
      copyIn(e, terms, owned),
    );
    if (handle === 0) throw new Error('wasm backend: out of memory preparing the model');
    const error = readText(e, e.nutmeg_model_error(handle));
    if (error !== '') {
      e.nutmeg_model_free(handle);
      throw new Error(`wasm backend: ${error}`);
    }
    return new WasmModel(e, handle, d, threads, onDispose);
  } finally {
    for (const pointer of owned) e.free(pointer);
  }
}
