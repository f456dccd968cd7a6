// The signed sd of a non-centered term (src/model/signed-scale.ts) and its map around any backend
// (src/backend/signed-scale.ts). References: the change-of-variables formula (log density on (v, z) = log density on
// (log|v|, sign(v)·z) − log|v|), the symmetry (v, z) → (−v, −z) of the two-to-one map, central finite differences, and
// the closed form of the prior term (½·halfnormal(|v|) = the normal density of v).
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backend/select.js';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { constrain, constrainedDim, constrainedNames, unconstrain } from '../../src/model/layout.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { buildModel } from '../../src/model/build.js';
import { signedScaleSuits, unsignedSpec } from '../../src/model/signed-scale.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { randomPositions, randomSpec, relDiff } from '../helpers/specs.js';

/** The crossed random spec with the 7-level non-centered treatment slope signed (optionally folded into column 1). */
function signedCrossed(fold: boolean): ModelSpec {
  const spec = randomSpec('crossed', { n: 600, seed: 3 });
  return {
    ...spec,
    terms: spec.terms.map((t, k) => (k === 0 ? { ...t, signedScale: true, ...(fold ? { foldColumn: 1 } : {}) } : t)),
  };
}

/** Positions whose signed sd is v (per chain) around randomPositions. */
function positionsWith(spec: ModelSpec, vs: readonly number[], seed: number): Float64Array {
  const pos = randomPositions(spec, vs.length, seed);
  vs.forEach((v, c) => (pos[c * spec.dim + spec.terms[0].sdIndex] = v));
  return pos;
}

/** (v, z) → (−v, −z) on the signed term of chain c's position. */
function mirrored(spec: ModelSpec, pos: Float64Array): Float64Array {
  const out = pos.slice();
  const t = spec.terms[0];
  out[t.sdIndex] = -out[t.sdIndex];
  for (let k = 0; k < 7; k++) out[t.offset + k] = -out[t.offset + k];
  return out;
}

const VS = [0.3, -0.45, 1e-4, -2e-3, 1.7];

describe('when a term is sampled with a signed sd', () => {
  const halfnormal = { family: 'halfnormal' as const, params: [0.5] };
  it('non-centered, fewer than 50 levels, half-normal or half-t prior: yes; otherwise no', () => {
    expect(signedScaleSuits({ parameterization: 'noncentered', sdPrior: halfnormal }, 7)).toBe(true);
    expect(signedScaleSuits({ parameterization: 'noncentered', sdPrior: { family: 'halfstudent_t', params: [3, 1] } }, 3)).toBe(true);
    expect(signedScaleSuits({ parameterization: 'noncentered', sdPrior: halfnormal }, 50)).toBe(false);
    expect(signedScaleSuits({ parameterization: 'centered', sdPrior: halfnormal }, 7)).toBe(false);
    expect(signedScaleSuits({ parameterization: 'split', sdPrior: halfnormal }, 7)).toBe(false);
    expect(signedScaleSuits({ parameterization: 'noncentered', sdPrior: { family: 'exponential', params: [2] } }, 7)).toBe(false);
    expect(signedScaleSuits({ parameterization: 'noncentered', sdPrior: halfnormal, flat: true }, 7)).toBe(false);
  });

  it('buildModel marks the suitable terms with sdScale: signed or scaled (the default), none with log', () => {
    const { frame } = builtinDataset('hillstrom', 3, 600);
    const formula = 'conversion ~ treatment + recency_z + (0 + treatment | history_segment) + (1 | zip_code)';
    const signedOf = (o = {}): boolean[] =>
      // a half-normal sd prior (the data-scaled default, exponential(1), does not suit the signed scale)
      buildModel(frame, formula, { parameterization: { history_segment: 'noncentered', zip_code: 'split' }, priors: { sd: 'halfnormal(0.5)' }, ...o }).spec.terms.map((t) => t.signedScale === true);
    expect(signedOf()).toEqual([true, false]);
    expect(signedOf({ sdScale: 'log' })).toEqual([false, false]);
    expect(signedOf({ sdScale: 'signed' })).toEqual([true, false]);
  });
});

