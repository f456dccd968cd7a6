// Correlated blocks of varying terms around any backend (src/backend/correlated-terms.ts, src/model/correlated-effects.ts).
// References: central finite differences (with a Richardson step); the multivariate normal density evaluated directly
// with a generic Cholesky of Σ = D Ω D (so the block's MVN equals the direct one); the change of variables
// r_k = D L z_k (centered and non-centered log densities differ by K·Σ_i log(sd_i L_ii)); the native backend against
// the reference one through the same map.
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backend/select.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { choleskyFromCpc, cpcLogPrior, lkjLogNormalizer } from '../../src/model/correlation.js';
import { CorrelatedBlockDensity } from '../../src/model/correlated-effects.js';
import { constrain, constrainedDim, constrainedNames, unconstrain, unconstrainedNames } from '../../src/model/layout.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { maxFiniteDifferenceError } from '../helpers/finite-differences.js';
import { correlatedPositions, correlatedSpec, relDiff } from '../helpers/specs.js';

async function evaluate(spec: ModelSpec, positions: Float64Array, nChains: number, kind: 'reference' | 'native' = 'reference') {
  const backend = await createBackend(kind, spec, { maxChains: nChains, threads: 1 });
  const logp = new Float64Array(nChains);
  const grad = new Float64Array(nChains * spec.dim);
  await backend.logDensityGradient(positions, nChains, logp, grad);
  return { backend, logp, grad };
}

/** log N(x | 0, Σ) for Σ (m × m, row-major) by a plain Cholesky factorisation. */
function logMvn(x: Float64Array, S: Float64Array, m: number): number {
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = S[i * m + j];
      for (let k = 0; k < j; k++) s -= C[i * m + k] * C[j * m + k];
      C[i * m + j] = i === j ? Math.sqrt(s) : s / C[j * m + j];
    }
  }
  const w = new Float64Array(m);
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < m; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= C[i * m + k] * w[k];
    w[i] = s / C[i * m + i];
    quad += w[i] * w[i];
    logDet += Math.log(C[i * m + i]);
  }
  return -0.5 * m * Math.log(2 * Math.PI) - logDet - 0.5 * quad;
}

const CASES = [
  { name: 'm = 2, non-centered', blocks: [{ K: 6, m: 2, parameterization: 'noncentered' as const }] },
  { name: 'm = 2, centered', blocks: [{ K: 6, m: 2, parameterization: 'centered' as const, eta: 2 }] },
  { name: 'm = 3, non-centered, η = 0.8', blocks: [{ K: 5, m: 3, parameterization: 'noncentered' as const, eta: 0.8 }] },
  { name: 'm = 3, centered', blocks: [{ K: 5, m: 3, parameterization: 'centered' as const }] },
  {
    name: 'three groups (m = 2 centered, m = 3 non-centered, m = 4 centered) with a split term and the QR basis',
    blocks: [
      { K: 4, m: 2, parameterization: 'centered' as const },
      { K: 7, m: 3, parameterization: 'noncentered' as const, eta: 3 },
      { K: 3, m: 4, parameterization: 'centered' as const, eta: 1.5 },
    ],
    splitTerm: true,
    fixedBasis: true,
  },
  {
    name: 'folded into the intercept and x1: m = 2 centered, m = 3 non-centered, with a split term and the QR basis',
    blocks: [
      { K: 4, m: 2, parameterization: 'centered' as const },
      { K: 6, m: 3, parameterization: 'noncentered' as const, eta: 2 },
    ],
    splitTerm: true,
    fixedBasis: true,
    fold: true,
  },
  {
    name: 'folded, natural fixed coordinates, m = 2 non-centered and centered',
    blocks: [
      { K: 5, m: 2, parameterization: 'noncentered' as const },
      { K: 3, m: 2, parameterization: 'centered' as const },
    ],
    fold: true,
  },
  {
    name: 'split, folded: m = 2 and m = 3 with a split independent term and the QR basis',
    blocks: [
      { K: 5, m: 2, parameterization: 'split' as const },
      { K: 4, m: 3, parameterization: 'split' as const, eta: 1.4 },
    ],
    splitTerm: true,
    fixedBasis: true,
    fold: true,
  },
  {
    name: 'split, not folded, m = 3',
    blocks: [{ K: 6, m: 3, parameterization: 'split' as const, eta: 0.9 }],
  },
  {
    name: 'gaussian, m = 3 non-centered and m = 2 centered',
    blocks: [
      { K: 5, m: 3, parameterization: 'noncentered' as const },
      { K: 4, m: 2, parameterization: 'centered' as const },
    ],
    family: 'gaussian' as const,
  },
];

