/**
 * WGSL sources: the kernel files in shaders/ with a generated prologue of constants in front, the only place where
 * WGSL text is assembled. A kernel family is one file; kernels that evaluate the model also get the response
 * family's function (shaders/numeric.wgsl, shaders/families/family.wgsl and the family's own file) and
 * shaders/model.wgsl. The files' text comes from shader-files.ts (read from the package in Node, inlined in the browser
 * build).
 */
import { shaderFile } from './shader-files.js';

export type KernelName = 'logp_grad' | 'reduce' | 'pointwise';

/** A family function file, shaders/families/<name>.wgsl (src/backend/webgpu/family-host.ts picks it per spec). */
export type FamilyShader = 'binomial-logit' | 'binomial-probit' | 'poisson' | 'negbinomial' | 'gamma' | 'normal';

/** Files each kernel is made of, in order (after the prologue); FAMILY stands for the family function's files. */
const FAMILY = 'family';
const KERNEL_FILES: Record<KernelName, readonly string[]> = {
  logp_grad: [FAMILY, 'model.wgsl', 'logp_grad.wgsl'],
  reduce: ['reduce.wgsl'],
  pointwise: [FAMILY, 'model.wgsl', 'pointwise.wgsl'],
};

/** A constant of the prologue: an unsigned integer, a boolean, or a non-empty-in-WGSL array of unsigned integers. */
export type ShaderConstant = { readonly u32: number } | { readonly bool: boolean } | { readonly u32s: readonly number[] };

function u32Literal(value: number, name: string): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`shader constant ${name} = ${value} is not a u32`);
  }
  return `${value}u`;
}

/** `const NAME: type = value;` lines. Arrays of length 0 get one unused element (WGSL has no empty arrays). */
export function prologue(constants: Readonly<Record<string, ShaderConstant>>): string {
  const lines = Object.entries(constants).map(([name, c]) => {
    if ('u32' in c) return `const ${name}: u32 = ${u32Literal(c.u32, name)};`;
    if ('bool' in c) return `const ${name}: bool = ${c.bool};`;
    const values = c.u32s.length > 0 ? c.u32s : [0];
    const items = values.map((v) => u32Literal(v, name)).join(', ');
    return `const ${name} = array<u32, ${values.length}>(${items});`;
  });
  return `// generated prologue\n${lines.join('\n')}\n`;
}

/** The WGSL text of a family function with what it needs: numeric helpers, the interface, the family's file. */
export function familySource(family: FamilyShader): string {
  return ['numeric.wgsl', 'families/family.wgsl', `families/${family}.wgsl`].map(shaderFile).join('\n');
}

/** The WGSL module text of a kernel specialised by `constants`, with `family`'s function where the kernel needs one. */
export function kernelSource(kernel: KernelName, constants: Readonly<Record<string, ShaderConstant>>, family: FamilyShader): string {
  const files = KERNEL_FILES[kernel].map((f) => (f === FAMILY ? familySource(family) : shaderFile(f)));
  return [prologue(constants), ...files].join('\n');
}
