// Folding group-level predictors (src/model/group-level-fold.ts): detection from the design matrix, the shear's
// coefficients against least squares solved independently here (normal equations by Gaussian elimination), draws in
// b space, and the backend wrapper's log density (change of variables: the plain model at the mapped point plus the
// Jacobians, log sd per split term and the QR basis's constant) and gradient (central finite differences).
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backend/select.js';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { centeredSpec, wrapSplitTerms } from '../../src/backend/split-terms.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { buildModel, type FixedBasisChoice } from '../../src/model/build.js';
import { fixedBasisLogJacobian } from '../../src/model/fixed-basis.js';
import { constrain, constrainedDim, constrainedNames, unconstrain, unconstrainedNames } from '../../src/model/layout.js';
import type { ModelSpec, Parameterization } from '../../src/model/spec.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { randomPositions, relDiff } from '../helpers/specs.js';

// 10 levels of g, 6 rows each. Per level: w (numeric), f (factor a/b/c), w2 = 2·w + 1 (a combination of w and the
// intercept); per row: x. Level 9 has f = 'a' like 0, 3, 6.
const K = 10;
const PER = 6;
const n = K * PER;
const g = Uint32Array.from({ length: n }, (_, i) => Math.floor(i / PER));
const wLevel = [0.3, -1.2, 0.8, 2.1, -0.4, 1.5, -2, 0.1, 0.9, -0.7];
const w = Float64Array.from(g, (k) => wLevel[k]);
const w2 = Float64Array.from(w, (v) => 2 * v + 1);
const f = Uint32Array.from(g, (k) => k % 3);
const x = Float64Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.3));
const y = Float64Array.from({ length: n }, (_, i) => (i * 7) % 5);
const frame = frameFromColumns(
  [
    numericColumn('y', y),
    numericColumn('w', w),
    numericColumn('w2', w2),
    numericColumn('x', x),
    categoricalColumn('f', f, ['a', 'b', 'c']),
    categoricalColumn('g', g, Array.from({ length: K }, (_, k) => `g${k}`)),
  ],
  'group-level frame',
);
const FORMULA = 'y ~ w + f + x + w:f + x:w + (1 | g)';

function build(param: Parameterization, fixedBasis: FixedBasisChoice = 'qr', formula = FORMULA): ModelSpec {
  // log sd (the default, stated): these tests take the fold's map apart, not the signed sd's (tests/backend/signed-scale.test.ts)
  return buildModel(frame, formula, { family: 'poisson', parameterization: { g: param }, fixedBasis, sdScale: 'log' }).spec;
}

/** Solves A c = b (d × d, row-major) by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const d = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < d; c++) {
    let piv = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < d; r++) {
      const m = M[r][c] / M[c][c];
      for (let k = c; k <= d; k++) M[r][k] -= m * M[c][k];
    }
  }
  const out = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = M[r][d];
    for (let k = r + 1; k < d; k++) s -= M[r][k] * out[k];
    out[r] = s / M[r][r];
  }
  return out;
}

/** Least-squares coefficients of r on [1, columns' per-level values] (the columns of X named, read per level). */
function leastSquares(spec: ModelSpec, columns: readonly number[], r: ArrayLike<number>): number[] {
  const p = spec.fixed.names.length;
  const first = Array.from({ length: K }, (_, k) => k * PER);
  const design = first.map((i) => columns.map((j) => spec.fixed.X[i * p + j]));
  const d = columns.length;
  const A = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => design.reduce((s, row) => s + row[a] * row[b], 0)));
  const rhs = Array.from({ length: d }, (_, a) => design.reduce((s, row, k) => s + row[a] * r[k], 0));
  return solve(A, rhs);
}

