/** The family module of a model's `family` (src/model/spec.ts). */
import { FAMILIES, type Family } from '../spec.js';
import { bernoulliLogit, binomialLogit } from './binomial-logit.js';
import { bernoulliProbit, binomialProbit } from './binomial-probit.js';
import type { FamilyModule, LinkName } from './family.js';
import { gammaLog } from './gamma.js';
import { gaussianIdentity, lognormalIdentity } from './gaussian.js';
import { negbinomialLog } from './negbinomial.js';
import { poissonLog } from './poisson.js';

const MODULES: Readonly<Record<Family, FamilyModule>> = {
  bernoulli: bernoulliLogit,
  binomial: binomialLogit,
  gaussian: gaussianIdentity,
  poisson: poissonLog,
  negbinomial: negbinomialLog,
  gamma: gammaLog,
  lognormal: lognormalIdentity,
};

/** The names of every family's auxiliary parameters ('sigma', 'shape'): population-level outputs beside b_ and sd_. */
export const AUX_PARAMETER_NAMES: ReadonlySet<string> = new Set(Object.values(MODULES).flatMap((m) => m.aux.map((a) => a.name)));

/** The link of each family when none is given; bernoulli and binomial also take 'probit'. */
export function defaultLink(family: Family): LinkName {
  return MODULES[family].link;
}

/** The links a family takes. */
export function familyLinks(family: Family): readonly LinkName[] {
  return family === 'bernoulli' || family === 'binomial' ? ['logit', 'probit'] : [MODULES[family].link];
}

/** The family module of `family` with `link` (default: the family's own, defaultLink). */
export function familyModule(family: Family, link?: LinkName): FamilyModule {
  if (link === 'probit' && family === 'bernoulli') return bernoulliProbit;
  if (link === 'probit' && family === 'binomial') return binomialProbit;
  const module = MODULES[family];
  if (link !== undefined && link !== module.link) throw new RangeError(`family ${family} has no ${link} link`);
  return module;
}

/** The backends with row kernels of their own (the reference backend runs every family module). */
export type KernelBackend = 'native' | 'webgpu' | 'wasm';

/**
 * The families (and non-default links) each kernel backend has row functions for: today every one on both
 * (native/src/families.hpp, shaders/families/). A family added to the TypeScript modules before its kernels runs on
 * the reference backend (src/backend/select.ts skips or refuses the others) until it is listed here.
 */
const KERNEL_FAMILIES: Readonly<Record<KernelBackend, ReadonlySet<string>>> = {
  native: new Set([...FAMILIES, 'bernoulli/probit', 'binomial/probit']),
  webgpu: new Set([...FAMILIES, 'bernoulli/probit', 'binomial/probit']),
  // the native kernels compiled to WebAssembly (native/wasm/): the same source, the same families
  wasm: new Set([...FAMILIES, 'bernoulli/probit', 'binomial/probit']),
};

/** Whether `backend`'s row kernels implement `family` with `link` (absent: the family's default link). */
export function kernelsSupportFamily(backend: KernelBackend, family: Family, link?: LinkName): boolean {
  const key = link === undefined || link === familyModule(family).link ? family : `${family}/${link}`;
  return KERNEL_FAMILIES[backend].has(key);
}
