/**
 * The text of a file in shaders/ (Node: read from the package once and cached). The browser build swaps in
 * shader-files.browser.ts, which has every file inlined; shader-source.ts assembles the kernels from either.
 */
import { readFileSync } from 'node:fs';
import { PACKAGE_ROOT_URL } from '../../platform/package-root.js';

const SHADER_DIR = new URL('shaders/', PACKAGE_ROOT_URL);
const fileCache = new Map<string, string>();

/** `name` relative to shaders/, e.g. "families/poisson.wgsl". */
export function shaderFile(name: string): string {
  let text = fileCache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, SHADER_DIR), 'utf8');
    fileCache.set(name, text);
  }
  return text;
}
