// The QR basis of the fixed effects (src/model/fixed-basis.ts) and its place in the coordinate map
// (src/backend/split-terms.ts, src/model/layout.ts). References: L Lᵀ = XᵀX/n written out; triangular solves
// checked by multiplying back; the change-of-variables formula (log density in θ = log density in b + log|∂b/∂θ|,
// with |∂b/∂θ| = 1/det L); central finite differences; the sampler's gradients per draw on a correlated design.
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { createBackend } from '../../src/backend/select.js';
import { centeredSpec } from '../../src/backend/split-terms.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { fitModel } from '../../src/fit/fit.js';
import { buildModel } from '../../src/model/build.js';
import {
  basisToFixed,
  fixedBasisFactor,
  fixedBasisLogJacobian,
  fixedToBasis,
  pullBackFixedGradient,
} from '../../src/model/fixed-basis.js';
import { constrain, constrainedDim, unconstrain } from '../../src/model/layout.js';
import { Rng } from '../../src/rng.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { randomSpec, relDiff } from '../helpers/specs.js';
import { correlatedFrame, gradientsPerDraw } from '../helpers/frames.js';

/** n × p design: intercept, a 0/1 column, its near-complement, a normal covariate. */
function design(n: number): Float64Array {
  const rng = new Rng(5, 0);
  const X = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = rng.uniform() < 0.4 ? 1 : 0;
    X.set([1, a, rng.uniform() < 0.95 ? 1 - a : a, rng.normal()], i * 4);
  }
  return X;
}

describe('fixed basis factor', () => {
  it('L is lower triangular with a positive diagonal and L Lᵀ = XᵀX / n', () => {
    const n = 500;
    const p = 4;
    const X = design(n);
    const L = fixedBasisFactor(X, n, p);
    expect(L).not.toBeNull();
    for (let a = 0; a < p; a++) {
      expect(L![a * p + a]).toBeGreaterThan(0);
      for (let b = a + 1; b < p; b++) expect(L![a * p + b]).toBe(0);
      for (let b = 0; b <= a; b++) {
        let xtx = 0;
        for (let i = 0; i < n; i++) xtx += X[i * p + a] * X[i * p + b];
        let llt = 0;
        for (let k = 0; k < p; k++) llt += L![a * p + k] * L![b * p + k];
        expect(relDiff(llt, xtx / n)).toBeLessThan(1e-12);
      }
    }
  });

  it('is null for one column and for collinear columns', () => {
    expect(fixedBasisFactor(new Float64Array([1, 1, 1]), 3, 1)).toBeNull();
    // third column = first − second
    const X = new Float64Array([1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 0]);
    expect(fixedBasisFactor(X, 4, 3)).toBeNull();
  });
});

describe('fixed basis maps', () => {
  const n = 300;
  const p = 4;
  const L = fixedBasisFactor(design(n), n, p)!;

  it('θ = Lᵀ b and b = L⁻ᵀ θ are inverse (in place, at an offset)', () => {
    const x = new Float64Array([9, 0.3, -1.2, 2.5, 0.7, 9]);
    const b = x.slice(1, 5);
    fixedToBasis(L, p, x, 1);
    // θ_i = Σ_k L_ki b_k
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += L[k * p + i] * b[k];
      expect(x[1 + i]).toBeCloseTo(s, 13);
    }
    basisToFixed(L, p, x, 1);
    for (let i = 0; i < p; i++) expect(x[1 + i]).toBeCloseTo(b[i], 13);
    expect([x[0], x[5]]).toEqual([9, 9]);
  });

  it('the gradient pull-back is L⁻¹ g (b = L⁻ᵀ θ gives ∂f/∂θ = L⁻¹ ∂f/∂b), checked by multiplying back', () => {
    const g = new Float64Array([0.4, -2, 1.5, 3]);
    const pulled = g.slice();
    pullBackFixedGradient(L, p, pulled, 0);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += L[i * p + k] * pulled[k];
      expect(s).toBeCloseTo(g[i], 12);
    }
  });

  it('log |∂b/∂θ| = −log det L', () => {
    let det = 1;
    for (let j = 0; j < p; j++) det *= L[j * p + j];
    expect(fixedBasisLogJacobian(L, p)).toBeCloseTo(-Math.log(det), 13);
  });
});

