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

  it('buildModel marks the suitable terms with sdScale: signed, none by default', () => {
    const { frame } = builtinDataset('hillstrom', 3, 600);
    const formula = 'conversion ~ treatment + recency_z + (0 + treatment | history_segment) + (1 | zip_code)';
    const signedOf = (o = {}): boolean[] =>
      // a half-normal sd prior (the data-scaled default, exponential(1), does not suit the signed scale)
      buildModel(frame, formula, { parameterization: { history_segment: 'noncentered', zip_code: 'split' }, priors: { sd: 'halfnormal(0.5)' }, ...o }).spec.terms.map((t) => t.signedScale === true);
    expect(signedOf()).toEqual([false, false]);
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
