/**
 * randomSpec (tests/helpers/specs.ts) turned into a spec of any family and link: the same design, an outcome drawn
 * for the family around the design's linear predictor, and the family's auxiliary parameter appended to the
 * parameter vector (as src/model/build.ts lays it out). For backend parity tests of the family kernels.
 */
import { poisson } from '../../src/data/simulate/draw.js';
import { familyModule } from '../../src/model/families/index.js';
import type { LinkName } from '../../src/model/families/family.js';
import type { Prior } from '../../src/model/prior.js';
import type { Family, ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';

export interface FamilyCase {
  readonly family: Family;
  readonly link?: LinkName;
}

/** Every family and link the TypeScript density supports (src/model/families/index.ts). */
export const FAMILY_CASES: readonly FamilyCase[] = [
  { family: 'bernoulli' },
  { family: 'binomial' },
  { family: 'bernoulli', link: 'probit' },
  { family: 'binomial', link: 'probit' },
  { family: 'gaussian' },
  { family: 'poisson' },
  { family: 'negbinomial' },
  { family: 'gamma' },
  { family: 'lognormal' },
];

export const caseName = (c: FamilyCase): string => (c.link ? `${c.family} (${c.link})` : c.family);

const AUX_PRIORS: Record<string, Prior> = {
  sigma: { family: 'halfstudent_t', params: [3, 2.5] },
  shape: { family: 'gamma', params: [0.01, 0.01] },
};

/**
 * `spec` as a model of family `c`. bernoulli/binomial keep the spec's outcome (whose kind must match: randomSpec
 * 'binomial' for binomial); the others get y drawn per row at η_i = x_i·(−0.5, 0.5, −0.2, 0.3) plus noise: gaussian
 * Normal(η, 1); lognormal exp(Normal(η, 0.8)); poisson Poisson(min(30, e^{η+1})); negbinomial a gamma–Poisson mixture with
 * shape 2, and every 97th count raised above 64 (the kernels' large-count path); gamma e^η·Exp(1)·(0.5 … 1.5).
 */
export function familySpec(spec: ModelSpec, c: FamilyCase, seed = 3): ModelSpec {
  const family = c.family;
  if ((family === 'binomial') !== (spec.family === 'binomial')) throw new Error(`familySpec: ${family} needs a ${family === 'binomial' ? 'binomial' : 'non-binomial'} base spec`);
  const base: ModelSpec = { ...spec, family, ...(c.link ? { link: c.link } : {}) };
  if (family === 'bernoulli' || family === 'binomial') return base;
  const rng = new Rng(seed, 5);
  const p = spec.fixed.names.length;
  const truth = [-0.5, 0.5, -0.2, 0.3];
  const y = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += spec.fixed.X[i * p + j] * (truth[j] ?? 0);
    eta += 0.3 * rng.normal();
    switch (family) {
      case 'gaussian':
        y[i] = eta + rng.normal();
        break;
      case 'lognormal':
        y[i] = Math.exp(eta + 0.8 * rng.normal());
        break;
      case 'poisson':
        y[i] = poisson(rng, Math.min(30, Math.exp(eta + 1)));
        break;
      case 'negbinomial':
        y[i] = i % 97 === 5 ? 65 + rng.int(200) : poisson(rng, Math.min(30, Math.exp(eta + 1) * 0.5 * (rng.exponential() + rng.exponential())));
        break;
      case 'gamma':
        y[i] = Math.exp(eta) * rng.exponential() * (0.5 + rng.uniform()) + 1e-9;
        break;
    }
  }
  const module = familyModule(family, c.link);
  const aux = module.aux.map((a, k) => ({ name: a.name, prior: AUX_PRIORS[a.name], index: spec.dim + k }));
  return { ...base, y, trials: null, logChoose: null, aux, dim: spec.dim + aux.length };
}

/** The spec with its fixed effects cut to the intercept (and the varying terms dropped): intercept-only models. */
export function interceptOnly(spec: ModelSpec): ModelSpec {
  const p = spec.fixed.names.length;
  const X = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) X[i] = spec.fixed.X[i * p];
  return {
    ...spec,
    fixed: { names: ['Intercept'], X, interceptColumn: 0, priors: [spec.fixed.priors[0]] },
    groups: [],
    terms: [],
    dim: 1,
  };
}
