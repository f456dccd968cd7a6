/** The family module of a model's `family` (src/model/spec.ts). */
import type { Family } from '../spec.js';
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

/** A backend with row kernels of its own (the reference backend runs the family modules themselves). */
export type KernelBackend = 'native' | 'webgpu';

/**
 * Whether `backend`'s row kernels implement `family` with `link`; the others run on the TypeScript family modules
 * (the reference backend).
 *   native: every family and link (native/src/families.hpp).
 *   webgpu: bernoulli and binomial with the logit link only in this version.
 */
export function kernelsSupportFamily(backend: KernelBackend, family: Family, link?: LinkName): boolean {
  if (backend === 'native') return true;
  return (family === 'bernoulli' || family === 'binomial') && (link === undefined || link === 'logit');
}
