/**
 * The families' per-row log-likelihoods against their closed forms, their derivatives against central finite
 * differences, their stability at extreme η, and the whole model with an auxiliary parameter and a varying intercept
 * against finite differences; outcome-support errors name the row.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backend/select.js';
import { chainDraws } from '../../src/draws.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { UserError } from '../../src/errors.js';
import { buildModel } from '../../src/model/build.js';
import { familyModule } from '../../src/model/families/index.js';
import type { FamilyRows } from '../../src/model/families/family.js';
import type { Family } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';

const rowsOf = (y: number[]): FamilyRows => ({ y: Float64Array.from(y), trials: null, logChoose: null });
const logFact = (m: number): number => {
  let s = 0;
  for (let k = 2; k <= m; k++) s += Math.log(k);
  return s;
};
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

describe('family log-likelihoods against closed forms', () => {
  it('gaussian: −½ log(2πσ²) − (y − μ)²/(2σ²)', () => {
    const f = familyModule('gaussian');
    const rows = rowsOf([1.3, -4, 250]);
    for (const [i, eta, sigma] of [[0, 0.2, 0.7], [1, -3.1, 2], [2, 240, 15]] as const) {
      const closed = -0.5 * Math.log(2 * Math.PI * sigma * sigma) - (rows.y[i] - eta) ** 2 / (2 * sigma * sigma);
      expect(Math.abs(f.logLik(rows, i, eta, [sigma]) - closed)).toBeLessThan(1e-12 * Math.max(1, Math.abs(closed)));
    }
  });

  it('lognormal: the normal density of log y, minus log y', () => {
    const f = familyModule('lognormal');
    const rows = rowsOf([0.4, 12]);
    for (const [i, eta, sigma] of [[0, -1, 0.5], [1, 2.2, 1.3]] as const) {
      const ly = Math.log(rows.y[i]);
      const closed = -HALF_LOG_2PI - Math.log(sigma) - (ly - eta) ** 2 / (2 * sigma * sigma) - ly;
      expect(Math.abs(f.logLik(rows, i, eta, [sigma]) - closed)).toBeLessThan(1e-12 * Math.max(1, Math.abs(closed)));
    }
  });

  it('poisson: y·η − e^η − log y!', () => {
    const f = familyModule('poisson');
    const rows = rowsOf([0, 3, 17, 400]);
    for (const [i, eta] of [[0, 1.5], [1, 0.3], [2, 2.8], [3, 6]] as const) {
      const y = rows.y[i];
      const closed = y * eta - Math.exp(eta) - logFact(y);
      expect(Math.abs(f.logLik(rows, i, eta, []) - closed)).toBeLessThan(1e-11 * Math.max(1, Math.abs(closed)));
    }
  });

  it('negbinomial (NB2): Γ(y + φ)/(Γ(φ) y!) (φ/(φ + μ))^φ (μ/(φ + μ))^y', () => {
    const f = familyModule('negbinomial');
    const rows = rowsOf([0, 3, 9]);
    for (const [i, eta, phi] of [[0, 0.4, 2.5], [1, 1.1, 0.8], [2, 1.7, 30]] as const) {
      const y = rows.y[i];
      const mu = Math.exp(eta);
      // Γ(y + φ)/Γ(φ) = φ(φ + 1)…(φ + y − 1), no lgamma involved
      let ratio = 1;
      for (let k = 0; k < y; k++) ratio *= phi + k;
      const closed = Math.log(ratio) - logFact(y) + phi * Math.log(phi / (phi + mu)) + y * Math.log(mu / (phi + mu));
      expect(Math.abs(f.logLik(rows, i, eta, [phi]) - closed)).toBeLessThan(1e-12 * Math.max(1, Math.abs(closed)));
    }
  });

  it('gamma (shape α, mean μ): α log α − α log μ + (α − 1) log y − α y/μ − lgamma(α)', () => {
    const f = familyModule('gamma');
    const rows = rowsOf([0.7, 5.5]);
    // Γ(3) = 2, Γ(2.5) = 1.5 · 0.5 · √π
    for (const [i, eta, alpha, lgammaAlpha] of [[0, 0.1, 3, Math.log(2)], [1, 1.4, 2.5, Math.log(0.75 * Math.sqrt(Math.PI))]] as const) {
      const y = rows.y[i];
      const mu = Math.exp(eta);
      const closed = alpha * Math.log(alpha) - alpha * Math.log(mu) + (alpha - 1) * Math.log(y) - (alpha * y) / mu - lgammaAlpha;
      expect(Math.abs(f.logLik(rows, i, eta, [alpha]) - closed)).toBeLessThan(1e-12 * Math.max(1, Math.abs(closed)));
    }
  });
});

describe('the probit link', () => {
  it('bernoulli/binomial probit: log C(n, y) + y log Φ(η) + (n − y) log Φ(−η), with tabulated Φ', () => {
    const f = familyModule('bernoulli', 'probit');
    const rows = rowsOf([1, 0, 1]);
    // Φ(1) and Φ(−1) from R's pnorm; Φ(−5)
    expect(Math.abs(f.logLik(rows, 0, 1, []) - Math.log(0.8413447460685429))).toBeLessThan(1e-14);
    expect(Math.abs(f.logLik(rows, 1, 1, []) - Math.log(0.15865525393145707))).toBeLessThan(1e-14);
    expect(Math.abs(f.logLik(rows, 2, -5, []) - Math.log(2.866515718791939e-7))).toBeLessThan(1e-12);
    const b = familyModule('binomial', 'probit');
    const brows: FamilyRows = { y: Float64Array.of(3), trials: Float64Array.of(7), logChoose: Float64Array.of(Math.log(35)) };
    const closed = Math.log(35) + 3 * Math.log(0.8413447460685429) + 4 * Math.log(0.15865525393145707);
    expect(Math.abs(b.logLik(brows, 0, 1, []) - closed)).toBeLessThan(1e-13);
    expect(() => familyModule('gaussian', 'probit')).toThrow(/no probit link/);
  });

  it('derivatives against finite differences, finite far in both tails', () => {
    for (const family of ['bernoulli', 'binomial'] as const) {
      const f = familyModule(family, 'probit');
      const rows: FamilyRows = family === 'bernoulli'
        ? { y: Float64Array.of(1, 0, 1, 0), trials: null, logChoose: null }
        : { y: Float64Array.of(2, 0, 5, 1), trials: Float64Array.of(5, 3, 5, 4), logChoose: null };
      for (let i = 0; i < 4; i++) {
        for (const eta of [-38, -8, -3, -0.4, 0, 1.7, 3, 9, 38]) {
          const ll = f.logLik(rows, i, eta, []);
          expect(Number.isFinite(ll)).toBe(true);
          const h = 1e-5 * Math.max(1, Math.abs(eta));
          const fd = (f.logLik(rows, i, eta + h, []) - f.logLik(rows, i, eta - h, [])) / (2 * h);
          const d = f.dEta(rows, i, eta, []);
          expect(Math.abs(fd - d), `${family} row ${i} η ${eta}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(d)));
          const fd2 = (f.dEta(rows, i, eta + h, []) - f.dEta(rows, i, eta - h, [])) / (2 * h);
          const d2 = f.d2Eta(rows, i, eta, []);
          expect(Math.abs(fd2 - d2), `${family} row ${i} η ${eta}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(d2)));
        }
      }
    }
  });

  it('whole bernoulli probit model with a varying intercept: gradient against finite differences; link recorded', async () => {
    const frame = familyFrame('poisson', 80, 9);
    const y = frame.columns.get('y');
    if (!y || y.kind !== 'numeric') throw new Error('numeric y expected');
    const binary = new Float64Array(y.values.length);
    for (let i = 0; i < binary.length; i++) binary[i] = y.values[i] > 1 ? 1 : 0;
    const bframe = frameFromColumns([numericColumn('y', binary), frame.columns.get('x')!, frame.columns.get('g')!], 'probit frame');
    for (const param of ['centered', 'noncentered', 'split'] as const) {
      const model = buildModel(bframe, 'y ~ x + (1 | g)', { link: 'probit', parameterization: { g: param } });
      expect(model.spec.link).toBe('probit');
      expect(model.recipe.link).toBe('probit');
      const backend = await createBackend('reference', model.spec);
      const rng = new Rng(4, 0);
      const pos = new Float64Array(model.spec.dim);
      for (let j = 0; j < pos.length; j++) pos[j] = 0.5 * rng.normal();
      const lp = new Float64Array(1);
      const grad = new Float64Array(model.spec.dim);
      await backend.logDensityGradient(pos, 1, lp, grad);
      expect(await maxFiniteDifferenceError(model.spec, backend.logDensityGradient.bind(backend), pos, grad)).toBeLessThan(1e-6);
      await backend.dispose();
    }
    expect(() => buildModel(bframe, 'y ~ x', { family: 'gaussian', link: 'probit' })).toThrow(/link 'probit' is not available for family gaussian; use identity/);
  });
});

/** Rows, η and aux values to differentiate at, per family, including extreme η. */
const POINTS: Record<Exclude<Family, 'bernoulli' | 'binomial'>, { y: number[]; eta: number[]; aux: number[][] }> = {
  gaussian: { y: [1.3, -20, 0], eta: [0.5, -19, 30], aux: [[0.8], [5], [0.05]] },
  lognormal: { y: [0.4, 12, 1e-6], eta: [-1, 2, -12], aux: [[0.5], [1.3], [3]] },
  poisson: { y: [0, 4, 60], eta: [-30, 1.2, 4.5], aux: [[], [], []] },
  // the last two rows: shape 1e9, data nearly Poisson, where lgamma(y + φ) − lgamma(φ) would cancel ~9 digits
  negbinomial: { y: [0, 5, 300, 3, 17], eta: [-40, 1.3, 40, 0.8, 2.5], aux: [[0.3], [7], [1e4], [1e9], [1e9]] },
  gamma: { y: [0.02, 3, 900], eta: [-30, 1.1, 35], aux: [[0.5], [4], [120]] },
};

