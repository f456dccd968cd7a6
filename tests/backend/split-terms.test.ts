// The split parameterization (src/model/split.ts) and its wrapper around any backend (src/backend/split-terms.ts).
// References: the orthogonality of [1/√K, Q] written out as a matrix product; the change-of-variables formula
// (split log density = centered log density at the mapped point + log sd per split term); central finite differences.
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { centeredSpec, wrapSplitTerms } from '../../src/backend/split-terms.js';
import { createBackend } from '../../src/backend/select.js';
import { createNativeBackend, loadNativeAddon, type NativeKernels } from '../../src/backend/native.js';
import type { Backend } from '../../src/backend/backend.js';
import { createWasmBackend } from '../../src/backend/wasm/backend.js';
import { constrain, constrainedDim, constrainedNames, unconstrain, unconstrainedNames } from '../../src/model/layout.js';
import { effectsToSplit, pullBackSplitGradient, splitToEffects } from '../../src/model/split.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { randomPositions, randomSpec, relDiff } from '../helpers/specs.js';
import { buildModel } from '../../src/model/build.js';
import { levelsFrame } from '../../bench/levels-curve.js';

/**
 * The crossed random spec with its centered terms split: the zip intercept shares the fixed intercept (column 0),
 * the channel slope on x1 shares fixed column 2, and the non-centered segment slope on treatment shares column 1
 * (all folded, the last one rotated); `shear: false` folds nothing.
 */
function splitCrossed(n = 600, shear = true): ModelSpec {
  const spec = randomSpec('crossed', { n, seed: 3 });
  const columns: Record<string, number> = { Intercept: 0, treatment: 1, x1: 2 };
  return {
    ...spec,
    terms: spec.terms.map((t) => ({
      ...t,
      parameterization: t.parameterization === 'centered' ? 'split' : t.parameterization,
      foldColumn: shear ? columns[t.term] : -1,
    })),
  };
}

describe('split coordinates', () => {
  for (const K of [1, 2, 3, 7]) {
    it(`the map (u, e) → r is [sd/√K · 1, Q] with Q orthonormal and orthogonal to 1 (K = ${K})`, () => {
      const sd = 0.37;
      const M: number[][] = [];
      for (let j = 0; j < K; j++) {
        const coords = new Float64Array(K);
        coords[j] = 1;
        const r = new Float64Array(K);
        splitToEffects(sd, coords, 0, K, r, 0);
        M.push(Array.from(r)); // column j
      }
      for (let a = 0; a < K; a++) {
        for (let b = 0; b < K; b++) {
          const dot = M[a].reduce((s, v, k) => s + v * M[b][k], 0);
          const expected = a !== b ? 0 : a === 0 ? sd * sd : 1;
          expect(Math.abs(dot - expected)).toBeLessThan(1e-14);
        }
      }
      for (let k = 0; k < K; k++) expect(M[0][k]).toBeCloseTo(sd / Math.sqrt(K), 15);
    });
  }

  it('effectsToSplit inverts splitToEffects (K = 1, 3, 1000)', () => {
    for (const K of [1, 3, 1000]) {
      const coords = Float64Array.from({ length: K }, (_, k) => Math.sin(k + 1) * 2);
      const r = new Float64Array(K);
      splitToEffects(0.8, coords, 0, K, r, 0);
      const back = new Float64Array(K);
      effectsToSplit(0.8, r, 0, K, back, 0);
      for (let k = 0; k < K; k++) expect(Math.abs(back[k] - coords[k])).toBeLessThan(1e-12);
    }
  });

  it('pullBackSplitGradient is the transpose of the map (gᵀ M) and returns ∂r/∂log sd · g', () => {
    const K = 5;
    const sd = 1.7;
    const coords = Float64Array.of(0.3, -1, 2, 0.5, -0.25);
    const g = Float64Array.of(1, -2, 0.5, 3, -1);
    const pulled = g.slice();
    const extra = pullBackSplitGradient(sd, coords[0], pulled, 0, K);
    for (let j = 0; j < K; j++) {
      const unit = new Float64Array(K);
      unit[j] = 1;
      const col = new Float64Array(K);
      splitToEffects(sd, unit, 0, K, col, 0);
      expect(pulled[j]).toBeCloseTo(col.reduce((s, v, k) => s + v * g[k], 0), 13);
    }
    const total = g.reduce((s, v) => s + v, 0);
    expect(extra).toBeCloseTo(((sd * coords[0]) / Math.sqrt(K)) * total, 13);
  });
});

