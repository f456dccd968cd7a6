// offset(...) in formulas: grammar and errors, the recipe (recomputed on new rows), the log density with the offset
// (closed form: the poisson log-likelihood written out), the pinned-column map around a backend
// (src/backend/offset-column.ts) against the density that adds the offset itself, central finite differences, and a
// fit on simulated exposure data recovering the known rate.
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backend/select.js';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { offsetColumnSpec, wrapOffset } from '../../src/backend/offset-column.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { linearPredictorBlock } from '../../src/decision/scoring-eta.js';
import { type ScoringModel } from '../../src/decision/scoring-model.js';
import { LinearPredictor } from '../../src/decision/linear-predictor.js';
import { segmentRateDraws } from '../../src/decision/effects.js';
import { poisson } from '../../src/data/simulate/draw.js';
import { fitModel } from '../../src/fit/fit.js';
import { buildModel } from '../../src/model/build.js';
import { ModelDensity } from '../../src/model/density.js';
import { familyModule } from '../../src/model/families/index.js';
import { parseFormula } from '../../src/model/formula/parser.js';
import { modelTerms } from '../../src/model/formula/terms.js';
import { logFactorial } from '../../src/model/log-choose.js';
import { applyRecipe } from '../../src/model/recipe.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { cat, frame, num } from '../helpers/frames.js';

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
}

/** n rows of exposure counts: y ~ Poisson(exposure · exp(−1 + 0.5 x + r_g)), g with 4 levels. */
function exposureFrame(n: number, seed = 11) {
  const rng = new Rng(seed, 0);
  const x: number[] = [];
  const e: number[] = [];
  const y: number[] = [];
  const g: string[] = [];
  const r = [0.3, -0.2, 0.1, -0.4];
  for (let i = 0; i < n; i++) {
    x.push(rng.normal());
    e.push(0.5 + 8 * rng.uniform());
    g.push(`g${i % 4}`);
    y.push(poisson(rng, e[i] * Math.exp(-1 + 0.5 * x[i] + r[i % 4])));
  }
  return frame(num('y', y), num('x', x), num('exposure', e), cat('g', g));
}

describe('offset() in the formula grammar', () => {
  it('parses offset(log(exposure)) and offset(col) as offsets, not terms', () => {
    const t = modelTerms(parseFormula('y ~ x + offset(log(exposure)) + offset(base)'));
    expect(t.offsets.map((o) => o.v.kind)).toEqual(['log', 'column']);
    expect(t.fixed.products.map((p) => p.factors.length)).toEqual([1]);
    expect(t.offsets[0].span).toEqual({ start: 9, end: 30 });
  });

  it.each([
    ['y ~ x:offset(e)', 7, 'an offset cannot be part of an interaction'],
    ['y ~ x * offset(e)', 9, 'an offset cannot be part of a product'],
    ['y ~ (x + offset(e))', 10, 'an offset cannot be inside parentheses'],
    ['y ~ x + (offset(e) | g)', 10, 'an offset cannot be part of a varying term'],
    ['y ~ x + offset(e) - offset(e)', 19, "an offset cannot be removed with '-'"],
    ['y ~ x + offset(e) + offset(e)', 21, 'offset(e) appears twice (also at position 9)'],
    ['y ~ x + offset()', 16, 'offset() needs a column'],
    ['y ~ x + offset(e, 2)', 17, 'offset() takes one column'],
    ['y ~ log(offset(e))', 9, "offset() is a term of its own, added with '+'"],
    ['y ~ x + offset(y)', 16, "the outcome 'y' cannot also be a predictor"],
  ])('%s: error at position %i', (formula, position, message) => {
    const msg = errorOf(() => modelTerms(parseFormula(formula)));
    expect(msg).toContain(`position ${position}:`);
    expect(msg).toContain(message);
  });

  it('refuses a categorical or multi-column offset at its position', () => {
    const f = frame(num('y', [1, 2, 3]), num('x', [0.1, 0.5, 0.9]), cat('g', ['a', 'b', 'a']));
    expect(errorOf(() => buildModel(f, 'y ~ x + offset(g)', { family: 'poisson' }))).toContain(
      "position 16: offset() of categorical column 'g'",
    );
    expect(errorOf(() => buildModel(f, 'y ~ 1 + offset(poly(x, 2))', { family: 'poisson' }))).toContain('position 16:');
  });

  it('log of a non-positive exposure is one line naming the term, the value and the row', () => {
    const f = frame(num('y', [1, 2, 3]), num('x', [0.1, 0.5, 0.9]), num('exposure', [2, 0, 1]));
    const msg = errorOf(() => buildModel(f, 'y ~ x + offset(log(exposure))', { family: 'poisson' }));
    expect(msg).toBe("formula term 'log(exposure)' at position 16: log of 0 at test frame, row 2; log() needs positive values");
  });
});