describe('correlated blocks: gradient', () => {
  for (const c of CASES) {
    it(`${c.name}: the gradient equals central finite differences (1e-6 relative), at 3 random positions`, async () => {
      const spec = correlatedSpec({ n: 300, seed: 11, ...c });
      const positions = correlatedPositions(spec, 3, 5);
      const { backend, logp, grad } = await evaluate(spec, positions, 3);
      for (let ch = 0; ch < 3; ch++) {
        expect(Number.isFinite(logp[ch])).toBe(true);
        const pos = positions.slice(ch * spec.dim, (ch + 1) * spec.dim);
        const err = await maxFiniteDifferenceError(spec, (q, n, lp, g) => backend.logDensityGradient(q, n, lp, g), pos, grad.slice(ch * spec.dim, (ch + 1) * spec.dim));
        expect(err).toBeLessThan(1e-6);
      }
      await backend.dispose();
    });
  }
});

describe('correlated blocks: log density', () => {
  for (const m of [2, 3]) {
    it(`m = ${m}, centered: log p minus the independent model's equals Σ_k [log MVN(r_k | 0, DΩD) − Σ_i log N(r_ki | 0, sd_i)] + log p(y)`, async () => {
      const spec = correlatedSpec({ n: 200, seed: 3, blocks: [{ K: 4, m, parameterization: 'centered', eta: 1.6 }] });
      const independent: ModelSpec = { ...spec, correlated: [] };
      const positions = correlatedPositions(spec, 2, 9);
      const corr = await evaluate(spec, positions, 2);
      const indep = await evaluate(independent, positions, 2);
      const block = spec.correlated![0];
      for (let ch = 0; ch < 2; ch++) {
        const at = ch * spec.dim;
        const L = new Float64Array(m * m);
        choleskyFromCpc(positions, at + block.cpcIndex, m, L);
        const sd = block.terms.map((t) => Math.exp(positions[at + spec.terms[t].sdIndex]));
        const S = new Float64Array(m * m);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < m; j++) {
            let o = 0;
            for (let k = 0; k < m; k++) o += L[i * m + k] * L[j * m + k];
            S[i * m + j] = sd[i] * sd[j] * o;
          }
        }
        let expected = cpcLogPrior(positions, at + block.cpcIndex, m, block.eta, lkjLogNormalizer(m, block.eta));
        for (let k = 0; k < 4; k++) {
          const r = Float64Array.from(block.terms, (t) => positions[at + spec.terms[t].offset + k]);
          expected += logMvn(r, S, m);
          for (let i = 0; i < m; i++) expected -= -0.5 * Math.log(2 * Math.PI) - Math.log(sd[i]) - 0.5 * (r[i] / sd[i]) ** 2;
        }
        expect(Math.abs(corr.logp[ch] - indep.logp[ch] - expected)).toBeLessThan(1e-9);
      }
    });
  }

  it('non-centered and centered blocks at the same effects differ by the log-Jacobian K·Σ_i log(sd_i L_ii) of r = D L z', async () => {
    const m = 3;
    const K = 5;
    const centered = correlatedSpec({ n: 200, seed: 4, blocks: [{ K, m, parameterization: 'centered', eta: 2 }] });
    const noncentered: ModelSpec = { ...centered, terms: centered.terms.map((t) => ({ ...t, parameterization: 'noncentered' })), correlated: [{ ...centered.correlated![0], parameterization: 'noncentered' }] };
    const z = correlatedPositions(noncentered, 1, 13);
    const r = z.slice();
    new CorrelatedBlockDensity(noncentered, noncentered.correlated![0]).effects(z, 0, r, 0);
    const a = await evaluate(noncentered, z, 1);
    const b = await evaluate(centered, r, 1);
    const L = new Float64Array(m * m);
    choleskyFromCpc(z, centered.correlated![0].cpcIndex, m, L);
    let logJ = 0;
    for (const [i, t] of centered.correlated![0].terms.entries()) logJ += K * (z[centered.terms[t].sdIndex] + Math.log(L[i * m + i]));
    expect(Math.abs(a.logp[0] - (b.logp[0] + logJ))).toBeLessThan(1e-9);
  });

  it('a fold is a shear (Jacobian 1): the folded model at θ equals the unfolded one at the same constrained values', async () => {
    const folded = correlatedSpec({ n: 150, seed: 5, blocks: [{ K: 4, m: 2, parameterization: 'centered' }, { K: 5, m: 3, parameterization: 'noncentered' }], fold: true, fixedBasis: true });
    const plain: ModelSpec = { ...folded, correlated: folded.correlated!.map(({ foldColumns: _f, ...b }) => b) };
    const theta = correlatedPositions(folded, 2, 3);
    const mapped = new Float64Array(theta.length);
    const values = new Float64Array(constrainedDim(folded));
    for (let c = 0; c < 2; c++) {
      constrain(folded, theta.subarray(c * folded.dim, (c + 1) * folded.dim), values);
      unconstrain(plain, values, mapped.subarray(c * folded.dim, (c + 1) * folded.dim));
    }
    expect(Math.abs(mapped[0] - theta[0])).toBeGreaterThan(1e-3); // the coordinates differ…
    const a = await evaluate(folded, theta, 2);
    const b = await evaluate(plain, mapped, 2);
    for (let c = 0; c < 2; c++) expect(Math.abs(a.logp[c] - b.logp[c])).toBeLessThan(1e-9); // …the density does not
  });

  it('split and centered blocks at the same effects differ by the log-Jacobian Σ_i log(sd_i L_ii) of μ = D L u', async () => {
    const m = 3;
    const centered = correlatedSpec({ n: 200, seed: 4, blocks: [{ K: 5, m, parameterization: 'centered', eta: 2 }] });
    const split: ModelSpec = { ...centered, terms: centered.terms.map((t) => ({ ...t, parameterization: 'split' })), correlated: [{ ...centered.correlated![0], parameterization: 'split' }] };
    const coords = correlatedPositions(split, 1, 13);
    const r = coords.slice();
    new CorrelatedBlockDensity(split, split.correlated![0]).effects(coords, 0, r, 0);
    const a = await evaluate(split, coords, 1);
    const b = await evaluate(centered, r, 1);
    const L = new Float64Array(m * m);
    choleskyFromCpc(coords, centered.correlated![0].cpcIndex, m, L);
    let logJ = 0;
    for (const [i, t] of centered.correlated![0].terms.entries()) logJ += coords[centered.terms[t].sdIndex] + Math.log(L[i * m + i]);
    expect(Math.abs(a.logp[0] - (b.logp[0] + logJ))).toBeLessThan(1e-9);
  });

  it('the pointwise log-likelihood through the map is the independent model at the effects r = D L z', async () => {
    const spec = correlatedSpec({ n: 120, seed: 6, blocks: [{ K: 5, m: 3, parameterization: 'noncentered' }], family: 'gaussian' });
    const draws = correlatedPositions(spec, 3, 2);
    const { backend } = await evaluate(spec, draws, 3);
    const out = new Float64Array(3 * 40);
    await backend.pointwiseLogLik(draws, 3, 50, 40, out);
    // the same effects as centered independent coordinates
    const plain: ModelSpec = { ...spec, terms: spec.terms.map((t) => ({ ...t, parameterization: 'centered' })), correlated: [] };
    const mapped = draws.slice();
    const density = new CorrelatedBlockDensity(spec, spec.correlated![0]);
    for (let s = 0; s < 3; s++) density.effects(draws, s * spec.dim, mapped, s * spec.dim);
    const ref = await evaluate(plain, mapped, 3);
    const expected = new Float64Array(3 * 40);
    await ref.backend.pointwiseLogLik(mapped, 3, 50, 40, expected);
    for (let j = 0; j < out.length; j++) expect(Math.abs(out[j] - expected[j])).toBeLessThan(1e-12);
  });
});