describe('layout of split terms', () => {
  const spec = splitCrossed();
  it('names: zbar and K−1 deviations on the unconstrained scale, sd and r in the output (as centered)', () => {
    const names = unconstrainedNames(spec);
    expect(names.slice(0, 4)).toEqual(['bsum_Intercept', 'bsum_treatment', 'bsum_x1', 'b_x2']);
    expect(names).toContain('zbar_segment__treatment');
    expect(names).toContain('e_segment__treatment[6]');
    expect(names).toContain('zbar_zip__Intercept');
    expect(names).toContain('e_zip__Intercept[2]');
    expect(names).not.toContain('e_zip__Intercept[3]');
    expect(names.length).toBe(spec.dim);
    expect(constrainedNames(spec)).toEqual(constrainedNames(centeredSpec(spec)));
  });

  it('constrain then unconstrain returns the position', () => {
    const theta = randomPositions(spec, 1, 11);
    const out = new Float64Array(constrainedDim(spec));
    constrain(spec, theta, out);
    const back = new Float64Array(spec.dim);
    unconstrain(spec, out, back);
    for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - theta[j])).toBeLessThan(1e-12);
  });

  it('the fold: each output b is its coordinate minus the levels\' means of the terms folded into it', () => {
    const theta = randomPositions(spec, 1, 12);
    const out = new Float64Array(constrainedDim(spec));
    constrain(spec, theta, out);
    const names = constrainedNames(spec);
    const mean = (family: string, K: number): number => {
      let sum = 0;
      for (let k = 1; k <= K; k++) sum += out[names.indexOf(`${family}[${k}]`)];
      return sum / K;
    };
    // zip (split) and channel (rotated non-centered) intercepts are both folded into the intercept
    expect(out[0]).toBeCloseTo(theta[0] - mean('r_zip__Intercept', 3) - mean('r_channel__Intercept', 5), 13);
    expect(out[2]).toBeCloseTo(theta[2] - mean('r_channel__x1', 5), 13);
    const seg = Array.from({ length: 7 }, (_, k) => out[names.indexOf(`r_segment__treatment[${k + 1}]`)]);
    expect(out[1]).toBeCloseTo(theta[1] - seg.reduce((a, b) => a + b, 0) / 7, 13);
    // the rotated z: r = sd · z, and z has the rotation's norm (|z|² = u² + |e|²)
    const sd = out[names.indexOf('sd_segment__treatment')];
    const z = Array.from({ length: 7 }, (_, k) => out[names.indexOf(`z_segment__treatment[${k + 1}]`)]);
    z.forEach((v, k) => expect(v * sd).toBeCloseTo(seg[k], 13));
    const term = spec.terms[0];
    let norm = 0;
    for (let k = 0; k < 7; k++) norm += theta[term.offset + k] ** 2;
    expect(z.reduce((a, v) => a + v * v, 0)).toBeCloseTo(norm, 12);
  });
});

