/**
 * The WebAssembly engine's bytes in Node: build/wasm/nutmeg_kernels.wasm under the package root (scripts/build-wasm.mjs
 * writes it), or $NUTMEG_WASM_KERNELS. The browser build swaps in module-bytes.browser.ts, which inlines them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WASM_KERNELS_RELATIVE_PATH = 'build/wasm/nutmeg_kernels.wasm';

/** The module's path: $NUTMEG_WASM_KERNELS when set, else the build output under the package root. */
function kernelsPath(): string {
  const override = process.env.NUTMEG_WASM_KERNELS;
  if (override) return resolve(override);
  // this file is src/backend/wasm/module-bytes.ts or dist/backend/wasm/module-bytes.js: the root is three levels up
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', WASM_KERNELS_RELATIVE_PATH);
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
