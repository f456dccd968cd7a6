/**
 * The threaded build of the WebAssembly engine (scripts/build-wasm.mjs: -pthread, build/wasm/nutmeg_kernels_mt.*): the
 * engine's thread pool on Emscripten's pthreads, for a page that is cross-origin isolated (SharedArrayBuffer) and, when
 * asked, in Node. One module per process or page, started with a pool of workers (hardware threads − 1, each engine's
 * other threads); the models made in it share that pool: a model takes the threads the engine's rule gives it
 * (native.ts defaultNativeThreads) among those no other live model holds, and gives them back on dispose().
 */
import type { NativeModelDescriptor, NativeModelHandle } from '../engine-backend.js';
import { createModelIn, type KernelExports, type WasmMemory } from './module.js';

/** What Emscripten's MODULARIZE factory takes and gives, as used here. */
export interface ThreadedModuleArgs {
  readonly nutmegPoolSize: number;
  readonly wasmMemory: WasmMemory;
  readonly [setting: string]: unknown;
}
export type ThreadedFactory = (args: ThreadedModuleArgs) => Promise<Record<string, unknown>>;

/** The memory the build was linked for: INITIAL_MEMORY 32 MiB (512 pages), at most 2 GiB (32768 pages). */
const INITIAL_PAGES = 512;
const MAXIMUM_PAGES = 32768;

/** The names api.cpp exports, which the glue hands out as `_name`. */
const EXPORT_NAMES = [
  'malloc', 'free', 'nutmeg_model_create', 'nutmeg_model_error', 'nutmeg_gradient', 'nutmeg_pointwise', 'nutmeg_positions',
  'nutmeg_active', 'nutmeg_logp', 'nutmeg_grad', 'nutmeg_aux_grad', 'nutmeg_draws', 'nutmeg_isa', 'nutmeg_layout',
  'nutmeg_layout_summary', 'nutmeg_storage', 'nutmeg_model_free', 'nutmeg_set_rotated',
  'nutmeg_set_fold',
] as const;

/** The started threaded module: its exports and the pool's workers no live model holds. */
export class ThreadedKernels {
  private idle: number;

  constructor(
    readonly exports: KernelExports,
    readonly poolSize: number,
  ) {
    this.idle = poolSize;
  }

  /** The engine for `descriptor` on up to descriptor.threads threads: the calling thread and idle pool workers. */
  createModel(descriptor: NativeModelDescriptor): NativeModelHandle {
    const threads = Math.max(1, Math.min(descriptor.threads, 1 + this.idle));
    this.idle -= threads - 1;
    try {
      return createModelIn(this.exports, descriptor, threads, () => {
        this.idle += threads - 1;
      });
    } catch (e) {
      this.idle += threads - 1;
      throw e;
    }
  }
}

/** Starts the threaded module with `poolSize` workers (prestarted: the factory resolves once they are loaded). */
export async function startThreadedKernels(factory: ThreadedFactory, poolSize: number): Promise<ThreadedKernels> {
  const api = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => WasmMemory } }).WebAssembly;
  const memory = new api.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const m = await factory({ nutmegPoolSize: poolSize, wasmMemory: memory });
  const exports: Record<string, unknown> = { memory, _initialize: () => {} };
  for (const name of EXPORT_NAMES) {
    const f = m[`_${name}`];
    if (typeof f !== 'function') throw new Error(`wasm backend: the threaded module has no ${name}`);
    exports[name] = f;
  }
  return new ThreadedKernels(exports as unknown as KernelExports, poolSize);
}