for (const shear of [true, false])
describe(`backend wrapper (${shear ? 'with' : 'without'} the shear)`, () => {
  const spec = splitCrossed(600, shear);
  const chains = 3;

  it('log density = centered log density at the mapped point + log sd per split term (change of variables)', async () => {
    const inner = await createReferenceBackend(centeredSpec(spec), { maxChains: chains });
    const wrapped = wrapSplitTerms(spec, await createReferenceBackend(centeredSpec(spec), { maxChains: chains }), { maxChains: chains });
    const pos = randomPositions(spec, chains, 5);
    const logp = new Float64Array(chains);
    const grad = new Float64Array(chains * spec.dim);
    await wrapped.logDensityGradient(pos, chains, logp, grad);
    const out = new Float64Array(constrainedDim(spec));
    for (let c = 0; c < chains; c++) {
      const theta = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      constrain(spec, theta, out);
      const centered = new Float64Array(spec.dim);
      unconstrain(centeredSpec(spec), out, centered);
      const lp = new Float64Array(1);
      await inner.logDensityGradient(centered, 1, lp, new Float64Array(spec.dim));
      let jacobian = 0;
      for (const t of spec.terms) if (t.parameterization === 'split') jacobian += theta[t.sdIndex];
      expect(relDiff(logp[c], lp[0] + jacobian)).toBeLessThan(1e-13);
    }
  });

  it('gradient agrees with central finite differences to 1e-6, for every chain', async () => {
    const wrapped = wrapSplitTerms(spec, await createReferenceBackend(centeredSpec(spec), { maxChains: chains }), { maxChains: chains });
    const pos = randomPositions(spec, chains, 9);
    const logp = new Float64Array(chains);
    const grad = new Float64Array(chains * spec.dim);
    await wrapped.logDensityGradient(pos, chains, logp, grad);
    for (let c = 0; c < chains; c++) {
      const p = pos.slice(c * spec.dim, (c + 1) * spec.dim);
      const g = grad.slice(c * spec.dim, (c + 1) * spec.dim);
      expect(await maxFiniteDifferenceError(spec, wrapped.logDensityGradient.bind(wrapped), p, g)).toBeLessThan(1e-6);
    }
  });

  it('the backends themselves refuse split specs (createBackend maps them)', async () => {
    await expect(createReferenceBackend(spec)).rejects.toThrow(/split or folded terms or a fixed basis; create the backend with createBackend/);
  });

  it('leaves inactive chains untouched and maps draws for the pointwise log-likelihood', async () => {
    const wrapped = await createBackend('reference', spec, { maxChains: chains });
    expect(wrapped.spec).toBe(spec);
    const pos = randomPositions(spec, chains, 4);
    const logp = new Float64Array(chains).fill(7);
    const grad = new Float64Array(chains * spec.dim).fill(7);
    await wrapped.logDensityGradient(pos, chains, logp, grad, Uint8Array.of(0, 1, 0));
    expect(logp[0]).toBe(7);
    expect(logp[2]).toBe(7);
    expect(grad[0]).toBe(7);
    expect(logp[1]).not.toBe(7);

    const inner = await createReferenceBackend(centeredSpec(spec), { maxChains: chains });
    const rows = 50;
    const viaWrapper = new Float64Array(chains * rows);
    await wrapped.pointwiseLogLik(pos, chains, 10, rows, viaWrapper);
    const centered = new Float64Array(chains * spec.dim);
    const out = new Float64Array(constrainedDim(spec));
    for (let c = 0; c < chains; c++) {
      constrain(spec, pos.subarray(c * spec.dim, (c + 1) * spec.dim), out);
      unconstrain(centeredSpec(spec), out, centered.subarray(c * spec.dim, (c + 1) * spec.dim));
    }
    const direct = new Float64Array(chains * rows);
    await inner.pointwiseLogLik(centered, chains, 10, rows, direct);
    for (let i = 0; i < direct.length; i++) expect(relDiff(viaWrapper[i], direct[i])).toBeLessThan(1e-12);
  });
});