for (const fold of [false, true])
describe(`signed sd around a backend (${fold ? 'folded, rotated z' : 'plain non-centered'})`, () => {
  const spec = signedCrossed(fold);
  const chains = VS.length;

  it('log density = the log-sd log density at (log|v|, sign(v)·z) − log|v| (change of variables)', async () => {
    const signed = await createBackend('reference', spec, { maxChains: chains });
    const plain = await createBackend('reference', unsignedSpec(spec), { maxChains: 1 });
    const pos = positionsWith(spec, VS, 5);
    const logp = new Float64Array(chains);
    await signed.logDensityGradient(pos, chains, logp, new Float64Array(chains * spec.dim));
    const t = spec.terms[0];
    for (let c = 0; c < chains; c++) {
      const theta = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      const v = theta[t.sdIndex];
      const inner = theta.slice();
      inner[t.sdIndex] = Math.log(Math.abs(v));
      for (let k = 0; k < 7; k++) inner[t.offset + k] = Math.sign(v) * theta[t.offset + k];
      const lp = new Float64Array(1);
      await plain.logDensityGradient(inner, 1, lp, new Float64Array(spec.dim));
      expect(relDiff(logp[c], lp[0] - Math.log(Math.abs(v)))).toBeLessThan(1e-13);
    }
  });

  it('the sd prior on v is the normal density of v (½ · halfnormal(|v|)): the v-dependence of log p at fixed z·v', async () => {
    // moving v while keeping r = v·z fixed changes only the sd prior and the z prior: Δ log p = Δ[−v²/(2s²)] + Δ[−|z|²/2]
    const signed = await createBackend('reference', spec, { maxChains: 2 });
    const t = spec.terms[0];
    const a = positionsWith(spec, [0.4], 8);
    const b = a.slice();
    b[t.sdIndex] = -0.2;
    for (let k = 0; k < 7; k++) b[t.offset + k] = (a[t.offset + k] * 0.4) / -0.2;
    const lp = new Float64Array(2);
    const both = new Float64Array(2 * spec.dim);
    both.set(a, 0);
    both.set(b, spec.dim);
    await signed.logDensityGradient(both, 2, lp, new Float64Array(2 * spec.dim));
    let za = 0;
    let zb = 0;
    for (let k = 0; k < 7; k++) {
      za += a[t.offset + k] ** 2;
      zb += b[t.offset + k] ** 2;
    }
    const s = 0.5;
    const expected = -(0.2 ** 2) / (2 * s * s) - zb / 2 - (-(0.4 ** 2) / (2 * s * s) - za / 2);
    expect(Math.abs(lp[1] - lp[0] - expected)).toBeLessThan(1e-9);
  });

  it('is even under (v, z) → (−v, −z): same log density, gradient with the signs of the map', async () => {
    const signed = await createBackend('reference', spec, { maxChains: 2 });
    const t = spec.terms[0];
    for (const [i, v] of VS.entries()) {
      const a = positionsWith(spec, [v], 20 + i);
      const both = new Float64Array(2 * spec.dim);
      both.set(a, 0);
      both.set(mirrored(spec, a), spec.dim);
      const lp = new Float64Array(2);
      const g = new Float64Array(2 * spec.dim);
      await signed.logDensityGradient(both, 2, lp, g);
      expect(relDiff(lp[0], lp[1])).toBeLessThan(1e-13);
      for (let j = 0; j < spec.dim; j++) {
        const flips = j === t.sdIndex || (j >= t.offset && j < t.offset + 7);
        expect(Math.abs(g[j] - (flips ? -1 : 1) * g[spec.dim + j])).toBeLessThan(1e-9 * Math.max(1, Math.abs(g[j])));
      }
    }
  });

  it('gradient agrees with central finite differences to 1e-6, at v of either sign and near 0', async () => {
    const signed = await createBackend('reference', spec, { maxChains: chains });
    const pos = positionsWith(spec, VS, 9);
    const logp = new Float64Array(chains);
    const grad = new Float64Array(chains * spec.dim);
    await signed.logDensityGradient(pos, chains, logp, grad);
    for (let c = 0; c < chains; c++) {
      const p = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      const g = grad.slice(c * spec.dim, (c + 1) * spec.dim);
      // π̃ is smooth across v = 0 (an even normal prior times L(v·z)), so the differences may straddle it
      expect(await maxFiniteDifferenceError(spec, signed.logDensityGradient.bind(signed), p, g)).toBeLessThan(1e-6);
    }
  });

  it('outputs sd = |v| and r = v·z, the same as the mirrored position; unconstrain gives the positive preimage', () => {
    const names = constrainedNames(spec);
    expect(names).toEqual(constrainedNames(unsignedSpec(spec)));
    const pos = positionsWith(spec, [-0.45], 11);
    const out = new Float64Array(constrainedDim(spec));
    const outMirror = new Float64Array(constrainedDim(spec));
    constrain(spec, pos, out);
    constrain(spec, mirrored(spec, pos), outMirror);
    for (let j = 0; j < out.length; j++) expect(Math.abs(out[j] - outMirror[j])).toBeLessThan(1e-14);
    expect(out[names.indexOf('sd_segment__treatment')]).toBeCloseTo(0.45, 15);
    const back = new Float64Array(spec.dim);
    unconstrain(spec, out, back);
    const positive = mirrored(spec, pos);
    for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - positive[j])).toBeLessThan(1e-12);
  });

  it('the plain backends refuse a signed spec (createBackend maps it)', async () => {
    await expect(createReferenceBackend(spec)).rejects.toThrow(/terms with a signed sd; create the backend with createBackend/);
  });
});