describe.skipIf(!loadNativeAddon())('correlated blocks: native against reference through the map', () => {
  for (const c of [CASES[0], CASES[3], CASES[4], CASES[5], CASES[7]]) {
    it(`${c.name}: log density and gradient agree to 1e-10 (relative) for 1 and 4 chains`, async () => {
      const spec = correlatedSpec({ n: 500, seed: 21, ...c });
      for (const chains of [1, 4]) {
        const positions = correlatedPositions(spec, chains, 17);
        const ref = await evaluate(spec, positions, chains, 'reference');
        const nat = await evaluate(spec, positions, chains, 'native');
        expect(nat.backend.kind).toBe('native');
        for (let ch = 0; ch < chains; ch++) expect(relDiff(nat.logp[ch], ref.logp[ch])).toBeLessThan(1e-10);
        let scale = 0;
        for (const g of ref.grad) scale = Math.max(scale, Math.abs(g));
        for (let j = 0; j < ref.grad.length; j++) expect(Math.abs(nat.grad[j] - ref.grad[j]) / Math.max(Math.abs(ref.grad[j]), 1e-3 * scale)).toBeLessThan(1e-10);
        await ref.backend.dispose();
        await nat.backend.dispose();
      }
    });
  }
});

describe('correlated blocks: constrained output', () => {
  for (const c of CASES) {
    it(`${c.name}: cor_ = Ω = L Lᵀ, r_ = the effects, and unconstrain inverts constrain`, () => {
      const spec = correlatedSpec({ n: 100, seed: 8, ...c });
      const names = constrainedNames(spec);
      expect(names).toHaveLength(constrainedDim(spec));
      expect(unconstrainedNames(spec)).toHaveLength(spec.dim);
      expect(names.some((n) => n.startsWith('z_'))).toBe(false); // a block's z are not output
      const theta = correlatedPositions(spec, 1, 31);
      const out = new Float64Array(constrainedDim(spec));
      constrain(spec, theta, out);
      for (const [b, block] of (spec.correlated ?? []).entries()) {
        const m = block.terms.length;
        const L = new Float64Array(m * m);
        choleskyFromCpc(theta, block.cpcIndex, m, L);
        const density = new CorrelatedBlockDensity(spec, block);
        const r = theta.slice();
        density.effects(theta, 0, r, 0);
        const label = (t: number) => `${spec.groups[block.group].name}__${spec.terms[t].term}`;
        for (let i = 1; i < m; i++) {
          for (let j = 0; j < i; j++) {
            let o = 0;
            for (let k = 0; k < m; k++) o += L[i * m + k] * L[j * m + k];
            const name = `cor_${label(block.terms[j])}__${spec.terms[block.terms[i]].term}`;
            expect(out[names.indexOf(name)], `${name} (block ${b})`).toBeCloseTo(o, 14);
          }
        }
        for (const t of block.terms) {
          const first = names.indexOf(`r_${label(t)}[1]`);
          for (let k = 0; k < density.K; k++) expect(out[first + k]).toBeCloseTo(r[spec.terms[t].offset + k], 13);
        }
      }
      const back = new Float64Array(spec.dim);
      unconstrain(spec, out, back);
      for (let j = 0; j < spec.dim; j++) expect(Math.abs(back[j] - theta[j]), unconstrainedNames(spec)[j]).toBeLessThan(1e-10);
    });
  }
});