describe.skipIf(!loadNativeAddon())('split terms on the native backend', () => {
  it('agree with the reference backend to 1e-10 (logp, gradient, pointwise log-likelihood; 4 chains)', async () => {
    const spec = splitCrossed(1500);
    const chains = 4;
    const reference = await createBackend('reference', spec, { maxChains: chains });
    const native = await createBackend('native', spec, { maxChains: chains });
    try {
      const pos = randomPositions(spec, chains, 21);
      await expectReferenceGradient(native, reference, spec.dim, pos, chains);
      const [llR, llN] = [new Float64Array(chains * 200), new Float64Array(chains * 200)];
      await reference.pointwiseLogLik(pos, chains, 100, 200, llR);
      await native.pointwiseLogLik(pos, chains, 100, 200, llN);
      for (let i = 0; i < llR.length; i++) expect(relDiff(llN[i], llR[i])).toBeLessThan(1e-10);
    } finally {
      await native.dispose();
    }
  });
});


/** `inner` without rotateLevels, so that the split map keeps the rotation in TypeScript. */
function withoutRotation(inner: Backend): Backend {
  return {
    kind: inner.kind,
    description: inner.description,
    spec: inner.spec,
    dim: inner.dim,
    logDensityGradient: (positions, nChains, logp, grad, active) => inner.logDensityGradient(positions, nChains, logp, grad, active),
    pointwiseLogLik: (draws, nDraws, rowStart, rowCount, out) => inner.pointwiseLogLik(draws, nDraws, rowStart, rowCount, out),
    dispose: () => inner.dispose(),
  };
}

describe.skipIf(!loadNativeAddon())('split and rotated terms mapped inside the engine (Backend.rotateLevels)', () => {
  // splitCrossed: two split terms (centered intercept and x1 slope) and two rotated non-centered ones (treatment slope,
  // intercept), all folded; without the shear, the two split terms and two plain non-centered ones
  for (const shear of [true, false]) {
    it(`the native backend takes the rotation and gives the TypeScript map's logp, gradient and pointwise values to 1e-12 (${shear ? 'folded' : 'not folded'})`, async () => {
      const spec = splitCrossed(3000, shear);
      const chains = 4;
      const mappedTerms = spec.terms.flatMap((t, i) => (t.parameterization === 'split' || (t.parameterization === 'noncentered' && (t.foldColumn ?? -1) >= 0) ? [i] : []));
      expect(mappedTerms.length).toBe(shear ? 4 : 2);
      const innerEngine = await createNativeBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains });
      expect(innerEngine.rotateLevels(mappedTerms)).toBe(true);
      await innerEngine.dispose();
      const byEngine = wrapSplitTerms(spec, await createNativeBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains }), { maxChains: chains });
      const byScript = wrapSplitTerms(spec, withoutRotation(await createNativeBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains })), { maxChains: chains });
      try {
        const pos = randomPositions(spec, chains, 31);
        await expectSameEvaluation(byEngine, byScript, spec.dim, pos, chains);
      } finally {
        await byEngine.dispose();
        await byScript.dispose();
      }
    });
  }

  // splitCrossed (4 folded terms, no fixed basis) and a formula's own spec (a fixed basis: the engine maps θ = Lᵀ b too)
  const passThrough: [string, () => ModelSpec][] = [
    ['four folded terms', () => splitCrossed(3000)],
    ['a folded intercept term and a fixed basis', () => buildModel(levelsFrame(3000, 40, 7), 'y ~ x + (1 | g)').spec],
  ];
  for (const [label, makeSpec] of passThrough) it(`with every term mapped by the engine, the folds' shears and the basis too (${label}): the positions pass through uncopied, same values as the TypeScript map`, async () => {
    const spec = makeSpec();
    const chains = 4;
    const mappedTerms = spec.terms.flatMap((t, i) => ((t.foldColumn ?? -1) >= 0 ? [i] : []));
    expect(mappedTerms.length).toBe(spec.terms.length);
    const folds = mappedTerms.map((i) => spec.terms[i].foldColumn!);
    // a fold column that is no fixed effect is refused, changing nothing
    const probe = await createNativeBackend(centeredSpec(spec), { maxChains: chains });
    expect(probe.rotateLevels(mappedTerms, folds.map(() => spec.fixed.names.length))).toBe(false);
    expect(probe.rotateLevels(mappedTerms, folds)).toBe(true);
    await probe.dispose();
    // the inner backend sees the caller's own array (CoordinateMap.identity) and applies the shear itself
    const engine = await createNativeBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains });
    const seen: Float64Array[] = [];
    const watched: Backend = {
      ...withoutRotation(engine),
      rotateLevels: (terms, f, basis) => engine.rotateLevels(terms, f, basis),
      logDensityGradient: (positions, nChains, logp, grad, active) => {
        seen.push(positions);
        return engine.logDensityGradient(positions, nChains, logp, grad, active);
      },
    };
    const byEngine = wrapSplitTerms(spec, watched, { maxChains: chains });
    const byScript = wrapSplitTerms(spec, withoutRotation(await createNativeBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains })), { maxChains: chains });
    try {
      const pos = randomPositions(spec, chains, 37);
      const before = pos.slice();
      await expectSameEvaluation(byEngine, byScript, spec.dim, pos, chains, () => {
        expect(seen.length).toBe(1);
        expect(seen[0]).toBe(pos);
        expect(pos).toEqual(before); // the shear is applied on the engine's copy, never on the caller's positions
      });
    } finally {
      await byEngine.dispose();
      await byScript.dispose();
    }
  });

  it('its gradient agrees with central finite differences to 1e-6, and 1, 2 and 3 threads give the same bits', async () => {
    const spec = splitCrossed(5000);
    const chains = 3;
    const pos = randomPositions(spec, chains, 17);
    const results: Float64Array[] = [];
    for (const threads of [1, 2, 3]) {
      const inner = await createNativeBackend(centeredSpec(spec), { maxChains: chains, threads, sync: false });
      const wrapped = wrapSplitTerms(spec, inner, { maxChains: chains });
      try {
        const logp = new Float64Array(chains);
        const grad = new Float64Array(chains * spec.dim);
        await wrapped.logDensityGradient(pos, chains, logp, grad);
        results.push(Float64Array.from([...logp, ...grad]));
        if (threads === 2) {
          for (let c = 0; c < chains; c++) {
            const p = pos.slice(c * spec.dim, (c + 1) * spec.dim);
            const g = grad.slice(c * spec.dim, (c + 1) * spec.dim);
            expect(await maxFiniteDifferenceError(spec, wrapped.logDensityGradient.bind(wrapped), p, g)).toBeLessThan(1e-6);
          }
        }
      } finally {
        await wrapped.dispose();
      }
    }
    for (const r of results.slice(1)) expect(r.filter((v, i) => !Object.is(v, results[0][i])).length).toBe(0);
  });
});

