/**
 * select.ts for the browser build (swapped in by scripts/build-browser.mjs). `auto` takes the page's WebGPU when a
 * hardware adapter answers and the family has WebGPU kernels, else the wasm backend (the native engine compiled to
 * WebAssembly, src/backend/wasm/), else — should the module fail to start — the TypeScript reference backend; the one
 * line through `log` says which and why. As in Node, the browser's software adapter (isFallbackAdapter: SwiftShader in
 * Chromium) is never chosen automatically: on 64,000 rows it is slower than the CPU paths in the same page
 * (bench/browser-gradient.ts); ask for it with `webgpu`. `native` is refused with the reason; an explicit `webgpu` or
 * `wasm` that cannot start is an error, as in Node.
 */
import { kernelsSupportFamily } from '../model/families/index.js';
import type { Backend, BackendOptions } from './backend.js';
import { createReferenceBackend } from './reference.js';
import type { BackendChoice } from './select.js';
import { createWrappedBackend } from './wrapped.js';
import { browserAdapter } from './webgpu/device.browser.js';
import { createWebGpuBackend } from './webgpu/backend.js';
import { createWasmBackend } from './wasm/backend.js';
import { UserError } from '../errors.js';
import type { ModelSpec } from '../model/spec.js';

export type { BackendChoice } from './select.js';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm', 'reference'];

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

async function createPlainBackend(
  choice: BackendChoice,
  spec: ModelSpec,
  options: BackendOptions,
  log: (line: string) => void,
): Promise<Backend> {
  if (choice === 'reference') return createReferenceBackend(spec, options);
  if (choice === 'native') throw new UserError('backend native: a browser page has no native addon; use auto, wasm, webgpu or reference');
  const what = `family ${spec.family}${spec.link ? ` with the ${spec.link} link` : ''}`;
  if (choice === 'wasm') {
    if (!kernelsSupportFamily('wasm', spec.family, spec.link)) throw new UserError(`backend wasm: ${what} has no wasm kernel in this version; use reference or auto`);
    try {
      return await createWasmBackend(spec, options);
    } catch (e) {
      throw new UserError(`backend wasm: ${firstLine(e)} (use reference)`);
    }
  }
  const kernels = kernelsSupportFamily('webgpu', spec.family, spec.link);
  if (choice === 'webgpu') {
    if (!kernels) throw new UserError(`backend webgpu: ${what} has no webgpu kernel in this version; use reference or auto`);
    try {
      return await createWebGpuBackend(spec, options);
    } catch (e) {
      throw new UserError(`backend webgpu: ${firstLine(e)} (use reference)`);
    }
  }
  let why: string;
  if (!kernels) {
    why = `${what} has no webgpu kernels in this version`;
  } else {
    const found = await browserAdapter();
    if (found === null || found.fallback) {
      why = found === null ? 'no WebGPU adapter in this browser' : `only the browser's software adapter, ${found.name}; choose webgpu to use it`;
    } else {
      try {
        const backend = await createWebGpuBackend(spec, options);
        log(`backend: webgpu (${found.name})`);
        return backend;
      } catch (e) {
        why = `webgpu on ${found.name} failed: ${firstLine(e)}`;
      }
    }
  }
  return cpuBackend(spec, options, why, log);
}

/** The wasm backend when the family has its kernels and the module starts, else the reference backend; says which and why. */
async function cpuBackend(spec: ModelSpec, options: BackendOptions, why: string, log: (line: string) => void): Promise<Backend> {
  if (!kernelsSupportFamily('wasm', spec.family, spec.link)) {
    log(`backend: reference (${why}; no wasm kernel for the family)`);
    return createReferenceBackend(spec, options);
  }
  try {
    const backend = await createWasmBackend(spec, options);
    log(`backend: wasm (${why})`);
    return backend;
  } catch (e) {
    log(`backend: reference (${why}; wasm failed: ${firstLine(e)})`);
    return createReferenceBackend(spec, options);
  }
}

/** The backend for `choice` (see the module comment), with its coordinate maps (src/backend/wrapped.ts). */
export async function createBackend(
  choice: BackendChoice,
  spec: ModelSpec,
  options: BackendOptions = {},
  log: (line: string) => void = () => {},
): Promise<Backend> {
  return createWrappedBackend(createPlainBackend, choice, spec, options, log);
}
