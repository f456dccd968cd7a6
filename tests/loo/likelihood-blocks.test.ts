/**
 * LOO of a run in the likelihood's coordinates (src/model/likelihood-spec.ts, src/loo/likelihood-draws.ts): blocks of
 * rows whose draws carry only the coordinates those rows read give the pointwise log-likelihood of the whole
 * S × N matrix that the sampler's own backend computes from the unconstrained draws (every coordinate map in
 * place: folded means, Helmert-rotated or split levels, the QR basis, signed or scaled sds, correlated blocks), and
 * PSIS-LOO on those blocks gives psisLoo of that matrix (itself checked against R loo 2.5.1 in golden.test.ts). The
 * two paths compute η from different coordinates (b and r as stored vs the sampler's), so they agree to rounding:
 * 1e-12 relative (1e-11 on the native backend, whose Helmert map sums in another order), not bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { createBackend, type BackendChoice } from '../../src/backend/select.js';
import { loadNativeAddon } from '../../src/backend/native.js';
import { makeDrawSet, type DrawSet } from '../../src/draws.js';
import { simulateLevels } from '../../src/data/simulate/levels.js';
import { blocksFromBackend, type DrawSource } from '../../src/loo/backend-blocks.js';
import { likelihoodDrawSource } from '../../src/loo/likelihood-draws.js';
import { psisLoo } from '../../src/loo/loo.js';
import { looOfRebuiltRun } from '../../src/loo/run-loo.js';
import { buildModel, type BuildOptions } from '../../src/model/build.js';
import { constrain, constrainedDim, constrainedNames } from '../../src/model/layout.js';
import { likelihoodSources, likelihoodSpec, rowCoordinateReader } from '../../src/model/likelihood-spec.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { Rng } from '../../src/rng.js';
import { relDiff } from '../helpers/specs.js';

const TOL = 1e-12;
/**
 * The native backend's whole matrix: its AVX-512 Helmert map adds the levels in another order than the TypeScript
 * map (native/src/level_passes_impl.hpp), one more rounding between the two paths (1.2e-12 seen on the gaussian case).
 */
const NATIVE_TOL = 1e-11;
const CHAINS = 2;
const PER_CHAIN = 60;
const S = CHAINS * PER_CHAIN;
const BACKENDS: BackendChoice[] = ['reference', ...(loadNativeAddon() ? (['native'] as const) : [])];

interface Case {
  readonly name: string;
  readonly formula: string;
  readonly options: BuildOptions;
}

// sim:levels with 600 rows: 60 levels of 10 rows each, in random order, so a block of 7 rows has up to 7 levels
const CASES: Case[] = [
  { name: 'non-centered by the rule (folded, rotated, QR basis)', formula: 'y ~ x + (1 | g)', options: {} },
  { name: 'split', formula: 'y ~ x + (1 | g)', options: { parameterization: { g: 'split' } } },
  { name: 'centered, natural basis', formula: 'y ~ x + (1 | g)', options: { parameterization: { g: 'centered' }, fixedBasis: 'natural' } },
  { name: 'signed sd', formula: 'y ~ x + (1 | g)', options: { parameterization: { g: 'noncentered' }, sdScale: 'signed' } },
  { name: 'correlated intercept and slope', formula: 'y ~ x + (1 + x | g)', options: {} },
  { name: 'gaussian (sigma on log scale)', formula: 'x ~ y + (1 | g)', options: { family: 'gaussian' } },
  { name: 'a categorical fixed effect stored as level indices', formula: 'y ~ x + g', options: { indexedAbove: 0 } },
];

/** Random unconstrained positions of `spec` (S × dim) and their constrained draws (CHAINS chains of PER_CHAIN). */
function randomDraws(spec: ModelSpec, seed: number): { theta: Float64Array; draws: DrawSet } {
  const rng = new Rng(seed, 1);
  const theta = new Float64Array(S * spec.dim);
  for (let i = 0; i < theta.length; i++) theta[i] = 0.4 * rng.normal();
  const names = constrainedNames(spec);
  const draws = makeDrawSet(names, CHAINS, PER_CHAIN);
  const row = new Float64Array(constrainedDim(spec));
  for (let s = 0; s < S; s++) {
    constrain(spec, theta.subarray(s * spec.dim, (s + 1) * spec.dim), row);
    for (let v = 0; v < names.length; v++) draws.values[v * S + s] = row[v];
  }
  return { theta, draws };
}