describe('family derivatives against central finite differences', () => {
  for (const [name, pts] of Object.entries(POINTS)) {
    it(`${name}: d/dη, d²/dη² and d/d aux to 1e-6 relative; finite at extreme η`, () => {
      const f = familyModule(name as Family);
      const rows = rowsOf(pts.y);
      pts.y.forEach((_, i) => {
        const eta = pts.eta[i];
        const aux = pts.aux[i];
        const ll = f.logLik(rows, i, eta, aux);
        expect(Number.isFinite(ll)).toBe(true);
        const h = 1e-5 * Math.max(1, Math.abs(eta));
        const fd = (f.logLik(rows, i, eta + h, aux) - f.logLik(rows, i, eta - h, aux)) / (2 * h);
        const d = f.dEta(rows, i, eta, aux);
        expect(Math.abs(fd - d)).toBeLessThan(1e-6 * Math.max(1, Math.abs(d), Math.abs(ll) * 1e-3));
        const fd2 = (f.dEta(rows, i, eta + h, aux) - f.dEta(rows, i, eta - h, aux)) / (2 * h);
        const d2 = f.d2Eta(rows, i, eta, aux);
        expect(Math.abs(fd2 - d2)).toBeLessThan(1e-6 * Math.max(1, Math.abs(d2)));
        for (let a = 0; a < aux.length; a++) {
          const k = 1e-5 * aux[a];
          const up = aux.slice();
          const down = aux.slice();
          up[a] += k;
          down[a] -= k;
          const fda = (f.logLik(rows, i, eta, up) - f.logLik(rows, i, eta, down)) / (2 * k);
          const da = f.dAux(rows, i, eta, aux, a);
          expect(Math.abs(fda - da)).toBeLessThan(1e-6 * Math.max(1 / aux[a], Math.abs(da)));
        }
        // the block form agrees with the row functions
        const dEta = new Float64Array(1);
        const gAux = new Float64Array(aux.length);
        const one = rowsOf([pts.y[i]]);
        expect(f.logLikBlock(one, Float64Array.of(eta), 0, 1, aux, dEta, gAux)).toBe(ll);
        expect(dEta[0]).toBe(d);
        for (let a = 0; a < aux.length; a++) expect(gAux[a]).toBe(f.dAux(one, 0, eta, aux, a));
      });
    });
  }
});