describe('correlated blocks: webgpu against reference through the map', () => {
  it('folded m = 2 centered and m = 3 non-centered blocks with a split term and the QR basis: logp and gradient (norm-relative) within 1e-5 (f32), 1 and 4 chains', async (ctx) => {
    const spec = correlatedSpec({ n: 700, seed: 23, ...CASES[5] });
    let gpu;
    try {
      gpu = await createBackend('webgpu', spec, { maxChains: 4 });
    } catch {
      ctx.skip(); // no WebGPU adapter here (tests/backend/webgpu.test.ts covers the adapter itself)
      return;
    }
    for (const chains of [1, 4]) {
      const positions = correlatedPositions(spec, chains, 19);
      const ref = await evaluate(spec, positions, chains, 'reference');
      const logp = new Float64Array(chains);
      const grad = new Float64Array(chains * spec.dim);
      await gpu.logDensityGradient(positions, chains, logp, grad);
      for (let ch = 0; ch < chains; ch++) {
        expect(relDiff(logp[ch], ref.logp[ch])).toBeLessThan(1e-5);
        let num = 0;
        let den = 0;
        for (let j = ch * spec.dim; j < (ch + 1) * spec.dim; j++) {
          num += (grad[j] - ref.grad[j]) ** 2;
          den += ref.grad[j] ** 2;
        }
        expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
      }
    }
    await gpu.dispose();
  }, 60_000);
});
