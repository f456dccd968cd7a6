/** The family module of a model's `family` (src/model/spec.ts). */
import type { Family } from '../spec.js';
import { bernoulliLogit, binomialLogit } from './binomial-logit.js';
import type { FamilyModule } from './family.js';

const MODULES: Readonly<Record<Family, FamilyModule>> = {
  bernoulli: bernoulliLogit,
  binomial: binomialLogit,
};

export function familyModule(family: Family): FamilyModule {
  return MODULES[family];
}
