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
export type KernelBackend = 'native' | 'webgpu';

/**
 * Whether `backend`'s row kernels implement `family` with `link`; where they do not, the family runs on the
 * TypeScript family modules (the reference backend).
 *   native: bernoulli and binomial with the logit link only in this version;
 *   webgpu: every family and link (shaders/families/).
 */
export function kernelsSupportFamily(backend: 'native', family: Family, link?: LinkName): family is 'bernoulli' | 'binomial';
export function kernelsSupportFamily(backend: KernelBackend, family: Family, link?: LinkName): boolean;
export function kernelsSupportFamily(backend: KernelBackend, family: Family, link?: LinkName): boolean {
  if (backend === 'webgpu') return true;
  return (family === 'bernoulli' || family === 'binomial') && (link === undefined || link === 'logit');
}