// Scaled levels (sdScale 'scaled', src/model/signed-scale.ts "Scaled levels"): ζ_k = z_k·√(1 + v²·I_k). References:
// the change-of-variables formula with the map's Jacobian determinant computed here by central finite differences of
// the map itself (not by the module's closed form), the mirror symmetry, and central finite differences of the
// gradient.
const INFO = Float64Array.from([60, 2, 45, 0.5, 120, 30, 8]);

function scaledCrossed(fold: boolean): ModelSpec {
  const spec = signedCrossed(fold);
  return { ...spec, terms: spec.terms.map((t, k) => (k === 0 ? { ...t, levelInformation: INFO } : t)) };
}

/** The map (v, ζ_1..7) ↦ (u = log|v|, z'_k = sign(v)·ζ_k/√(1 + v²·I_k)) written out from its definition. */
function scaledToLog(x: ArrayLike<number>): Float64Array {
  const v = x[0];
  const out = new Float64Array(8);
  out[0] = Math.log(Math.abs(v));
  for (let k = 0; k < 7; k++) out[1 + k] = (Math.sign(v) * x[1 + k]) / Math.sqrt(1 + v * v * INFO[k]);
  return out;
}

/** log|det ∂(u, z')/∂(v, ζ)| by central differences of scaledToLog and an LU determinant. */
function logJacobianByDifferences(x: Float64Array): number {
  const J: number[][] = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  for (let j = 0; j < 8; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[j]));
    const plus = x.slice();
    const minus = x.slice();
    plus[j] += h;
    minus[j] -= h;
    const a = scaledToLog(plus);
    const b = scaledToLog(minus);
    for (let i = 0; i < 8; i++) J[i][j] = (a[i] - b[i]) / (2 * h);
  }
  let logDet = 0;
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(J[r][c]) > Math.abs(J[p][c])) p = r;
    [J[c], J[p]] = [J[p], J[c]];
    logDet += Math.log(Math.abs(J[c][c]));
    for (let r = c + 1; r < 8; r++) {
      const f = J[r][c] / J[c][c];
      for (let k = c; k < 8; k++) J[r][k] -= f * J[c][k];
    }
  }
  return logDet;
}

