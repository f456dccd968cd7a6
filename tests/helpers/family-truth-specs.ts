/**
 * Random ModelSpecs for every family and link with a known truth (for the WebGPU parity tests; tests/helpers/
 * family-specs.ts turns a given randomSpec into a family instead): the fixed effects and varying terms of randomSpec (tests/helpers/
 * specs.ts), the outcome redrawn from the family at a truth near which randomFamilyPositions puts the chains, and the
 * family's auxiliary parameter appended to the layout (src/model/spec.ts). For backend parity tests that must not
 * depend on the formula builder.
 */
import { loadCoefficients } from '../../src/model/density.js';
import type { LinkName } from '../../src/model/families/family.js';
import { coefficientStarts, linearPredictor } from '../../src/model/linear-predictor.js';
import { logChoose } from '../../src/model/log-choose.js';
import { logNormalCdf } from '../../src/numeric/normal-cdf.js';
import type { Prior } from '../../src/model/prior.js';
import type { AuxCoordinate, Family, ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import { randomPositions, randomSpec, type SpecKind } from './specs.js';

export interface FamilyCase {
  readonly family: Family;
  readonly link?: LinkName;
  /** Intercept of the truth (and of the positions): sets the outcome's scale (e.g. the mean count). */
  readonly intercept: number;
  /** The auxiliary parameter's true value (sigma or shape), when the family has one. */
  readonly aux?: number;
  /** Sd of the positions around the truth per coordinate (default 0.3; data that pin the posterior down want less). */
  readonly jitter?: number;
}

export interface FamilySpec {
  readonly spec: ModelSpec;
  /** The unconstrained position the outcome was drawn at. */
  readonly truth: Float64Array;
}

const AUX_PRIOR: Record<string, Prior> = {
  sigma: { family: 'halfstudent_t', params: [3, 2.5] },
  shape: { family: 'gamma', params: [0.01, 0.01] },
};

function auxName(family: Family): string | null {
  if (family === 'gaussian' || family === 'lognormal') return 'sigma';
  if (family === 'negbinomial' || family === 'gamma') return 'shape';
  return null;
}

/** A count with mean mu: Knuth's product of uniforms up to 30, a rounded normal beyond. */
function count(rng: Rng, mu: number): number {
  if (mu > 30) return Math.max(0, Math.round(mu + Math.sqrt(mu) * rng.normal()));
  const limit = Math.exp(-mu);
  let k = 0;
  let product = rng.uniform();
  while (product > limit) {
    k++;
    product *= rng.uniform();
  }
  return k;
}

export function familySpec(kind: Exclude<SpecKind, 'binomial' | 'manylevels'>, c: FamilyCase, n: number, seed: number): FamilySpec {
  const base = randomSpec(kind, { n, seed });
  const name = auxName(c.family);
  const aux: AuxCoordinate[] = name ? [{ name, prior: AUX_PRIOR[name], index: base.dim }] : [];
  const shell: ModelSpec = { ...base, family: c.family, link: c.link, aux, dim: base.dim + aux.length, formula: `random ${kind} ${c.family}` };
  // the truth: a random position with the case's intercept
  const truth = randomPositions(shell, 1, seed + 100);
  truth[0] = c.intercept;
  for (const a of aux) truth[a.index] = Math.log(c.aux ?? 1);
  const { rStart, size } = coefficientStarts(shell);
  const coef = new Float64Array(size);
  loadCoefficients(shell, truth, 0, coef, 0);
  const eta = new Float64Array(n);
  linearPredictor(shell, coef, rStart, 0, n, eta);
  const rng = new Rng(seed, 7);
  const y = new Float64Array(n);
  const trials = c.family === 'binomial' ? Float64Array.from({ length: n }, () => 1 + rng.int(20)) : null;
  const a = c.aux ?? 1;
  for (let i = 0; i < n; i++) {
    const h = eta[i];
    const p = c.link === 'probit' ? Math.exp(logNormalCdf(h)) : 1 / (1 + Math.exp(-h));
    switch (c.family) {
      case 'bernoulli':
        y[i] = rng.bernoulli(p);
        break;
      case 'binomial': {
        let k = 0;
        for (let m = 0; m < trials![i]; m++) k += rng.bernoulli(p);
        y[i] = k;
        break;
      }
      case 'poisson':
        y[i] = count(rng, Math.exp(h));
        break;
      case 'negbinomial': // a Poisson with a log-normal mean of about the NB2 spread (the test needs counts, not NB2)
        y[i] = count(rng, Math.exp(h + Math.sqrt(Math.log1p(1 / a)) * rng.normal() - 0.5 * Math.log1p(1 / a)));
        break;
      case 'gamma':
        y[i] = Math.exp(h + rng.normal() / Math.sqrt(a));
        break;
      case 'gaussian':
        y[i] = h + a * rng.normal();
        break;
      case 'lognormal':
        y[i] = Math.exp(h + a * rng.normal());
        break;
    }
  }
  return { spec: { ...shell, y, trials, logChoose: trials ? logChoose(trials, y) : null }, truth };
}

/** nChains random positions around the truth of familySpec, each coordinate jittered by c.jitter (default 0.3). */
export function randomFamilyPositions(f: FamilySpec, c: FamilyCase, nChains: number, seed: number): Float64Array {
  const { dim } = f.spec;
  const positions = new Float64Array(nChains * dim);
  const rng = new Rng(seed, 3);
  for (let k = 0; k < nChains * dim; k++) positions[k] = f.truth[k % dim] + (c.jitter ?? 0.3) * rng.normal();
  return positions;
}