/** The S × N matrix from the sampler's coordinates, every draw and row in one call of the model's own backend. */
async function wholeMatrix(choice: BackendChoice, spec: ModelSpec, theta: Float64Array): Promise<Float64Array> {
  const backend = await createBackend(choice, spec, { maxChains: 1, maxDraws: S });
  const out = new Float64Array(S * spec.n);
  await backend.pointwiseLogLik(theta, S, 0, spec.n, out);
  await backend.dispose();
  return out;
}

/** The source's draws with every coordinate the block's rows do not read set to NaN: what a block may not depend on. */
function poisoned(lik: ModelSpec, source: DrawSource): DrawSource {
  const reader = rowCoordinateReader(lik);
  return {
    perPiece: source.perPiece,
    draws(first, count, rowStart, rowCount) {
      const draws = source.draws(first, count, rowStart, rowCount).slice();
      const read = new Uint8Array(lik.dim);
      for (const j of reader(rowStart, rowCount)) read[j] = 1;
      for (let s = 0; s < count; s++) for (let j = 0; j < lik.dim; j++) if (!read[j]) draws[s * lik.dim + j] = NaN;
      return draws;
    },
  };
}

describe('LOO in the likelihood coordinates, block by block', () => {
  const frame = simulateLevels({ n: 600, seed: 4 }).frame;
  for (const [c, { name, formula, options }] of CASES.entries()) {
    it(`${name}: blocks of 7 rows × 5 draws reading only their rows' coordinates equal the whole matrix; LOO equals psisLoo of it`, async () => {
      const { spec } = buildModel(frame, formula, options);
      const { theta, draws } = randomDraws(spec, 11 + c);
      const lik = likelihoodSpec(spec);
      const sources = likelihoodSources(lik, draws.names, (n) => {
        throw new Error(`missing ${n}`);
      });
      for (const choice of BACKENDS) {
        // the same kernels both ways (native and reference agree to 1e-10: tests/backend/native.test.ts)
        const whole = await wholeMatrix(choice, spec, theta);
        const backend = await createBackend(choice, lik, { maxChains: 1, maxDraws: 5 });
        let rows = 0;
        let worst = 0;
        for await (const block of blocksFromBackend(backend, poisoned(lik, likelihoodDrawSource(lik, draws, sources, 5)), S, 7, { maxDrawsPerCall: 5 })) {
          for (let s = 0; s < S; s++) {
            for (let i = 0; i < block.count; i++) worst = Math.max(worst, relDiff(block.values[s * block.count + i], whole[s * spec.n + block.start + i]));
          }
          rows += block.count;
        }
        await backend.dispose();
        expect(rows).toBe(spec.n);
        expect(worst, choice).toBeLessThan(choice === 'native' ? NATIVE_TOL : TOL);
      }
      const chainOfDraw = new Uint32Array(S).fill(1, PER_CHAIN);
      const expected = psisLoo(await wholeMatrix('reference', spec, theta), S, spec.n, chainOfDraw);
      for (const choice of ['reference'] as const) {
        const got = await looOfRebuiltRun({ model: { spec }, draws }, { backend: choice, blockRows: 7, maxDrawsPerCall: 5 });
        expect(relDiff(got.elpdLoo.estimate, expected.elpdLoo.estimate)).toBeLessThan(TOL);
        expect(relDiff(got.pLoo.estimate, expected.pLoo.estimate)).toBeLessThan(1e-10);
        for (let i = 0; i < spec.n; i++) expect(relDiff(got.pointwise.elpdLoo[i], expected.pointwise.elpdLoo[i])).toBeLessThan(TOL);
      }
    });
  }

  it('the coordinates a block reads: the fixed ones, each sd and the aux, and the rows\' levels once each', () => {
    const { spec } = buildModel(frame, 'y ~ x + (1 + x || g)', { parameterization: { g: 'centered' } });
    const lik = likelihoodSpec(spec);
    const read = rowCoordinateReader(lik);
    const level = lik.groups[0].index;
    const rows = [0, 1, 2, 3].map((i) => level[i]);
    const expected = new Set<number>([...Array.from({ length: lik.fixed.names.length }, (_, j) => j), ...lik.terms.map((t) => t.sdIndex)]);
    for (const t of lik.terms) for (const k of rows) expected.add(t.offset + k);
    const got = Array.from(read(0, 4));
    expect(new Set(got)).toEqual(expected);
    expect(got.length).toBe(expected.size);
  });
});
