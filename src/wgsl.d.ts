/** WGSL files imported as text (the browser build's esbuild text loader; src/backend/webgpu/shader-files.browser.ts). */
declare module '*.wgsl' {
  const text: string;
  export default text;
}
