/** PSIS edge cases, tail length and r_eff against R loo 2.5.1 (tests/fixtures/loo/small.*, made by
 * make-extra-references.R: 20 draws, so the tail is shorter than 5 and nothing is smoothed). */
import { describe, expect, it } from 'vitest';
import { psisLoo } from '../../src/loo/loo.js';
import { paretoTailLength } from '../../src/loo/psis.js';
import { EssWorkspace, chainLayout, fftNextGoodSize, relativeEff } from '../../src/loo/relative-eff.js';
import { UserError } from '../../src/errors.js';
import { maxAbsError, maxRelError, numbers, readRCsv } from './fixtures.js';

function smallMatrix(): { matrix: Float64Array; nDraws: number; nObs: number } {
  const cols = readRCsv('small.loglik.csv');
  const names = Object.keys(cols);
  const nDraws = cols[names[0]].length;
  const matrix = new Float64Array(nDraws * names.length);
  names.forEach((name, j) => cols[name].forEach((v, s) => (matrix[s * names.length + j] = v as number)));
  return { matrix, nDraws, nObs: names.length };
}

describe('PSIS-LOO on 20 draws (R loo 2.5.1)', () => {
  const { matrix, nDraws, nObs } = smallMatrix();
  const ref = readRCsv('small.pointwise.csv');
  const chains = Uint32Array.from({ length: nDraws }, (_, s) => (s < 10 ? 1 : 2));

  it('tail shorter than 5: raw weights, k = Inf, elpd_loo and p_loo as R', () => {
    const r = psisLoo(matrix, nDraws, nObs, chains, { rEff: 'one' });
    expect(Array.from(r.pointwise.paretoK)).toEqual(numbers(ref.influence_pareto_k));
    expect(maxRelError(r.pointwise.elpdLoo, numbers(ref.elpd_loo))).toBeLessThan(1e-12);
    expect(maxAbsError(r.pointwise.pLoo, numbers(ref.p_loo))).toBeLessThan(1e-12);
    expect(r.paretoKTable.veryBad).toBe(nObs);
    expect(r.warnings.join(' ')).toMatch(/too few draws \(20\) to fit the Pareto tail/);
  });

  it('r_eff from 2 chains, including the 1/log10(S) cap and the constant-column quirk (0.5)', () => {
    const r = psisLoo(matrix, nDraws, nObs, chains);
    expect(maxRelError(r.pointwise.rEff, numbers(ref.r_eff_chains))).toBeLessThan(1e-12);
    expect(r.pointwise.rEff[5]).toBe(0.5);
  });
});

describe('tail length and layout helpers', () => {
  it('M = ceil(min(0.2 S, 3 sqrt(S / r_eff)))', () => {
    expect(paretoTailLength(1, 1000)).toBe(95); // 3·√1000 = 94.87
    expect(paretoTailLength(1, 4000)).toBe(190);
    expect(paretoTailLength(0.01, 1000)).toBe(200); // 0.2·S binds
    expect(paretoTailLength(1, 20)).toBe(4);
  });

  it('next FFT-friendly size (products of 2, 3, 5)', () => {
    expect([1, 2, 7, 250, 999, 1000, 1001].map(fftNextGoodSize)).toEqual([2, 2, 8, 250, 1000, 1000, 1024]);
  });

  it('chains of unequal length are a UserError', () => {
    expect(() => chainLayout(Uint32Array.from([1, 1, 2]))).toThrow(UserError);
    const layout = chainLayout(Uint32Array.from([2, 1, 2, 1]));
    expect(Array.from(layout.order)).toEqual([1, 3, 0, 2]);
  });

  it('a non-finite log-likelihood is a UserError naming the observation and draw', () => {
    const m = new Float64Array(20).fill(-1);
    m[2 * 2 + 1] = -Infinity;
    expect(() => psisLoo(m, 10, 2, new Uint32Array(10).fill(1))).toThrow(/observation 2, draw 3/);
  });
});

describe('r_eff of slowly mixing chains (R loo 2.5.1 relative_eff, tests/fixtures/loo/ar.*)', () => {
  it('AR(1) with rho 0.995, 0.9, -0.3 in 4 chains of 999 draws, by lag sums and by FFT', () => {
    const cols = readRCsv('ar.loglik.csv');
    const ref = numbers(readRCsv('ar.r_eff.csv').r_eff);
    const chains = Uint32Array.from(numbers(cols.chain));
    const layout = chainLayout(chains);
    const names = ['ll.1', 'll.2', 'll.3'];
    for (const directLags of [0, 64, Infinity]) {
      const ws = new EssWorkspace(layout.nChains, layout.drawsPerChain, directLags);
      const scratch = new Float64Array(chains.length);
      const got = names.map((name) => relativeEff(Float64Array.from(numbers(cols[name])), layout, ws, scratch));
      expect(maxRelError(got, ref)).toBeLessThan(1e-9);
    }
  });
});

describe('given r_eff', () => {
  it('is used as given, and must be positive (UserError)', () => {
    const { matrix, nDraws, nObs } = smallMatrix();
    const chains = new Uint32Array(nDraws).fill(1);
    const given = new Float64Array(nObs).fill(1);
    expect(psisLoo(matrix, nDraws, nObs, chains, { rEff: given }).pointwise).toEqual(
      psisLoo(matrix, nDraws, nObs, chains, { rEff: 'one' }).pointwise,
    );
    given[3] = 0;
    expect(() => psisLoo(matrix, nDraws, nObs, chains, { rEff: given })).toThrow(/r_eff of observation 4 is 0/);
  });
});
