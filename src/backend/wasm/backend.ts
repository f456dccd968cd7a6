/**
 * The wasm backend: the native C++ engine compiled to WebAssembly (native/wasm/, scripts/build-wasm.mjs), one thread,
 * 128-bit SIMD, every call on the calling thread (so it offers logDensityGradientSync). The host side — the priors the
 * engine leaves to TypeScript — is the native backend's (engine-backend.ts), so the two agree to rounding. In a page it
 * is what `auto` takes when no WebGPU adapter answers (select.browser.ts); in Node it is chosen only by name.
 */
import { describeEngineModel, EngineBackend, type NativeLayout } from '../engine-backend.js';
import type { BackendOptions } from '../backend.js';
import { hasIndexedFixed } from '../indexed-fixed.js';
import { needsCoordinateMap } from '../split-terms.js';
import type { ModelSpec } from '../../model/spec.js';
import { compileKernels, createWasmModel, type KernelModule } from './module.js';
import { wasmKernelBytes } from './module-bytes.js';

export interface WasmBackendOptions extends BackendOptions {
  /** Row layout of the gradient (tests and benchmarks); default 'auto'. */
  readonly layout?: NativeLayout;
  /** Another build of the module (the bench's scalar build); default the one module-bytes.ts finds. */
  readonly module?: Promise<KernelModule>;
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
  const descriptor = describeEngineModel(spec, { ...options, threads: 1, kernels: 'baseline' });
  const handle = await createWasmModel(await (options.module ?? defaultModule()), descriptor);
  return new EngineBackend('wasm', spec, handle, true);
}
