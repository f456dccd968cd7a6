/**
 * Per-term sampler efficiency (src/diagnostics/term-efficiency.ts): the figures are the minimum / maximum over the
 * term's sd and level effects of diagnostics computed elsewhere (ess.ts and rhat.ts, checked against R posterior in
 * golden.test.ts), so the reference here is that arithmetic done by hand on chosen values, and the variable names must
 * be the ones the draws carry (constrainedNames).
 */
import { describe, expect, it } from 'vitest';
import { builtinDataset } from '../../src/data/datasets.js';
import { CROSSED_FORMULA } from '../../src/data/simulate/crossed.js';
import { variableChains } from '../../src/diagnostics/chains.js';
import { essBulk } from '../../src/diagnostics/ess.js';
import { rhat } from '../../src/diagnostics/rhat.js';
import { diagnosticsFromRows, termEfficiency, termShapes, termVariables } from '../../src/diagnostics/term-efficiency.js';
import { makeDrawSet } from '../../src/draws.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { termEfficiencyLine } from '../../src/report/term-efficiency-text.js';
import { Rng } from '../../src/rng.js';

describe('termEfficiency', () => {
  const terms = [
    { term: 'g__Intercept', parameterization: 'noncentered' as const, levels: 3 },
    { term: 'h__x', parameterization: 'split' as const, levels: 2 },
  ];
  const table: Record<string, { essBulk: number | null; rhat: number | null }> = {
    'sd_g__Intercept': { essBulk: 900, rhat: 1.002 },
    'r_g__Intercept[1]': { essBulk: 1500, rhat: 1.001 },
    'r_g__Intercept[2]': { essBulk: 420, rhat: 1.007 },
    'r_g__Intercept[3]': { essBulk: null, rhat: null },
    'sd_h__x': { essBulk: 250, rhat: 1.02 },
    'r_h__x[1]': { essBulk: 3000, rhat: 1.0 },
  };

  it('takes the smallest bulk-ESS and largest R-hat over the sd and the level effects, per 1,000 gradients of the fit', () => {
    const [g, h] = termEfficiency(terms, (n) => table[n], 200_000);
    expect(g).toEqual({
      term: 'g__Intercept', parameterization: 'noncentered', levels: 3, sdEssBulk: 900, minEssBulk: 420,
      minEssVariable: 'r_g__Intercept[2]', maxRhat: 1.007, essPer1000Gradients: 2.1,
    });
    // r_h__x[2] was not summarised: skipped, not counted as missing ESS
    expect(h).toMatchObject({ sdEssBulk: 250, minEssBulk: 250, minEssVariable: 'sd_h__x', maxRhat: 1.02, essPer1000Gradients: 1.25 });
  });

  it('says NA (null) when no variable of a term has a defined ESS, or no gradients were counted', () => {
    const [g] = termEfficiency([terms[0]], () => ({ essBulk: null, rhat: null }), 1000);
    expect(g).toMatchObject({ sdEssBulk: null, minEssBulk: null, minEssVariable: null, maxRhat: null, essPer1000Gradients: null });
    expect(termEfficiency([terms[1]], (n) => table[n], 0)[0].essPer1000Gradients).toBeNull();
    expect(termEfficiencyLine(g)).toBe('term g__Intercept (noncentered, 3 levels): min bulk-ESS NA, sd NA; NA per 1,000 gradients; max R-hat NA');
  });

  it('prints one line per term with the figures', () => {
    const [g] = termEfficiency([{ ...terms[0], levels: 3000 }], (n) => table[n], 200_000);
    expect(termEfficiencyLine(g)).toBe(
      'term g__Intercept (noncentered, 3,000 levels): min bulk-ESS 420 (r_g__Intercept[2]), sd 900; 2.10 per 1,000 gradients; max R-hat 1.007',
    );
  });
});

describe('termShapes and diagnosticsFromRows', () => {
  it('names exactly the sd and r_ variables of every term that the draws carry', () => {
    const { frame } = builtinDataset('crossed', 3, 600);
    const { spec } = buildModel(frame, CROSSED_FORMULA);
    const shapes = termShapes(spec);
    expect(shapes.map((t) => [t.term, t.levels])).toEqual([
      ['student__Intercept', 18],
      ['instructor__Intercept', 6],
    ]);
    const names = new Set(constrainedNames(spec));
    const wanted = shapes.flatMap(termVariables);
    expect(wanted).toHaveLength(2 + 18 + 6);
    for (const n of wanted) expect(names.has(n)).toBe(true);
  });

  it('uses the summary rows where they exist and computes bulk-ESS and R-hat from the draws where they do not', () => {
    const draws = makeDrawSet(['sd_g__Intercept', 'r_g__Intercept[1]'], 4, 200);
    const rng = new Rng(7, 0);
    for (let i = 0; i < draws.values.length; i++) draws.values[i] = rng.normal();
    const lookup = diagnosticsFromRows([{ variable: 'sd_g__Intercept', ess_bulk: 123, rhat: 1.5 }], draws);
    expect(lookup('sd_g__Intercept')).toEqual({ essBulk: 123, rhat: 1.5 });
    const x = variableChains(draws, 1);
    expect(lookup('r_g__Intercept[1]')).toEqual({ essBulk: essBulk(x), rhat: rhat(x) });
    expect(lookup('r_g__Intercept[2]')).toBeUndefined();
  });
});