for (const fold of [false, true])
describe(`signed sd with scaled levels around a backend (${fold ? 'folded, rotated z' : 'plain non-centered'})`, () => {
  const spec = scaledCrossed(fold);
  const chains = VS.length;
  const t = spec.terms[0];

  it('log density = the log-sd log density at the mapped point + log|det J| of the map (J by finite differences)', async () => {
    const scaled = await createBackend('reference', spec, { maxChains: chains });
    const plain = await createBackend('reference', unsignedSpec(spec), { maxChains: 1 });
    const pos = positionsWith(spec, VS.filter((v) => Math.abs(v) > 1e-3), 5);
    const n = pos.length / spec.dim;
    const logp = new Float64Array(n);
    await scaled.logDensityGradient(pos, n, logp, new Float64Array(n * spec.dim));
    for (let c = 0; c < n; c++) {
      const theta = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      const x = Float64Array.from([theta[t.sdIndex], ...theta.slice(t.offset, t.offset + 7)]);
      const mapped = scaledToLog(x);
      const inner = theta.slice();
      inner[t.sdIndex] = mapped[0];
      for (let k = 0; k < 7; k++) inner[t.offset + k] = mapped[1 + k];
      const lp = new Float64Array(1);
      await plain.logDensityGradient(inner, 1, lp, new Float64Array(spec.dim));
      expect(Math.abs(logp[c] - (lp[0] + logJacobianByDifferences(x)))).toBeLessThan(1e-7);
    }
  });

  it('is even under (v, ζ) → (−v, −ζ): same log density, gradient with the signs of the map', async () => {
    const scaled = await createBackend('reference', spec, { maxChains: 2 });
    for (const [i, v] of VS.entries()) {
      const a = positionsWith(spec, [v], 30 + i);
      const both = new Float64Array(2 * spec.dim);
      both.set(a, 0);
      both.set(mirrored(spec, a), spec.dim);
      const lp = new Float64Array(2);
      const g = new Float64Array(2 * spec.dim);
      await scaled.logDensityGradient(both, 2, lp, g);
      expect(relDiff(lp[0], lp[1])).toBeLessThan(1e-13);
      for (let j = 0; j < spec.dim; j++) {
        const flips = j === t.sdIndex || (j >= t.offset && j < t.offset + 7);
        expect(Math.abs(g[j] - (flips ? -1 : 1) * g[spec.dim + j])).toBeLessThan(1e-9 * Math.max(1, Math.abs(g[j])));
      }
    }
  });

  it('gradient agrees with central finite differences to 1e-6, at v of either sign, near 0 and in the upper tail', async () => {
    const scaled = await createBackend('reference', spec, { maxChains: chains });
    const pos = positionsWith(spec, VS, 9);
    const logp = new Float64Array(chains);
    const grad = new Float64Array(chains * spec.dim);
    await scaled.logDensityGradient(pos, chains, logp, grad);
    for (let c = 0; c < chains; c++) {
      const p = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      const g = grad.slice(c * spec.dim, (c + 1) * spec.dim);
      expect(await maxFiniteDifferenceError(spec, scaled.logDensityGradient.bind(scaled), p, g)).toBeLessThan(1e-6);
    }
  });

  it('outputs sd = |v| and r = v·ζ/√(1 + v²·I), the same as the mirrored position; unconstrain inverts it', () => {
    const names = constrainedNames(spec);
    const pos = positionsWith(spec, [-0.45], 11);
    const out = new Float64Array(constrainedDim(spec));
    const outMirror = new Float64Array(constrainedDim(spec));
    constrain(spec, pos, out);
    constrain(spec, mirrored(spec, pos), outMirror);
    for (let j = 0; j < out.length; j++) expect(Math.abs(out[j] - outMirror[j])).toBeLessThan(1e-14);
    expect(out[names.indexOf('sd_segment__treatment')]).toBeCloseTo(0.45, 15);
    if (!fold) {
      for (let k = 0; k < 7; k++) {
        const r = (-0.45 * pos[t.offset + k]) / Math.sqrt(1 + 0.45 * 0.45 * INFO[k]);
        expect(out[names.indexOf(`r_segment__treatment[${k + 1}]`)]).toBeCloseTo(r, 13);
      }
    }
    const back = new Float64Array(spec.dim);
    unconstrain(spec, out, back);
    const positive = mirrored(spec, pos);
    for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - positive[j])).toBeLessThan(1e-12);
  });
});