describe('offset in the model', () => {
  const f = exposureFrame(300);
  const built = buildModel(f, 'y ~ x + offset(log(exposure))', { family: 'poisson', fixedBasis: 'natural' });
  const { spec } = built;

  it('is o = log(exposure) per row, not a parameter, and is recorded in the recipe', () => {
    expect(spec.fixed.names).toEqual(['Intercept', 'x']);
    expect(spec.dim).toBe(2);
    const e = (f.columns.get('exposure') as { values: Float64Array }).values;
    for (let i = 0; i < 300; i += 37) expect(spec.offset![i]).toBe(Math.log(e[i]));
    expect(built.recipe.offsets).toEqual([1]);
    expect(built.recipe.variables[1].label).toBe('log(exposure)');
    expect(built.notes[0]).toContain('offset log(exposure) (coefficient 1)');
  });

  it('the default intercept prior is centred on log mean(y) less the mean offset', () => {
    const plain = buildModel(f, 'y ~ x', { family: 'poisson' });
    let mean = 0;
    for (let i = 0; i < 300; i++) mean += spec.offset![i] / 300;
    const centre = (s: ModelSpec) => s.fixed.priors[0].params[1];
    expect(centre(spec)).toBeCloseTo(centre(plain.spec) - mean, 2);
  });

  it('the log density is the poisson log-likelihood with η = log(exposure) + a + b x, plus the priors', () => {
    const density = new ModelDensity(spec);
    const theta = Float64Array.of(-0.8, 0.4);
    const logp = new Float64Array(1);
    const grad = new Float64Array(2);
    density.logDensityGradient(theta, 1, logp, grad);
    const y = spec.y;
    const x = (f.columns.get('x') as { values: Float64Array }).values;
    let ll = 0;
    for (let i = 0; i < spec.n; i++) {
      const eta = spec.offset![i] - 0.8 + 0.4 * x[i];
      ll += y[i] * eta - Math.exp(eta) - logFactorial(y[i]);
    }
    const noOffset = new ModelDensity({ ...spec, offset: null });
    const lp0 = new Float64Array(1);
    noOffset.logDensityGradient(theta, 1, lp0, new Float64Array(2));
    let ll0 = 0;
    for (let i = 0; i < spec.n; i++) {
      const eta = -0.8 + 0.4 * x[i];
      ll0 += y[i] * eta - Math.exp(eta) - logFactorial(y[i]);
    }
    // the priors are the same in both: the difference is the likelihoods' difference
    expect(logp[0] - lp0[0]).toBeCloseTo(ll - ll0, 8);
    const pointwise = new Float64Array(spec.n);
    density.pointwiseLogLik(theta, 1, 0, spec.n, pointwise);
    expect(pointwise.reduce((s, v) => s + v, 0)).toBeCloseTo(ll, 8);
  });

  it('the posterior linear predictor used by PPC and decisions includes the offset', () => {
    const lp = new LinearPredictor(spec);
    const eta = new Float64Array(spec.n);
    lp.evaluate(Float64Array.of(-0.8, 0.4), eta);
    const x = (f.columns.get('x') as { values: Float64Array }).values;
    expect(eta[5]).toBeCloseTo(spec.offset![5] - 0.8 + 0.4 * x[5], 14);
  });
});

