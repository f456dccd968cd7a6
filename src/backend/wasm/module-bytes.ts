/**
 * The WebAssembly engine's bytes in Node: build/wasm/nutmeg_kernels.wasm under the package root (scripts/build-wasm.mjs
 * writes it), or $NUTMEG_WASM_KERNELS; and the threaded build's factory, build/wasm/nutmeg_kernels_mt.js (Emscripten's
 * glue, CommonJS, which finds its worker script and wasm beside it). The browser build swaps in module-bytes.browser.ts,
 * which inlines them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT_URL } from '../../platform/package-root.js';
import type { ThreadedFactory } from './threaded.js';

export const WASM_KERNELS_RELATIVE_PATH = 'build/wasm/nutmeg_kernels.wasm';

/** The module's path: $NUTMEG_WASM_KERNELS when set, else the build output under the package root. */
function kernelsPath(): string {
  const override = process.env.NUTMEG_WASM_KERNELS;
  if (override) return resolve(override);
  return fromRoot(WASM_KERNELS_RELATIVE_PATH);
}

function fromRoot(path: string): string {
  return resolve(fileURLToPath(PACKAGE_ROOT_URL), path);
}

export const THREADED_KERNELS_RELATIVE_PATH = 'build/wasm/nutmeg_kernels_mt.js';

/**
 * The threaded build's factory; rejects with one line when it is not built. The wasm is read here and handed over:
 * Emscripten 3.1.6's glue would fetch() it by path where Node has a global fetch, which takes only URLs.
 */
export function threadedKernelFactory(): Promise<ThreadedFactory> {
  const path = fromRoot(THREADED_KERNELS_RELATIVE_PATH);
  const wasm = path.replace(/\.js$/, '.wasm');
  if (!existsSync(path) || !existsSync(wasm)) return Promise.reject(new Error(`threaded wasm kernels not built (no ${path}; install emscripten and run npm run build)`));
  const factory = createRequire(import.meta.url)(path) as ThreadedFactory;
  const wasmBinary = readFileSync(wasm);
  return Promise.resolve(async (args) => {
    const workers: NodeWorker[] = [];
    const m = await withWorkersRecorded(workers, () => factory({ ...args, wasmBinary }));
    for (const w of workers) w.unref();
    return m;
  });
}

/**
 * Runs `start` with worker_threads' Worker recording each worker it makes (the glue reads the class when its factory
 * is called). Once the pool has started they are unref'd: idle pool workers must not keep a Node process alive.
 */
function withWorkersRecorded<T>(workers: NodeWorker[], start: () => T): T {
  const threads = createRequire(import.meta.url)('node:worker_threads') as { Worker: typeof NodeWorker };
  const Original = threads.Worker;
  threads.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof NodeWorker>) {
      super(...args);
      workers.push(this);
    }
  };
  try {
    return start();
  } finally {
    threads.Worker = Original;
  }
}

/** Why wasmKernelBytes() would fail, in one line; null when the module is there. */
export function wasmKernelsUnavailableReason(): string | null {
  const path = kernelsPath();
  return existsSync(path) ? null : `wasm kernels not built (no ${path}; install emscripten and run npm run build)`;
}

/** The module's bytes; throws (with wasmKernelsUnavailableReason's line) when it is not built. */
export function wasmKernelBytes(): Uint8Array {
  const reason = wasmKernelsUnavailableReason();
  if (reason !== null) throw new Error(reason);
  return readFileSync(kernelsPath());
}