function familyFrame(family: Family, n: number, seed: number) {
  const rng = new Rng(seed, 0);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const g = new Uint32Array(n);
  const effects = [-0.3, 0.1, 0.25, -0.05];
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    g[i] = i % 4;
    const eta = 0.4 + 0.3 * x[i] + effects[g[i]];
    if (family === 'gaussian') y[i] = eta + 0.5 * rng.normal();
    else if (family === 'lognormal') y[i] = Math.exp(eta + 0.5 * rng.normal());
    else if (family === 'gamma') y[i] = Math.exp(eta) * (0.5 + rng.uniform());
    else y[i] = Math.floor(Math.exp(eta) * 2 * rng.uniform());
  }
  return frameFromColumns(
    [numericColumn('y', y), numericColumn('x', x), categoricalColumn('g', g, ['a', 'b', 'c', 'd'])],
    'family test frame',
  );
}

describe('the whole model with an auxiliary parameter and a varying intercept', () => {
  for (const family of ['gaussian', 'poisson', 'negbinomial', 'gamma', 'lognormal'] as const) {
    it(`${family}: gradient agrees with finite differences to 1e-6 on the reference backend, every parameterization`, async () => {
      for (const param of ['centered', 'noncentered', 'split'] as const) {
        const model = buildModel(familyFrame(family, 60, 5), 'y ~ x + (1 | g)', { family, parameterization: { g: param } });
        const { spec } = model;
        expect(spec.aux?.map((a) => a.name) ?? []).toEqual(family === 'poisson' ? [] : [family === 'gaussian' || family === 'lognormal' ? 'sigma' : 'shape']);
        const backend = await createBackend('reference', spec);
        const rng = new Rng(11, 0);
        const pos = new Float64Array(spec.dim);
        for (let j = 0; j < spec.dim; j++) pos[j] = 0.5 * rng.normal();
        const lp = new Float64Array(1);
        const grad = new Float64Array(spec.dim);
        await backend.logDensityGradient(pos, 1, lp, grad);
        expect(Number.isFinite(lp[0])).toBe(true);
        expect(await maxFiniteDifferenceError(spec, backend.logDensityGradient.bind(backend), pos, grad)).toBeLessThan(1e-6);
        // the pointwise log-likelihood is finite at the same position
        const pointwise = new Float64Array(spec.n);
        await backend.pointwiseLogLik(pos, 1, 0, spec.n, pointwise);
        expect(pointwise.every(Number.isFinite)).toBe(true);
        await backend.dispose();
      }
    });
  }

  it('the pointwise log-likelihood is the family\'s row log-likelihood at the draw (gaussian, sigma from the draw)', async () => {
    const model = buildModel(familyFrame('gaussian', 20, 2), 'y ~ x', { family: 'gaussian', fixedBasis: 'natural' });
    const { spec } = model;
    const backend = await createBackend('reference', spec);
    const draw = Float64Array.of(0.3, -0.2, Math.log(0.9));
    const out = new Float64Array(spec.n);
    await backend.pointwiseLogLik(draw, 1, 0, spec.n, out);
    for (let i = 0; i < spec.n; i++) {
      const mu = 0.3 - 0.2 * spec.fixed.X[i * 2 + 1];
      const closed = -0.5 * Math.log(2 * Math.PI * 0.81) - (spec.y[i] - mu) ** 2 / (2 * 0.81);
      expect(Math.abs(out[i] - closed)).toBeLessThan(1e-12);
    }
  });
});

