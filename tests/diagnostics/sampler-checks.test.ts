/**
 * Sampler checks: E-BFMI against its closed form (Betancourt 2016, as Stan's `diagnose` computes it:
 * Σ(Eₙ − Eₙ₋₁)² / Σ(Eₙ − Ē)²), divergence and tree-depth counts, and the plain-language warnings with their
 * thresholds (E-BFMI < 0.3, R-hat > 1.01, ESS < 100 per chain).
 */
import { describe, expect, it } from 'vitest';
import {
  convergenceWarnings,
  ebfmi,
  samplerDiagnostics,
  samplerWarnings,
} from '../../src/diagnostics/sampler-checks.js';
import type { SummaryRow } from '../../src/diagnostics/summary.js';
import { makeDrawSet } from '../../src/draws.js';
import { Rng } from '../../src/rng.js';

const STATS = ['lp__', 'accept_stat__', 'stepsize__', 'treedepth__', 'n_leapfrog__', 'divergent__', 'energy__'];

describe('ebfmi', () => {
  it('closed form on a small sequence', () => {
    // differences 1, 2, 3 → 14; deviations from 3.5: −2.5, −1.5, 0.5, 3.5 → 21
    expect(ebfmi(Float64Array.from([1, 2, 4, 7]))).toBeCloseTo(14 / 21, 15);
  });
  it('about 2 for independent energies, near 0 for a random walk', () => {
    const rng = new Rng(3);
    const iid = Float64Array.from({ length: 20000 }, () => rng.normal());
    expect(ebfmi(iid)).toBeGreaterThan(1.9);
    let e = 0;
    const walk = Float64Array.from({ length: 20000 }, () => (e += 0.1 * rng.normal()));
    expect(ebfmi(walk)).toBeLessThan(0.01);
  });
});

function fakeStats(): ReturnType<typeof makeDrawSet> {
  const nChains = 2;
  const nDraws = 1000;
  const ds = makeDrawSet(STATS, nChains, nDraws);
  const rng = new Rng(8);
  const at = (name: string, c: number, d: number): number => (STATS.indexOf(name) * nChains + c) * nDraws + d;
  let walk = 0;
  for (let c = 0; c < nChains; c++) {
    for (let d = 0; d < nDraws; d++) {
      ds.values[at('treedepth__', c, d)] = d < 25 ? 10 : 3; // 25 hits per chain
      ds.values[at('divergent__', c, d)] = c === 1 && d % 100 === 0 ? 1 : 0; // 10 in chain 2
      // chain 1: independent energies (E-BFMI ≈ 2); chain 2: a slow random walk (E-BFMI ≈ 0)
      ds.values[at('energy__', c, d)] = c === 0 ? rng.normal() : (walk += 0.05 * rng.normal());
    }
  }
  return ds;
}

describe('sampler diagnostics and warnings', () => {
  it('counts divergences and max-tree-depth hits, E-BFMI per chain', () => {
    const d = samplerDiagnostics(fakeStats(), 10);
    expect(d.draws).toBe(2000);
    expect(d.divergences).toBe(10);
    expect(d.treedepthHits).toBe(50);
    expect(d.ebfmi).toHaveLength(2);
    expect(d.ebfmi[0]).toBeGreaterThan(1.5);
    expect(d.ebfmi[1]).toBeLessThan(0.3);
  });
  it('one warning per problem, saying what was found and what to try', () => {
    const w = samplerWarnings(samplerDiagnostics(fakeStats(), 10));
    expect(w.map((x) => x.code)).toEqual(['divergences', 'treedepth', 'ebfmi']);
    expect(w[0].message).toMatch(/^10 of 2000 draws \(0\.5%\) ended in a divergent transition/);
    expect(w[0].message).toMatch(/adapt_delta/);
    expect(w[1].message).toMatch(/^50 of 2000 draws \(2\.5%\) hit the maximum tree depth of 10/);
    expect(w[2].message).toMatch(/E-BFMI below 0\.3 \(chain 2: 0\.\d\d\)/);
    expect(w[2].message).not.toMatch(/chain 1/);
  });
  it('a higher maximum depth means no hits; missing columns mean no check', () => {
    expect(samplerDiagnostics(fakeStats(), 12).treedepthHits).toBe(0);
    const only = makeDrawSet(['lp__'], 1, 10);
    expect(samplerWarnings(samplerDiagnostics(only))).toEqual([]);
  });
});

describe('convergence warnings', () => {
  const row = (variable: string, rhat: number | null, bulk: number | null, tail: number | null): SummaryRow => ({
    variable, mean: 0, median: 0, sd: 1, mad: 1, q5: -1.6, q95: 1.6, rhat, ess_bulk: bulk, ess_tail: tail,
    mcse_mean: 0, mcse_sd: 0, mcse_q5: 0, mcse_q95: 0, hdi_low: -1.9, hdi_high: 1.9,
  });
  it('R-hat above 1.01 and ESS below 100 per chain are flagged; NA is not', () => {
    const rows = [row('a', 1.005, 3000, 2500), row('b', 1.2, 15, 40), row('c', null, null, null), row('d', 1.0, 1000, 390)];
    const w = convergenceWarnings(rows, 4);
    expect(w.map((x) => x.code)).toEqual(['rhat', 'ess']);
    expect(w[0].message).toMatch(/^R-hat above 1\.01 for 1 variable \(b 1\.200\)/);
    expect(w[0].message).toMatch(/Run longer chains/);
    expect(w[1].message).toMatch(/below 400 \(100 per chain\) for 2 variables \(b bulk 15, tail 40, d bulk 1000, tail 390\)/);
  });
  it('nothing to say about a healthy fit', () => {
    expect(convergenceWarnings([row('a', 1.001, 3000, 2500)], 4)).toEqual([]);
  });
});