it('buildModel gives a scaled term its levels\' information I_k (sdScale: scaled), only signed terms', () => {
  const { frame } = builtinDataset('hillstrom', 3, 600);
  const formula = 'conversion ~ treatment + recency_z + (0 + treatment | history_segment) + (1 | zip_code)';
  const { spec } = buildModel(frame, formula, {
    parameterization: { history_segment: 'noncentered', zip_code: 'split' },
    priors: { sd: 'halfnormal(0.5)' },
    sdScale: 'scaled',
  });
  const [slope, zip] = spec.terms;
  expect(slope.signedScale).toBe(true);
  expect(zip.levelInformation).toBeUndefined();
  // I_k = p̄(1 − p̄) · Σ_{rows of level k} treatment² (src/model/parameterization.ts), recomputed from the frame; the
  // slope is folded into b_treatment, so its coordinates are [u, e] (Helmert, src/model/split.ts) and carry
  // diag(Qᵀ diag(I) Q), here from Q's columns written out, and 0 for u
  expect(slope.foldColumn).toBeGreaterThanOrEqual(0);
  const y = spec.y;
  let pbar = 0;
  for (let i = 0; i < spec.n; i++) pbar += y[i] / spec.n;
  const perLevel = new Float64Array(7);
  const index = spec.groups[slope.group].index;
  for (let i = 0; i < spec.n; i++) perLevel[index[i]] += (slope.x as Float64Array)[i] ** 2 * pbar * (1 - pbar);
  const expected = [0];
  for (let j = 1; j < 7; j++) {
    let s = 0;
    for (let k = 0; k < 7; k++) {
      const q = k < j ? 1 / Math.sqrt(j * (j + 1)) : k === j ? -j / Math.sqrt(j * (j + 1)) : 0;
      s += q * q * perLevel[k];
    }
    expected.push(s);
  }
  expect(slope.levelInformation).toBeDefined();
  expect(slope.levelInformation![0]).toBe(0);
  for (let k = 1; k < 7; k++) expect(relDiff(slope.levelInformation![k], expected[k])).toBeLessThan(1e-12);
});

// Scaled levels on log sd (a term with levelInformation and no signedScale: what the default does for a pinned term;
// src/model/signed-scale.ts "Scaled levels on log sd"): ζ_k = z_k·√(1 + sd²·I_k), sd = e^u. References as above: the
// change-of-variables formula with the Jacobian determinant of the map by central finite differences, central finite
// differences of the gradient, and the map written out for constrain.
function logScaledCrossed(fold: boolean): ModelSpec {
  const spec = randomSpec('crossed', { n: 600, seed: 3 });
  return {
    ...spec,
    terms: spec.terms.map((t, k) => (k === 0 ? { ...t, levelInformation: INFO, ...(fold ? { foldColumn: 1 } : {}) } : t)),
  };
}

/** The map (u, ζ_1..7) ↦ (u, z'_k = ζ_k/√(1 + e^{2u}·I_k)) written out from its definition. */
function logScaledToLog(x: ArrayLike<number>): Float64Array {
  const sd = Math.exp(x[0]);
  const out = new Float64Array(8);
  out[0] = x[0];
  for (let k = 0; k < 7; k++) out[1 + k] = x[1 + k] / Math.sqrt(1 + sd * sd * INFO[k]);
  return out;
}