describe('fixed basis in the coordinate map', () => {
  it('log density in θ = log density in b at b = L⁻ᵀ θ plus log|∂b/∂θ|; gradient matches finite differences', async () => {
    const plain = randomSpec('crossed', { n: 800, seed: 4 });
    const p = plain.fixed.names.length;
    const L = fixedBasisFactor(plain.fixed.X, plain.n, p)!;
    const spec = { ...plain, fixedBasis: L };
    const mapped = await createBackend('reference', spec);
    const reference = await createReferenceBackend(centeredSpec(spec));
    const theta = new Float64Array(spec.dim);
    const rng = new Rng(8, 1);
    for (let j = 0; j < spec.dim; j++) theta[j] = 0.4 * rng.normal();
    const b = theta.slice();
    basisToFixed(L, p, b, 0);
    const lpMapped = new Float64Array(1);
    const gMapped = new Float64Array(spec.dim);
    const lpPlain = new Float64Array(1);
    const gPlain = new Float64Array(spec.dim);
    await mapped.logDensityGradient(theta, 1, lpMapped, gMapped);
    await reference.logDensityGradient(b, 1, lpPlain, gPlain);
    expect(relDiff(lpMapped[0], lpPlain[0] + fixedBasisLogJacobian(L, p))).toBeLessThan(1e-13);
    // the varying terms' coordinates are untouched by the basis
    for (let j = p; j < spec.dim; j++) expect(relDiff(gMapped[j], gPlain[j])).toBeLessThan(1e-12);
    const err = await maxFiniteDifferenceError(spec, (q, c, lp, g) => mapped.logDensityGradient(q, c, lp, g), theta, gMapped);
    expect(err).toBeLessThan(1e-6);
    await mapped.dispose();
    await reference.dispose();
  });

  it('constrain and unconstrain are inverse with the basis and folded terms (Hillstrom crossed, simulated)', () => {
    const { frame } = builtinDataset('hillstrom', 1, 3000);
    // log sds (not --sd-scale signed, whose negative v unconstrain returns as its positive preimage): this test is about
    // the basis and the folds
    const { spec } = buildModel(frame, HILLSTROM_FORMULAS.crossed, { priors: HILLSTROM_PRIORS.crossed, sdScale: 'log' });
    expect(spec.fixedBasis).toBeInstanceOf(Float64Array);
    expect(spec.terms.some((t) => (t.foldColumn ?? -1) >= 0)).toBe(true);
    const rng = new Rng(2, 3);
    const theta = new Float64Array(spec.dim);
    for (let j = 0; j < spec.dim; j++) theta[j] = 0.5 * rng.normal();
    const out = new Float64Array(constrainedDim(spec));
    constrain(spec, theta, out);
    // the constrained fixed effects are b = L⁻ᵀ θ, then unfolded: the natural-basis spec gives the same values
    // from the folded coefficients
    const natural = buildModel(frame, HILLSTROM_FORMULAS.crossed, { priors: HILLSTROM_PRIORS.crossed, fixedBasis: 'natural', sdScale: 'log' }).spec;
    const folded = theta.slice();
    basisToFixed(spec.fixedBasis!, spec.fixed.names.length, folded, 0);
    const outNatural = new Float64Array(constrainedDim(natural));
    constrain(natural, folded, outNatural);
    for (let v = 0; v < out.length; v++) expect(relDiff(out[v], outNatural[v])).toBeLessThan(1e-12);
    const back = new Float64Array(spec.dim);
    unconstrain(spec, out, back);
    for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - theta[j])).toBeLessThan(1e-12);
  });

  it('pointwise log-likelihood is the same in either basis at the same constrained values', async () => {
    const { frame } = builtinDataset('hillstrom', 1, 2000);
    const qr = buildModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical }).spec;
    const natural = buildModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical, fixedBasis: 'natural' }).spec;
    const rng = new Rng(4, 4);
    const thetaQr = new Float64Array(qr.dim);
    for (let j = 0; j < qr.dim; j++) thetaQr[j] = 0.3 * rng.normal();
    const values = new Float64Array(constrainedDim(qr));
    constrain(qr, thetaQr, values);
    const thetaNatural = new Float64Array(natural.dim);
    unconstrain(natural, values, thetaNatural);
    const a = await createBackend('reference', qr);
    const b = await createBackend('reference', natural);
    const outA = new Float64Array(qr.n);
    const outB = new Float64Array(natural.n);
    await a.pointwiseLogLik(thetaQr, 1, 0, qr.n, outA);
    await b.pointwiseLogLik(thetaNatural, 1, 0, natural.n, outB);
    for (let i = 0; i < qr.n; i++) expect(relDiff(outA[i], outB[i])).toBeLessThan(1e-11);
    await a.dispose();
    await b.dispose();
  });
});

describe('fixed basis and the sampler', () => {
  it('on correlated columns, the diagonal metric in the QR basis needs less than half the gradients per draw it needs in the natural basis', async () => {
    const frame = correlatedFrame(1000);
    const opts = { backend: 'reference' as const, chains: 2, warmup: 300, draws: 200, seed: 2, metric: 'diag' as const };
    const qr = await fitModel(frame, 'y ~ a + b + x', opts);
    const natural = await fitModel(frame, 'y ~ a + b + x', { ...opts, fixedBasis: 'natural' });
    await qr.dispose();
    await natural.dispose();
    console.log(`gradients per draw, diag metric: QR basis ${gradientsPerDraw(qr).toFixed(2)}, natural ${gradientsPerDraw(natural).toFixed(2)}`);
    expect(gradientsPerDraw(natural)).toBeGreaterThan(2 * gradientsPerDraw(qr));
    // and the posterior is the same: the means of the two fits (each with a Monte Carlo error of a few percent of a
    // posterior sd at these draws) agree within half a posterior sd
    for (const name of ['b_Intercept', 'b_a', 'b_b', 'b_x']) {
      const mean = (f: typeof qr): [number, number] => {
        const v = f.draws.names.indexOf(name);
        const m = f.draws.nChains * f.draws.nDraws;
        const xs = f.draws.values.subarray(v * m, (v + 1) * m);
        const mu = xs.reduce((s, x) => s + x, 0) / m;
        const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mu) ** 2, 0) / (m - 1));
        return [mu, sd];
      };
      const [m1, s1] = mean(qr);
      const [m2] = mean(natural);
      expect(Math.abs(m1 - m2)).toBeLessThan(0.5 * s1);
    }
  });
});