describe('the pinned offset column around a backend (src/backend/offset-column.ts)', () => {
  const f = exposureFrame(400);
  const cases: [string, string, Record<string, 'centered' | 'noncentered' | 'split'>][] = [
    ['pooled', 'y ~ x + offset(log(exposure))', {}],
    ['non-centered', 'y ~ x + offset(log(exposure)) + (1 + x | g)', { g: 'noncentered' }],
    ['split, folded', 'y ~ x + offset(log(exposure)) + (1 | g)', { g: 'split' }],
  ];
  for (const [name, formula, param] of cases) {
    it(`the whole backend stack's gradient equals central finite differences (${name})`, async () => {
      const { spec } = buildModel(f, formula, { family: 'poisson', parameterization: param });
      const backend = await createBackend('reference', spec, { maxChains: 1 });
      const rng = new Rng(5, 1);
      const pos = Float64Array.from({ length: spec.dim }, () => 0.3 * rng.normal());
      const lp = new Float64Array(1);
      const g = new Float64Array(spec.dim);
      await backend.logDensityGradient(pos, 1, lp, g);
      expect(Number.isFinite(lp[0])).toBe(true);
      const err = await maxFiniteDifferenceError(spec, (p, n, l, gr) => backend.logDensityGradient(p, n, l, gr), pos, g);
      expect(err).toBeLessThan(1e-6);
      await backend.dispose();
    });
  }

  it('the map drops the pinned coefficient: logp equals the plain density, gradient the plain gradient', async () => {
    const { spec } = buildModel(f, 'y ~ x + offset(log(exposure)) + (1 | g)', { family: 'poisson', parameterization: { g: 'centered' }, fixedBasis: 'natural' });
    const inner = offsetColumnSpec(spec);
    expect(inner.dim).toBe(spec.dim + 1);
    expect(inner.terms[0].sdIndex).toBe(spec.terms[0].sdIndex + 1);
    expect(inner.fixed.names).toEqual(['Intercept', 'x', '(offset)']);
    const wrapped = wrapOffset(spec, await createReferenceBackend(inner), { maxChains: 2 });
    const rng = new Rng(9, 0);
    const pos = Float64Array.from({ length: 2 * spec.dim }, () => 0.5 * rng.normal());
    const lp = new Float64Array(2);
    const g = new Float64Array(2 * spec.dim);
    await wrapped.logDensityGradient(pos, 2, lp, g);
    const lp0 = new Float64Array(2);
    const g0 = new Float64Array(2 * spec.dim);
    new ModelDensity(spec).logDensityGradient(pos, 2, lp0, g0);
    for (let c = 0; c < 2; c++) expect(lp[c]).toBeCloseTo(lp0[c], 9);
    for (let j = 0; j < g.length; j++) expect(g[j]).toBeCloseTo(g0[j], 9);
    const pw = new Float64Array(2 * 60);
    const pw0 = new Float64Array(2 * 60);
    await wrapped.pointwiseLogLik(pos, 2, 30, 60, pw);
    new ModelDensity(spec).pointwiseLogLik(pos, 2, 30, 60, pw0);
    for (let k = 0; k < pw.length; k++) expect(pw[k]).toBeCloseTo(pw0[k], 11);
    // and the offset matters: without it the density differs
    const lpPlain = new Float64Array(2);
    new ModelDensity({ ...spec, offset: null }).logDensityGradient(pos, 2, lpPlain, new Float64Array(2 * spec.dim));
    expect(Math.abs(lpPlain[0] - lp0[0])).toBeGreaterThan(1);
  });

  const addon = loadNativeAddon();
  /** A bernoulli model with an offset and a varying intercept, n rows. */
  function bernoulliOffset(n: number) {
    const rng = new Rng(21, 0);
    const x: number[] = [];
    const o: number[] = [];
    const y: number[] = [];
    const g: string[] = [];
    for (let i = 0; i < n; i++) {
      x.push(rng.normal());
      o.push(rng.normal() * 0.5);
      g.push(`g${i % 3}`);
      y.push(rng.uniform() < 1 / (1 + Math.exp(-(o[i] - 0.5 + x[i]))) ? 1 : 0);
    }
    const fr = frame(num('y', y), num('x', x), num('o', o), cat('g', g));
    return { spec: buildModel(fr, 'y ~ x + offset(o) + (1 | g)', {}).spec, rng };
  }

  it.skipIf(!addon)('native kernels through the map agree with the reference (bernoulli with an offset)', async () => {
    const n = 500;
    const { spec, rng } = bernoulliOffset(n);
    const chains = 4;
    const pos = Float64Array.from({ length: chains * spec.dim }, () => 0.4 * rng.normal());
    const results = [];
    for (const kind of ['reference', 'native'] as const) {
      const b = await createBackend(kind, spec, { maxChains: chains, threads: 1 });
      const lp = new Float64Array(chains);
      const gr = new Float64Array(chains * spec.dim);
      await b.logDensityGradient(pos, chains, lp, gr);
      const pw = new Float64Array(chains * n);
      await b.pointwiseLogLik(pos, chains, 0, n, pw);
      results.push({ lp, gr, pw });
      await b.dispose();
    }
    const [ref, nat] = results;
    for (let c = 0; c < chains; c++) expect(Math.abs(nat.lp[c] - ref.lp[c]) / Math.abs(ref.lp[c])).toBeLessThan(1e-10);
    for (let j = 0; j < ref.gr.length; j++) expect(nat.gr[j]).toBeCloseTo(ref.gr[j], 8);
    for (let k = 0; k < ref.pw.length; k++) expect(nat.pw[k]).toBeCloseTo(ref.pw[k], 10);
  });

  it('WebGPU kernels (f32) through the map agree with the reference to 1e-5 (1 and 4 chains)', async (ctx) => {
    const n = 500;
    const { spec, rng } = bernoulliOffset(n);
    let gpu;
    try {
      gpu = await createBackend('webgpu', spec, { maxChains: 4, maxDraws: 4 });
    } catch (e) {
      console.warn(`NOTICE: WebGPU offset parity skipped: ${(e as Error).message}`);
      ctx.skip();
      return;
    }
    const ref = await createBackend('reference', spec, { maxChains: 4 });
    try {
      for (const chains of [1, 4]) {
        const pos = Float64Array.from({ length: chains * spec.dim }, () => 0.4 * rng.normal());
        const out = [gpu, ref].map(() => ({ lp: new Float64Array(chains), gr: new Float64Array(chains * spec.dim), pw: new Float64Array(chains * n) }));
        for (const [k, b] of [gpu, ref].entries()) {
          await b.logDensityGradient(pos, chains, out[k].lp, out[k].gr);
          await b.pointwiseLogLik(pos, chains, 0, n, out[k].pw);
        }
        const [g, r] = out;
        for (let c = 0; c < chains; c++) expect(Math.abs(g.lp[c] - r.lp[c]) / Math.abs(r.lp[c])).toBeLessThan(1e-5);
        let num = 0;
        let den = 0;
        for (let j = 0; j < r.gr.length; j++) {
          num += (g.gr[j] - r.gr[j]) ** 2;
          den += r.gr[j] ** 2;
        }
        expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
        let pnum = 0;
        let pden = 0;
        for (let k = 0; k < r.pw.length; k++) {
          pnum += (g.pw[k] - r.pw[k]) ** 2;
          pden += r.pw[k] ** 2;
        }
        expect(Math.sqrt(pnum / pden)).toBeLessThan(1e-5);
      }
    } finally {
      await gpu.dispose();
      await ref.dispose();
    }
  });
});