describe.skipIf(!loadNativeAddon())('the level passes of every kernel set (native/src/level_passes_impl.hpp)', () => {
  // The Helmert map and the level prior run eight levels at a time with AVX-512 (a partial chunk at the top or end),
  // G chains side by side elsewhere: level counts around multiples of eight, each kernel set this CPU has.
  const features = loadNativeAddon()?.cpuFeatures();
  const kernels: NativeKernels[] = ['baseline', ...(features?.avx2Fma ? (['avx2'] as const) : []), ...(features?.avx512 ? (['avx512'] as const) : [])];
  const levelCounts = [2, 7, 8, 9, 17, 1000];
  const withTerm = (spec: ModelSpec, parameterization: 'split' | 'noncentered' | 'centered', fold: number): ModelSpec => ({
    ...spec,
    terms: spec.terms.map((t) => ({ ...t, parameterization, foldColumn: fold })),
  });
  for (const kernel of kernels) {
    it(`${kernel}: rotated centered and non-centered terms give the TypeScript map's values to 1e-12 (${levelCounts.join(', ')} levels)`, async () => {
      const chains = 3;
      for (const K of levelCounts) {
        const base = buildModel(levelsFrame(Math.max(600, 4 * K), K, 11), 'y ~ x + (1 | g)').spec;
        for (const parameterization of ['split', 'noncentered'] as const) {
          const spec = withTerm(base, parameterization, 0);
          const byEngine = wrapSplitTerms(spec, await createNativeBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains, kernels: kernel }), { maxChains: chains });
          const byScript = wrapSplitTerms(spec, withoutRotation(await createNativeBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains, kernels: kernel })), { maxChains: chains });
          try {
            // The AVX-512 passes add the levels' sums in another order than the script: a gradient element far below
            // the others (a level whose pull-back nearly cancels) differs by rounding relative to the gradient's scale,
            // so each element is compared relative to the larger of itself and 1e-6 of the largest.
            await expectSameEvaluation(byEngine, byScript, spec.dim, randomPositions(spec, chains, 40 + K), chains, undefined, 1e-6);
          } finally {
            await byEngine.dispose();
            await byScript.dispose();
          }
        }
      }
    });
    it(`${kernel}: terms without a rotation (centered, non-centered) give the reference backend's logp and gradient to 1e-10 (${levelCounts.join(', ')} levels)`, async () => {
      const chains = 3;
      for (const K of levelCounts) {
        const base = buildModel(levelsFrame(Math.max(600, 4 * K), K, 13), 'y ~ x + (1 | g)').spec;
        for (const parameterization of ['centered', 'noncentered'] as const) {
          const spec = centeredSpec(withTerm(base, parameterization, -1)); // without the formula's fixed basis
          const native = await createNativeBackend(spec, { maxChains: chains, kernels: kernel });
          const reference = await createReferenceBackend(spec, { maxChains: chains });
          try {
            await expectReferenceGradient(native, reference, spec.dim, randomPositions(spec, chains, 60 + K), chains);
          } finally {
            await native.dispose();
            await reference.dispose();
          }
        }
      }
    });
  }
});

