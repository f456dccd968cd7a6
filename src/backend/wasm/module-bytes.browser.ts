/**
 * module-bytes.ts for the browser build (swapped in by scripts/build-browser.mjs): the modules inlined, so the page
 * makes no request for them (and none to another origin). The single-threaded module's bytes by esbuild's binary
 * loader; the threaded build for the web (build/wasm/web/: no Node code in it) likewise, with its Emscripten glue and
 * worker script as text, started from blob: URLs of this origin: the glue imported as an ES module (its factory
 * exported), the worker script as the pool's workers, which load the glue again from a Blob (mainScriptUrlOrBlob).
 * scripts/build-browser.mjs stops with one line when a module is missing: a bundle without its CPU path is never
 * written.
 */
import bytes from '../../../build/wasm/nutmeg_kernels.wasm';
import threadedBytes from '../../../build/wasm/web/nutmeg_kernels_mt.wasm';
import glue from 'nutmeg-text:build/wasm/web/nutmeg_kernels_mt.js';
import workerScript from 'nutmeg-text:build/wasm/web/nutmeg_kernels_mt.worker.js';
import type { ThreadedFactory } from './threaded.js';

export const WASM_KERNELS_RELATIVE_PATH = 'build/wasm/nutmeg_kernels.wasm';
export const THREADED_KERNELS_RELATIVE_PATH = 'build/wasm/nutmeg_kernels_mt.js';

export function wasmKernelsUnavailableReason(): string | null {
  return null;
}

export function wasmKernelBytes(): Uint8Array {
  return bytes;
}

/** The page's URL and Blob APIs, typed locally (this module is also type-checked without the DOM library). */
interface BlobApis {
  readonly Blob: new (parts: string[], options: { type: string }) => object;
  readonly URL: { createObjectURL(blob: object): string };
}

/** The threaded build's factory, its glue and worker script served from blob: URLs; its wasm from the bundle. */
export async function threadedKernelFactory(): Promise<ThreadedFactory> {
  const { Blob, URL } = globalThis as unknown as BlobApis;
  const type = { type: 'text/javascript' };
  const moduleUrl = URL.createObjectURL(new Blob([glue, '\nexport default createNutmegKernels;\n'], type));
  const mainScript = new Blob([glue], type);
  const workerUrl = URL.createObjectURL(new Blob([workerScript], type));
  const factory = ((await import(/* @vite-ignore */ moduleUrl)) as { default: ThreadedFactory }).default;
  return (args) =>
    factory({
      ...args,
      wasmBinary: threadedBytes,
      mainScriptUrlOrBlob: mainScript,
      locateFile: (file: string) => (file.endsWith('.worker.js') ? workerUrl : file),
    });
}
