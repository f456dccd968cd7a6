/** The family module of a model's `family` (src/model/spec.ts). */
import type { Family } from '../spec.js';
import { bernoulliLogit, binomialLogit } from './binomial-logit.js';
import type { FamilyModule } from './family.js';
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

export function familyModule(family: Family): FamilyModule {
  return MODULES[family];
}