describe('detecting group-level columns', () => {
  it('numeric columns, factor dummies and their interactions; not x, x:w, nor a column dependent on earlier ones', () => {
    const spec = build('split');
    const names = spec.fixed.names;
    const fold = spec.terms[0].groupLevelFold!;
    expect(fold.columns.map((j) => names[j])).toEqual(['Intercept', 'w', 'fb', 'fc', 'w:fb', 'w:fc']);
    expect(fold.rows.length).toBe(6 * K);
    // the stored per-level values are the columns' values on each level's rows
    fold.columns.slice(1).forEach((j, a) => {
      for (let k = 0; k < K; k++) expect(fold.values[a * K + k]).toBe(spec.fixed.X[k * PER * names.length + j]);
    });
    // w2 = 2w + 1 is group-level but in the span of the intercept and w: dropped
    const withW2 = build('split', 'qr', 'y ~ w + w2 + x + (1 | g)');
    expect(withW2.terms[0].groupLevelFold!.columns.map((j) => withW2.fixed.names[j])).toEqual(['Intercept', 'w']);
    // (collinear columns: no QR basis, so the folded coordinates carry the bsum_ name)
    expect(unconstrainedNames(build('split', 'natural', 'y ~ w + w2 + x + (1 | g)')).slice(0, 4)).toEqual([
      'bsum_Intercept',
      'bsum_w',
      'b_w2',
      'b_x',
    ]);
  });

  it('none when the column varies within a level, for centered terms, or without an intercept to fold into', () => {
    expect(build('split', 'qr', 'y ~ x + (1 | g)').terms[0].groupLevelFold).toBeUndefined();
    expect(build('centered').terms[0].groupLevelFold).toBeUndefined();
    expect(build('noncentered', 'qr', 'y ~ 0 + w + (1 | g)').terms[0].groupLevelFold).toBeUndefined();
    // a varying slope is not folded this way
    const slope = buildModel(frame, 'y ~ w + x + (0 + x | g)', { family: 'poisson', parameterization: { g: 'split' } }).spec;
    expect(slope.terms[0].groupLevelFold).toBeUndefined();
    expect(build('noncentered').terms[0].groupLevelFold!.columns.length).toBe(6);
  });

  it('the model note names the folded columns', () => {
    const m = buildModel(frame, 'y ~ w + x + (1 | g)', { family: 'poisson', parameterization: { g: 'split' } });
    expect(m.notes.some((l) => l.includes("levels' mean folded into b_Intercept, their coefficients on the group-level columns into b_w"))).toBe(true);
  });
});