describe('the parameterization rule for other families', () => {
  it('uses the family\'s Fisher information per row at a crude fit (poisson: the mean count)', () => {
    const frame = familyFrame('poisson', 400, 6);
    const model = buildModel(frame, 'y ~ x + (1 | g)', { family: 'poisson' });
    const y = model.spec.y;
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    // 100 rows a level: I_k = 100 · μ̄, so the likelihood sd is 1/√(100 μ̄)
    expect(model.parameterization[0].maxLikelihoodSd).toBeCloseTo(1 / Math.sqrt(100 * mean), 12);
    expect(model.parameterization[0].priorScale).toBe(2.5);
    const gaussian = buildModel(familyFrame('gaussian', 400, 6), 'y ~ x + (1 | g)', { family: 'gaussian' });
    const gy = gaussian.spec.y;
    const gm = gy.reduce((s, v) => s + v, 0) / gy.length;
    const gv = gy.reduce((s, v) => s + (v - gm) ** 2, 0) / (gy.length - 1);
    expect(gaussian.parameterization[0].maxLikelihoodSd).toBeCloseTo(Math.sqrt(gv / 100), 12);
  });
});

describe('outcome support and priors', () => {
  const frameWith = (values: number[]) =>
    frameFromColumns([numericColumn('y', Float64Array.from(values)), numericColumn('x', Float64Array.from(values.map((_, i) => i)))], 'data.csv');
  const cases: [Family, number[], RegExp][] = [
    ['poisson', [1, 2, -1, 3], /row 3.*column "y": value -1 is negative; a count must be a whole number ≥ 0, as the poisson family requires/],
    ['negbinomial', [1, 2.5, 1], /row 2.*column "y": value 2.5 is not a whole number/],
    ['gamma', [1, 2, 0], /row 3.*column "y": value 0 is not positive; a gamma outcome must be > 0/],
    ['lognormal', [1, -2, 3], /row 2.*column "y": value -2 is not positive; a lognormal outcome must be > 0/],
    ['bernoulli', [1, 0, 2], /row 3.*column "y": value 2 is not 0 or 1/],
  ];
  for (const [family, values, message] of cases) {
    it(`${family}: an outcome outside the support is a one-line UserError naming the row`, () => {
      let error: unknown = null;
      try {
        buildModel(frameWith(values), 'y ~ x', { family });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserError);
      const text = (error as Error).message;
      expect(text).not.toContain('\n');
      expect(text).toMatch(message);
    });
  }

  it('binomial needs trials and the other families refuse them', () => {
    const frame = frameWith([1, 2, 3]);
    expect(() => buildModel(frame, 'y ~ x', { family: 'binomial' })).toThrow(/family binomial needs the trials/);
    expect(() => buildModel(frame, 'y | trials(x) ~ 1', { family: 'poisson' })).toThrow(/is for the binomial family, not poisson/);
  });

  it('sigma and shape take priors by name; defaults are data-scaled and listed', () => {
    const frame = familyFrame('gaussian', 200, 4);
    const model = buildModel(frame, 'y ~ x + (1 | g)', { family: 'gaussian', priors: ['sigma=exponential(2)'] });
    expect(model.spec.aux).toEqual([{ name: 'sigma', prior: { family: 'exponential', params: [2] }, index: model.spec.dim - 1 }]);
    const table = Object.fromEntries(model.priors.table.map((r) => [r.parameter, r]));
    expect(table.sigma.source).toBe('sigma');
    // Intercept ~ student_t(3, mean(y), 2.5 sd(y)); sd ~ halfstudent_t(3, 2.5 sd(y))
    const y = model.spec.y;
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    const sd = Math.sqrt(y.reduce((s, v) => s + (v - mean) ** 2, 0) / (y.length - 1));
    expect(table.b_Intercept.prior.family).toBe('student_t');
    expect(table.b_Intercept.prior.params[1]).toBe(Number(mean.toPrecision(4)));
    expect(table.b_Intercept.prior.params[2]).toBe(2.5 * Number(sd.toPrecision(4)));
    const x = model.spec.fixed.X.filter((_, k) => k % 2 === 1);
    const xMean = x.reduce((s, v) => s + v, 0) / x.length;
    const xSd = Math.sqrt(x.reduce((s, v) => s + (v - xMean) ** 2, 0) / (x.length - 1));
    expect(table.b_x.prior.family).toBe('normal');
    expect(Math.abs(table.b_x.prior.params[1] - (2.5 * Number(sd.toPrecision(4))) / xSd)).toBeLessThan(1e-3 * table.b_x.prior.params[1]);
    expect(table.sd_g__Intercept.prior).toEqual({ family: 'halfstudent_t', params: [3, table.b_Intercept.prior.params[2]] });
    const nb = buildModel(familyFrame('negbinomial', 100, 4), 'y ~ x', { family: 'negbinomial' });
    expect(nb.priors.table.find((r) => r.parameter === 'shape')?.prior).toEqual({ family: 'gamma', params: [0.01, 0.01] });
    expect(() => buildModel(frame, 'y ~ x', { family: 'gaussian', priors: ['sigma=normal(0, 1)'] })).toThrow(/sigma takes halfnormal/);
    expect(() => buildModel(frame, 'y ~ x', { family: 'gaussian', priors: ['shape=gamma(1, 1)'] })).toThrow(/no parameter or class 'shape'/);
  });
});