/** log|det ∂(u, z')/∂(u, ζ)| by central differences of logScaledToLog (triangular: the product of the diagonal). */
function logScaledJacobianByDifferences(x: Float64Array): number {
  let logDet = 0;
  for (let j = 0; j < 8; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[j]));
    const plus = x.slice();
    const minus = x.slice();
    plus[j] += h;
    minus[j] -= h;
    logDet += Math.log(Math.abs((logScaledToLog(plus)[j] - logScaledToLog(minus)[j]) / (2 * h)));
  }
  return logDet;
}

/** log sd per chain: far below the levels' reach (sd 0.002), around it, and above (sd 5.5). */
const US = [-6.2, -2.5, -1.1, 0.3, 1.7];

for (const fold of [false, true])
describe(`log sd with scaled levels around a backend (${fold ? 'folded, rotated z' : 'plain non-centered'})`, () => {
  const spec = logScaledCrossed(fold);
  const t = spec.terms[0];
  const chains = US.length;

  it('is mapped (the plain backends refuse it) and reports no signed sd', async () => {
    await expect(createReferenceBackend(spec)).rejects.toThrow(/create the backend with createBackend/);
    expect(t.signedScale).toBeUndefined();
  });

  it('log density = the log-sd log density at (u, ζ/s(e^u)) + log|det J| of the map (J by finite differences)', async () => {
    const scaled = await createBackend('reference', spec, { maxChains: chains });
    const plain = await createBackend('reference', unsignedSpec(spec), { maxChains: 1 });
    const pos = positionsWith(spec, US, 5);
    const logp = new Float64Array(chains);
    await scaled.logDensityGradient(pos, chains, logp, new Float64Array(chains * spec.dim));
    for (let c = 0; c < chains; c++) {
      const theta = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      const x = Float64Array.from([theta[t.sdIndex], ...theta.slice(t.offset, t.offset + 7)]);
      const mapped = logScaledToLog(x);
      const inner = theta.slice();
      for (let k = 0; k < 7; k++) inner[t.offset + k] = mapped[1 + k];
      const lp = new Float64Array(1);
      await plain.logDensityGradient(inner, 1, lp, new Float64Array(spec.dim));
      expect(Math.abs(logp[c] - (lp[0] + logScaledJacobianByDifferences(x)))).toBeLessThan(1e-7);
    }
  });

  it('gradient agrees with central finite differences to 1e-6, from sd 0.002 to 5.5', async () => {
    const scaled = await createBackend('reference', spec, { maxChains: chains });
    const pos = positionsWith(spec, US, 9);
    const logp = new Float64Array(chains);
    const grad = new Float64Array(chains * spec.dim);
    await scaled.logDensityGradient(pos, chains, logp, grad);
    for (let c = 0; c < chains; c++) {
      const p = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      const g = grad.slice(c * spec.dim, (c + 1) * spec.dim);
      expect(await maxFiniteDifferenceError(spec, scaled.logDensityGradient.bind(scaled), p, g)).toBeLessThan(1e-6);
    }
  });

  it('outputs sd = e^u and r = sd·ζ/√(1 + sd²·I); unconstrain inverts it', () => {
    const names = constrainedNames(spec);
    const pos = positionsWith(spec, [-0.8], 11);
    const out = new Float64Array(constrainedDim(spec));
    constrain(spec, pos, out);
    const sd = Math.exp(-0.8);
    expect(out[names.indexOf('sd_segment__treatment')]).toBeCloseTo(sd, 14);
    if (!fold) {
      for (let k = 0; k < 7; k++) {
        const r = (sd * pos[t.offset + k]) / Math.sqrt(1 + sd * sd * INFO[k]);
        expect(out[names.indexOf(`r_segment__treatment[${k + 1}]`)]).toBeCloseTo(r, 13);
      }
    }
    const back = new Float64Array(spec.dim);
    unconstrain(spec, out, back);
    for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - pos[j])).toBeLessThan(1e-11 * Math.max(1, Math.abs(pos[j])));
  });
});