for (const param of ['split', 'noncentered'] as const) {
  describe(`the shear (${param})`, () => {
    it('rows · r (plus mean(r) for the intercept) are the least-squares coefficients of r on [1, W]', () => {
      const spec = build(param);
      const fold = spec.terms[0].groupLevelFold!;
      const r = Array.from({ length: K }, (_, k) => Math.cos(3 * k) + 0.2 * k);
      const ls = leastSquares(spec, fold.columns, r);
      const mean = r.reduce((a, b) => a + b, 0) / K;
      fold.columns.forEach((_, i) => {
        let c = i === 0 ? mean : 0;
        for (let k = 0; k < K; k++) c += fold.rows[i * K + k] * r[k];
        expect(c).toBeCloseTo(ls[i], 12);
      });
    });

    it('draws are in b space: output b = coordinate − least-squares coefficients of the output r; unconstrain inverts', () => {
      const spec = build(param, 'natural');
      const fold = spec.terms[0].groupLevelFold!;
      const theta = randomPositions(spec, 1, 31);
      const out = new Float64Array(constrainedDim(spec));
      constrain(spec, theta, out);
      const names = constrainedNames(spec);
      const r = Array.from({ length: K }, (_, k) => out[names.indexOf(`r_g__Intercept[${k + 1}]`)]);
      const ls = leastSquares(spec, fold.columns, r);
      for (let j = 0; j < spec.fixed.names.length; j++) {
        const i = fold.columns.indexOf(j);
        expect(out[j]).toBeCloseTo(theta[j] - (i >= 0 ? ls[i] : 0), 12);
      }
      const back = new Float64Array(spec.dim);
      unconstrain(spec, out, back);
      for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - theta[j])).toBeLessThan(1e-11);
    });

    it('the data see only the coordinates along span(1, W): moving r by W1·δ and b by −δ leaves them unchanged', () => {
      const spec = build(param, 'natural');
      const fold = spec.terms[0].groupLevelFold!;
      const p = spec.fixed.names.length;
      const theta = randomPositions(spec, 1, 8);
      const out = new Float64Array(constrainedDim(spec));
      constrain(spec, theta, out);
      const names = constrainedNames(spec);
      const delta = fold.columns.map((_, i) => 0.3 * (i + 1) - 0.5);
      for (let k = 0; k < K; k++) {
        let shift = 0;
        fold.columns.forEach((j, i) => (shift += delta[i] * spec.fixed.X[k * PER * p + j]));
        out[names.indexOf(`r_g__Intercept[${k + 1}]`)] += shift;
      }
      fold.columns.forEach((j, i) => (out[j] -= delta[i]));
      if (param === 'noncentered') {
        const sd = out[names.indexOf('sd_g__Intercept')];
        for (let k = 1; k <= K; k++) out[names.indexOf(`z_g__Intercept[${k}]`)] = out[names.indexOf(`r_g__Intercept[${k}]`)] / sd;
      }
      const moved = new Float64Array(spec.dim);
      unconstrain(spec, out, moved);
      for (let j = 0; j < p; j++) expect(moved[j]).toBeCloseTo(theta[j], 11);
      // while the group coordinates did move
      expect(Math.abs(moved[spec.terms[0].offset + 1] - theta[spec.terms[0].offset + 1])).toBeGreaterThan(1e-3);
    });

    for (const basis of ['qr', 'natural'] as const) {
      it(`wrapper (${basis} basis): log density = plain model at the mapped point + Jacobians; gradient to 1e-6 by finite differences`, async () => {
        const spec = build(param, basis);
        expect(spec.fixedBasis !== null).toBe(basis === 'qr');
        const fold = spec.terms[0].groupLevelFold!;
        const plain = centeredSpec(spec);
        expect(plain.terms[0].groupLevelFold).toBeUndefined();
        const chains = 3;
        const inner = await createReferenceBackend(plain, { maxChains: chains });
        const wrapped = wrapSplitTerms(spec, await createReferenceBackend(plain, { maxChains: chains }), { maxChains: chains });
        const pos = randomPositions(spec, chains, 17);
        const logp = new Float64Array(chains);
        const grad = new Float64Array(chains * spec.dim);
        await wrapped.logDensityGradient(pos, chains, logp, grad);
        const names = constrainedNames(spec);
        const p = spec.fixed.names.length;
        const out = new Float64Array(constrainedDim(spec));
        for (let c = 0; c < chains; c++) {
          const theta = pos.slice(c * spec.dim, (c + 1) * spec.dim);
          constrain(spec, theta, out);
          // b from the coordinates independently: β = Lᵀ⁻¹-mapped coordinates (constrain of a spec without folds)
          const unfolded: ModelSpec = { ...spec, terms: spec.terms.map(({ groupLevelFold: _g, foldColumn: _f, ...t }) => t) };
          const beta = new Float64Array(constrainedDim(spec));
          constrain(unfolded, theta, beta);
          const r = Array.from({ length: K }, (_, k) => out[names.indexOf(`r_g__Intercept[${k + 1}]`)]);
          const ls = leastSquares(spec, fold.columns, r);
          fold.columns.forEach((j, i) => expect(out[j]).toBeCloseTo(beta[j] - ls[i], 11));
          for (let j = 0; j < p; j++) if (!fold.columns.includes(j)) expect(out[j]).toBeCloseTo(beta[j], 12);
          const centered = new Float64Array(spec.dim);
          unconstrain(plain, out, centered);
          const lp = new Float64Array(1);
          await inner.logDensityGradient(centered, 1, lp, new Float64Array(spec.dim));
          const jacobian = (param === 'split' ? theta[spec.terms[0].sdIndex] : 0) + (spec.fixedBasis ? fixedBasisLogJacobian(spec.fixedBasis, p) : 0);
          expect(relDiff(logp[c], lp[0] + jacobian)).toBeLessThan(1e-12);
          const g = grad.slice(c * spec.dim, (c + 1) * spec.dim);
          expect(await maxFiniteDifferenceError(spec, wrapped.logDensityGradient.bind(wrapped), theta, g)).toBeLessThan(1e-6);
        }
      });
    }

    it.skipIf(!loadNativeAddon())('native agrees with reference to 1e-10 through the map (logp, gradient)', async () => {
      const spec = build(param);
      const chains = 4;
      const reference = await createBackend('reference', spec, { maxChains: chains });
      const native = await createBackend('native', spec, { maxChains: chains });
      try {
        const pos = randomPositions(spec, chains, 5);
        const [lpR, lpN] = [new Float64Array(chains), new Float64Array(chains)];
        const [gR, gN] = [new Float64Array(chains * spec.dim), new Float64Array(chains * spec.dim)];
        await reference.logDensityGradient(pos, chains, lpR, gR);
        await native.logDensityGradient(pos, chains, lpN, gN);
        for (let c = 0; c < chains; c++) expect(relDiff(lpN[c], lpR[c])).toBeLessThan(1e-10);
        for (let j = 0; j < gR.length; j++) expect(relDiff(gN[j], gR[j], 1e-8)).toBeLessThan(1e-10);
      } finally {
        await native.dispose();
        await reference.dispose();
      }
    });
  });
}