describe('offset in segment summaries', () => {
  it('a segment rate at average covariates includes the segment mean offset', () => {
    const f = frame(num('y', [0, 1, 1, 0]), num('x', [1, 2, 3, 5]), num('o', [0.5, -0.5, 1, 2]), cat('s', ['a', 'a', 'b', 'b']));
    const { spec } = buildModel(f, 'y ~ x + offset(o)', {});
    const draws = { names: ['b_Intercept', 'b_x'], nChains: 1, nDraws: 1, values: Float64Array.of(-1, 0.25) };
    const rates = segmentRateDraws(spec, draws, { name: 's', codes: Uint32Array.of(0, 0, 1, 1), levels: ['a', 'b'] });
    const sigmoid = (e: number) => 1 / (1 + Math.exp(-e));
    expect(rates[0][0]).toBeCloseTo(sigmoid(-1 + 0.25 * 1.5 + 0), 14);
    expect(rates[1][0]).toBeCloseTo(sigmoid(-1 + 0.25 * 4 + 1.5), 14);
  });
});

describe('offset when scoring new rows', () => {
  it('the recipe recomputes log(exposure) from the new rows and the linear predictor adds it', () => {
    const train = exposureFrame(200);
    const { recipe } = buildModel(train, 'y ~ x + offset(log(exposure))', { family: 'poisson' });
    const fresh = frame(num('y', [0, 0]), num('x', [0.5, -1]), num('exposure', [3, 40]));
    // the recipe as fit.json stores it
    const design = applyRecipe(JSON.parse(JSON.stringify(recipe)), fresh);
    expect(Array.from(design.offset!)).toEqual([Math.log(3), Math.log(40)]);
    // two draws of (Intercept, x): η = log(exposure) + a + b·x
    const model: ScoringModel = { recipe, nDraws: 2, b: Float64Array.of(-1, 0.5, -0.9, 0.6), r: [], treatment: null, family: familyModule('poisson'), aux: [], spreads: [] };
    const eta = new Float64Array(4);
    linearPredictorBlock(model, design, 0, 2, eta);
    expect(eta[0]).toBeCloseTo(Math.log(3) - 1 + 0.25, 14);
    expect(eta[1]).toBeCloseTo(Math.log(3) - 0.9 + 0.3, 14);
    expect(eta[3]).toBeCloseTo(Math.log(40) - 0.9 - 0.6, 14);
    const bad = frame(num('y', [0, 0]), num('x', [0.5, -1]), num('exposure', [3, -2]));
    expect(errorOf(() => applyRecipe(recipe, bad))).toBe("formula term 'log(exposure)': log of -2 at test frame, row 2; log() needs positive values");
  });

  it('a model without an offset has a null design offset (old recipes replay unchanged)', () => {
    const { recipe } = buildModel(exposureFrame(50), 'y ~ x', { family: 'poisson' });
    expect(recipe.offsets).toBeUndefined();
    expect(applyRecipe(recipe, exposureFrame(10)).offset).toBeNull();
  });
});

