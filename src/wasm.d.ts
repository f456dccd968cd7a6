/** A WebAssembly module's bytes, inlined by esbuild's binary loader (scripts/build-browser.mjs). */
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}

/** A file's text, inlined by scripts/build-browser.mjs's text plugin (the threaded wasm build's JavaScript glue). */
declare module 'nutmeg-text:*' {
  const text: string;
  export default text;
}
