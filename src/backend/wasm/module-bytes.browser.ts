/**
 * module-bytes.ts for the browser build (swapped in by scripts/build-browser.mjs): the module's bytes inlined by
 * esbuild's binary loader, so the page makes no request for them. scripts/build-browser.mjs stops with one line when
 * build/wasm/nutmeg_kernels.wasm is missing: a bundle without its CPU path is never written.
 */
import bytes from '../../../build/wasm/nutmeg_kernels.wasm';

export const WASM_KERNELS_RELATIVE_PATH = 'build/wasm/nutmeg_kernels.wasm';

export function wasmKernelsUnavailableReason(): string | null {
  return null;
}

export function wasmKernelBytes(): Uint8Array {
  return bytes;
}