describe('poisson with offset(log(exposure)) recovers the rate', () => {
  it('posterior means of b_x and of each group log rate within 4 posterior sd of the truth', async () => {
    const f = exposureFrame(1500, 4);
    const fit = await fitModel(f, 'y ~ x + offset(log(exposure)) + (1 | g)', {
      family: 'poisson',
      backend: 'reference',
      chains: 2,
      warmup: 300,
      draws: 300,
      seed: 3,
    });
    const { draws } = fit;
    const S = draws.nChains * draws.nDraws;
    const stats = (name: string) => {
      const v = draws.names.indexOf(name);
      const xs = draws.values.subarray(v * S, (v + 1) * S);
      const m = xs.reduce((s, a) => s + a, 0) / S;
      const sd = Math.sqrt(xs.reduce((s, a) => s + (a - m) ** 2, 0) / (S - 1));
      return { m, sd };
    };
    const b = stats('b_x');
    expect(Math.abs(b.m - 0.5)).toBeLessThan(4 * b.sd);
    expect(b.sd).toBeLessThan(0.05);
    // the rate per unit exposure of group k: exp(Intercept + r_k); true exp(−1 + r_k)
    const truth = [0.3, -0.2, 0.1, -0.4];
    const a = draws.names.indexOf('b_Intercept');
    for (let k = 0; k < 4; k++) {
      const r = draws.names.indexOf(`r_g__Intercept[${k + 1}]`);
      const xs = Float64Array.from({ length: S }, (_, s) => draws.values[a * S + s] + draws.values[r * S + s]);
      const m = xs.reduce((s, v) => s + v, 0) / S;
      const sd = Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / (S - 1));
      expect(Math.abs(m - (-1 + truth[k]))).toBeLessThan(4 * sd);
    }
    await fit.dispose();
  }, 120_000);
});