describe.skipIf(!loadNativeAddon())('the level passes on the pool (native/src/engine.cpp run_level_passes)', () => {
  it('6,000 levels × 4 chains (over the pooled threshold): 1, 2 and 3 threads give the same bits, logp, gradient and pointwise', async () => {
    const spec = buildModel(levelsFrame(30_000, 6000, 19), 'y ~ x + (1 | g)').spec;
    expect(spec.terms[0].foldColumn).toBe(0); // rotated and folded in the engine
    const chains = 4;
    const pos = randomPositions(spec, chains, 23);
    const results: Float64Array[] = [];
    for (const threads of [1, 2, 3]) {
      const backend = await createBackend('native', spec, { maxChains: chains, maxDraws: chains, threads });
      try {
        const logp = new Float64Array(chains);
        const grad = new Float64Array(chains * spec.dim);
        const ll = new Float64Array(chains * 500);
        await backend.logDensityGradient(pos, chains, logp, grad);
        await backend.pointwiseLogLik(pos, chains, 100, 500, ll);
        results.push(Float64Array.from([...logp, ...grad, ...ll]));
      } finally {
        await backend.dispose();
      }
    }
    for (const r of results.slice(1)) expect(r.filter((v, i) => !Object.is(v, results[0][i])).length).toBe(0);
    // and the values are the reference backend's
    const reference = await createBackend('reference', spec, { maxChains: chains });
    try {
      const logp = new Float64Array(chains);
      const grad = new Float64Array(chains * spec.dim);
      await reference.logDensityGradient(pos, chains, logp, grad);
      const scale = grad.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let c = 0; c < chains; c++) expect(relDiff(results[0][c], logp[c])).toBeLessThan(1e-10);
      for (let j = 0; j < grad.length; j++) expect(Math.abs(results[0][chains + j] - grad[j]) / scale).toBeLessThan(1e-10);
    } finally {
      await reference.dispose();
    }
  });
});

