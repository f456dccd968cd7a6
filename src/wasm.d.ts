/** A WebAssembly module's bytes, inlined by esbuild's binary loader (scripts/build-browser.mjs). */
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
