/**
 * shader-files.ts for the browser build (swapped in by scripts/build-browser.mjs): every file of shaders/ inlined as
 * text by esbuild's text loader, so the bundle needs no file access and no request. A new .wgsl file must be added
 * here too (tests/browser/adapters.test.ts compares this list with the directory).
 */
import family_binomial_logit from '../../../shaders/families/binomial-logit.wgsl';
import family_binomial_probit from '../../../shaders/families/binomial-probit.wgsl';
import family_family from '../../../shaders/families/family.wgsl';
import family_gamma from '../../../shaders/families/gamma.wgsl';
import family_negbinomial from '../../../shaders/families/negbinomial.wgsl';
import family_normal from '../../../shaders/families/normal.wgsl';
import family_poisson from '../../../shaders/families/poisson.wgsl';
import logp_grad from '../../../shaders/logp_grad.wgsl';
import model from '../../../shaders/model.wgsl';
import numeric from '../../../shaders/numeric.wgsl';
import pointwise from '../../../shaders/pointwise.wgsl';
import reduce from '../../../shaders/reduce.wgsl';

export const SHADER_FILES: Readonly<Record<string, string>> = {
  'families/binomial-logit.wgsl': family_binomial_logit,
  'families/binomial-probit.wgsl': family_binomial_probit,
  'families/family.wgsl': family_family,
  'families/gamma.wgsl': family_gamma,
  'families/negbinomial.wgsl': family_negbinomial,
  'families/normal.wgsl': family_normal,
  'families/poisson.wgsl': family_poisson,
  'logp_grad.wgsl': logp_grad,
  'model.wgsl': model,
  'numeric.wgsl': numeric,
  'pointwise.wgsl': pointwise,
  'reduce.wgsl': reduce,
};

export function shaderFile(name: string): string {
  const text = SHADER_FILES[name];
  if (text === undefined) throw new Error(`shaders/${name} is not inlined in the browser build (src/backend/webgpu/shader-files.browser.ts)`);
  return text;
}