describe('split and rotated terms mapped inside the wasm engine', () => {
  it('the wasm backend takes the rotation and agrees with the reference backend to 1e-10 (logp, gradient, pointwise)', async () => {
    const spec = splitCrossed(1500);
    const chains = 4;
    const probe = await createWasmBackend(centeredSpec(spec), { maxChains: chains });
    expect(probe.rotateLevels([0, 1, 2, 3])).toBe(true);
    await probe.dispose();
    const reference = await createBackend('reference', spec, { maxChains: chains });
    const wasm = wrapSplitTerms(spec, await createWasmBackend(centeredSpec(spec), { maxChains: chains, maxDraws: chains }), { maxChains: chains });
    try {
      const pos = randomPositions(spec, chains, 23);
      const [lpR, lpW] = [new Float64Array(chains), new Float64Array(chains)];
      const [gR, gW] = [new Float64Array(chains * spec.dim), new Float64Array(chains * spec.dim)];
      await reference.logDensityGradient(pos, chains, lpR, gR);
      await wasm.logDensityGradient(pos, chains, lpW, gW);
      for (let c = 0; c < chains; c++) expect(relDiff(lpW[c], lpR[c])).toBeLessThan(1e-10);
      for (let j = 0; j < gR.length; j++) expect(relDiff(gW[j], gR[j], 1e-8)).toBeLessThan(1e-10);
      const [llR, llW] = [new Float64Array(chains * 200), new Float64Array(chains * 200)];
      await reference.pointwiseLogLik(pos, chains, 100, 200, llR);
      await wasm.pointwiseLogLik(pos, chains, 100, 200, llW);
      for (let i = 0; i < llR.length; i++) expect(relDiff(llW[i], llR[i])).toBeLessThan(1e-10);
    } finally {
      await wasm.dispose();
    }
  });
});

/**
 * `a` and `b` give the same log density, gradient (relative 1e-12) and pointwise log-likelihoods of rows [50, 350)
 * at `pos`; `afterGradient` checks what it needs between the gradient calls and the comparison.
 */
/** Logp and gradient of `backend` agree with the reference backend's to 1e-10 (a gradient element relative to the larger of itself and 1e-8). */
async function expectReferenceGradient(backend: Backend, reference: Backend, dim: number, pos: Float64Array, chains: number): Promise<void> {
  const [lpN, lpR] = [new Float64Array(chains), new Float64Array(chains)];
  const [gN, gR] = [new Float64Array(chains * dim), new Float64Array(chains * dim)];
  await backend.logDensityGradient(pos, chains, lpN, gN);
  await reference.logDensityGradient(pos, chains, lpR, gR);
  for (let c = 0; c < chains; c++) expect(relDiff(lpN[c], lpR[c])).toBeLessThan(1e-10);
  for (let j = 0; j < gR.length; j++) expect(relDiff(gN[j], gR[j], 1e-8)).toBeLessThan(1e-10);
}

/**
 * Logp, gradient and pointwise values of a and b agree to 1e-12, each gradient element relative to the larger of
 * itself and 1e-6 (or `gradientScale` times the largest gradient element, when given).
 */
async function expectSameEvaluation(a: Backend, b: Backend, dim: number, pos: Float64Array, chains: number, afterGradient?: () => void, gradientScale?: number): Promise<void> {
  const [lpA, lpB] = [new Float64Array(chains), new Float64Array(chains)];
  const [gA, gB] = [new Float64Array(chains * dim), new Float64Array(chains * dim)];
  await a.logDensityGradient(pos, chains, lpA, gA);
  await b.logDensityGradient(pos, chains, lpB, gB);
  afterGradient?.();
  for (let c = 0; c < chains; c++) expect(relDiff(lpA[c], lpB[c])).toBeLessThan(1e-12);
  const floor = gradientScale === undefined ? 1e-6 : gradientScale * gB.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let j = 0; j < gA.length; j++) expect(relDiff(gA[j], gB[j], floor)).toBeLessThan(1e-12);
  const [llA, llB] = [new Float64Array(chains * 300), new Float64Array(chains * 300)];
  await a.pointwiseLogLik(pos, chains, 50, 300, llA);
  await b.pointwiseLogLik(pos, chains, 50, 300, llB);
  for (let i = 0; i < llA.length; i++) expect(relDiff(llA[i], llB[i])).toBeLessThan(1e-12);
}