describe('the API option family', () => {
  it('fitModel(frame, formula, { family, priors: { shape } }) samples the family with its aux parameter named', async () => {
    const { fitModel, FAMILIES } = await import('../../src/index.js');
    expect(FAMILIES).toContain('negbinomial');
    const fit = await fitModel(familyFrame('negbinomial', 120, 8), 'y ~ x', {
      family: 'negbinomial',
      priors: { shape: 'exponential(0.1)' },
      backend: 'reference',
      chains: 1,
      warmup: 60,
      draws: 40,
    });
    try {
      expect(fit.model.spec.family).toBe('negbinomial');
      expect(fit.draws.names).toEqual(['b_Intercept', 'b_x', 'shape']);
      expect(fit.model.priors.table.find((r) => r.parameter === 'shape')).toEqual({
        parameter: 'shape',
        prior: { family: 'exponential', params: [0.1] },
        source: 'shape',
      });
      const shape = chainDraws(fit.draws, fit.draws.names.indexOf('shape'), 0);
      expect(shape).toHaveLength(40);
      expect(shape.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    } finally {
      await fit.dispose();
    }
  });
});

describe('layout with auxiliary parameters', () => {
  it('sigma/shape are the last unconstrained coordinates (as their log) and constrain/unconstrain round-trip', async () => {
    const { constrain, constrainedDim, constrainedNames, unconstrain, unconstrainedNames } = await import('../../src/model/layout.js');
    for (const family of ['gamma', 'lognormal'] as const) {
      for (const param of ['split', 'noncentered'] as const) {
        // log sd: a signed sd (the default for a non-centered term with a half-t prior, src/model/signed-scale.ts) comes
        // back from unconstrain as its positive preimage, so random positions would not round-trip exactly
        const { spec } = buildModel(familyFrame(family, 40, 3), 'y ~ x + (1 | g)', { family, parameterization: { g: param }, sdScale: 'log' });
        const name = family === 'gamma' ? 'shape' : 'sigma';
        expect(unconstrainedNames(spec)[spec.dim - 1]).toBe(name);
        const names = constrainedNames(spec);
        expect(names).toHaveLength(constrainedDim(spec));
        expect(names.indexOf(name)).toBe(names.findIndex((n) => n.startsWith('r_')) - 1);
        const rng = new Rng(7, 0);
        const theta = new Float64Array(spec.dim);
        for (let j = 0; j < spec.dim; j++) theta[j] = rng.normal();
        const out = new Float64Array(constrainedDim(spec));
        constrain(spec, theta, out);
        expect(out[names.indexOf(name)]).toBeCloseTo(Math.exp(theta[spec.dim - 1]), 14);
        const back = new Float64Array(spec.dim);
        unconstrain(spec, out, back);
        for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - theta[j])).toBeLessThan(1e-12);
      }
    }
  });
});
