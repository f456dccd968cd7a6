/**
 * The wasm backend: the native C++ engine compiled to WebAssembly (native/wasm/, scripts/build-wasm.mjs), 128-bit SIMD,
 * one thread — or, in a cross-origin isolated page, the threaded build (threaded.ts), the calling thread and the pool's
 * workers sharing each call. Every call returns when done (so it offers logDensityGradientSync). The host side — the priors the
 * engine leaves to TypeScript — is the native backend's (engine-backend.ts), so the two agree to rounding. In a page it
 * is what `auto` takes when no WebGPU adapter answers (select.browser.ts); in Node it is chosen only by name.
 */
import { describeEngineModel, EngineBackend, type NativeLayout } from '../engine-backend.js';
import type { BackendOptions } from '../backend.js';
import { hasIndexedFixed } from '../indexed-fixed.js';
import { needsCoordinateMap } from '../split-terms.js';
import type { ModelSpec } from '../../model/spec.js';
import { compileKernels, createWasmModel, type KernelModule } from './module.js';
import { threadedKernelFactory, wasmKernelBytes } from './module-bytes.js';
import { startThreadedKernels, type ThreadedKernels } from './threaded.js';
import { callWork, isSmallWork } from '../work-size.js';
import { hardwareThreads } from '../../platform/host.js';

/** Which build runs the model: the single-threaded module, or the threaded one (threaded.ts). */
export type WasmVariant = 'single' | 'threaded';

export interface WasmBackendOptions extends BackendOptions {
  /** Row layout of the gradient (tests and benchmarks); default 'auto'. */
  readonly layout?: NativeLayout;
  /** Another build of the module (the bench's scalar build); default the one module-bytes.ts finds. */
  readonly module?: Promise<KernelModule>;
  /**
   * Default: 'threaded' where SharedArrayBuffer may be shared with workers (a cross-origin isolated page), else
   * 'single' (so Node takes the threaded build only when asked; a page falls back to 'single' when it fails to start).
   */
  readonly variant?: WasmVariant;
  /** Threads of the threaded build (tests, bench); default the engine's rule: one for a small call, else every core. */
  readonly threads?: number;
  /**
   * Another started threaded module (tests: a pool of a chosen size, startThreadedKernels); default the one module
   * per process or page, with hardware threads − 1 workers.
   */
  readonly pool?: Promise<ThreadedKernels>;
}

/** Whether this page or worker is cross-origin isolated (false in Node, which has no such notion). */
export function crossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** Workers of the threaded module's pool: the engine's rule (every core), less the calling thread. */
function threadedPoolSize(): number {
  return Math.max(1, hardwareThreads() - 1);
}

let threaded: Promise<ThreadedKernels> | undefined;

/** The threaded module, started once per process or page. */
function threadedModule(): Promise<ThreadedKernels> {
  if (threaded === undefined) {
    threaded = threadedKernelFactory().then((factory) => startThreadedKernels(factory, threadedPoolSize()));
    threaded.catch(() => {
      threaded = undefined;
    });
  }
  return threaded;
}

let compiled: Promise<KernelModule> | undefined;

/** The module built with the package, compiled once per process or page. */
function defaultModule(): Promise<KernelModule> {
  if (compiled === undefined) {
    compiled = Promise.resolve().then(() => compileKernels(wasmKernelBytes()));
    compiled.catch(() => {
      compiled = undefined; // a module that failed to load is tried again next time
    });
  }
  return compiled;
}

/** Prepares the wasm backend for `spec` (a plain spec: createBackend() puts the coordinate maps around it). */
export async function createWasmBackend(spec: ModelSpec, options: WasmBackendOptions = {}): Promise<EngineBackend> {
  if (needsCoordinateMap(spec) || hasIndexedFixed(spec)) {
    throw new Error('createWasmBackend: the spec needs coordinate maps; create the backend with createBackend() (src/backend/wrapped.ts)');
  }
  if (spec.fixed.priors.length !== spec.fixed.names.length) {
    throw new Error(`wasm backend: ${spec.fixed.names.length} fixed effects but ${spec.fixed.priors.length} priors`);
  }
  const variant = options.variant ?? (crossOriginIsolated() ? 'threaded' : 'single');
  if (variant === 'threaded' && options.module === undefined) {
    try {
      const kernels = await (options.pool ?? threadedModule());
      const threads = options.threads ?? (isSmallWork(callWork(spec.n, options.maxChains, options.maxDraws)) ? 1 : kernels.poolSize + 1);
      const descriptor = describeEngineModel(spec, { ...options, threads: Math.max(1, Math.floor(threads)), kernels: 'baseline' });
      return new EngineBackend('wasm', spec, kernels.createModel(descriptor), true);
    } catch (e) {
      if (options.variant === 'threaded') throw e;
      // not asked for by name: the single-threaded module below
    }
  }
  const descriptor = describeEngineModel(spec, { ...options, threads: 1, kernels: 'baseline' });
  const handle = await createWasmModel(await (options.module ?? defaultModule()), descriptor);
  return new EngineBackend('wasm', spec, handle, true);
}
