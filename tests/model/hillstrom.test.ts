// buildModel on the real Hillstrom data (../shared/data/hillstrom.csv, 64,000 rows; never copied into the project).
// References: the counts stated in issue 2 (21,306 control rows with 122 conversions, 42,694 e-mail rows with 456),
// the crossed model of golden/stan/crossed_centered.stan (7 fixed effects, 7 + 3 + 3 levels → dim 23), and the
// parameterization figures recomputed here from raw level counts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom } from '../../src/data/hillstrom.js';
import type { Frame, LevelCodes } from '../../src/data/frame.js';
import { buildModel } from '../../src/model/build.js';
import { unconstrainedNames } from '../../src/model/layout.js';

const path = fileURLToPath(new URL('../../../shared/data/hillstrom.csv', import.meta.url));
const present = existsSync(path);
if (!present) console.warn(`NOTICE: ${path} is absent; the real-data model tests are skipped`);

function codesOf(frame: Frame, name: string): { codes: LevelCodes; levels: string[] } {
  const c = frame.columns.get(name);
  if (c?.kind !== 'categorical') throw new Error(`${name} is not categorical`);
  return c;
}

describe.skipIf(!present)('real Hillstrom data', () => {
  const frame = present ? loadHillstrom(path) : (null as unknown as Frame);

  it('I(segment != "No E-Mail"): 21,306 control rows with 122 conversions, 42,694 e-mail rows with 456', () => {
    const { spec } = buildModel(frame, 'conversion ~ I(segment != "No E-Mail")');
    expect(spec.fixed.names).toEqual(['Intercept', 'I(segment != "No E-Mail")']);
    const rows = [0, 0];
    const conversions = [0, 0];
    for (let i = 0; i < spec.n; i++) {
      const t = spec.fixed.X[i * 2 + 1];
      rows[t]++;
      conversions[t] += spec.y[i];
    }
    expect(rows).toEqual([21306, 42694]);
    expect(conversions).toEqual([122, 456]);
  });

  it('scale(recency) equals the loader\'s recency_z (both: mean and n−1 sd over all rows)', () => {
    const { spec } = buildModel(frame, 'conversion ~ 0 + scale(recency) + recency_z');
    let maxDiff = 0;
    for (let i = 0; i < spec.n; i++) maxDiff = Math.max(maxDiff, Math.abs(spec.fixed.X[2 * i] - spec.fixed.X[2 * i + 1]));
    expect(maxDiff).toBeLessThan(1e-12);
  });

  it('crossed model: dim 23 = 1+5+1 + (1+7) + (1+3) + (1+3), names, and the parameterization chosen from the data', () => {
    const m = buildModel(frame, HILLSTROM_FORMULAS.crossed, { priors: HILLSTROM_PRIORS.crossed });
    const { spec } = m;
    expect(spec.dim).toBe(23);
    const names = unconstrainedNames(spec);
    expect(names).toEqual([
      'qb_Intercept', 'qb_treatment', 'qb_recency_z', 'qb_history_z', 'qb_mens', 'qb_womens', 'qb_newbie',
      'sd_history_segment__treatment', 'zbar_history_segment__treatment',
      ...Array.from({ length: 6 }, (_, k) => `e_history_segment__treatment[${k + 1}]`),
      'sd_zip_code__Intercept', 'zbar_zip_code__Intercept', 'e_zip_code__Intercept[1]', 'e_zip_code__Intercept[2]',
      'sd_channel__Intercept', 'zbar_channel__Intercept', 'e_channel__Intercept[1]', 'e_channel__Intercept[2]',
    ]);
    expect(spec.groups.map((g) => [g.name, g.levels])).toEqual([
      ['history_segment', ['1) $0 - $100', '2) $100 - $200', '3) $200 - $350', '4) $350 - $500', '5) $500 - $750', '6) $750 - $1,000', '7) $1,000 +']],
      ['zip_code', ['Rural', 'Surburban', 'Urban']],
      ['channel', ['Multichannel', 'Phone', 'Web']],
    ]);
    // the rule pins the intercepts (split); with scaled levels (the default sd-scale) they are sampled non-centered on
    // log sd with scaled levels, the treatment slopes (not pinned) with a signed sd (src/model/signed-scale.ts)
    expect(m.parameterization.map((e) => e.ruleChoice)).toEqual(['noncentered', 'split', 'split']);
    expect(spec.terms.map((t) => t.parameterization)).toEqual(['noncentered', 'noncentered', 'noncentered']);
    expect(spec.terms.map((t) => [t.signedScale === true, t.levelInformation !== undefined])).toEqual([[true, true], [false, true], [false, true]]);
    // the treatment slopes fold into b_treatment (column 1), both intercepts into b_Intercept (column 0)
    expect(spec.terms.map((t) => t.foldColumn ?? -1)).toEqual([1, 0, 0]);

    // the figures, recomputed from raw counts: p̄ = 578 / 64000, x = treatment (0/1) or 1
    const w = (578 / 64000) * (1 - 578 / 64000);
    const segment = codesOf(frame, 'segment');
    const control = segment.levels.indexOf('No E-Mail');
    const worst = (name: string, emailedOnly: boolean): number => {
      const { codes, levels } = codesOf(frame, name);
      const count = new Array<number>(levels.length).fill(0);
      for (let i = 0; i < frame.nRows; i++) if (!emailedOnly || segment.codes[i] !== control) count[codes[i]]++;
      return Math.max(...count.map((c) => 1 / Math.sqrt(c * w)));
    };
    const expected = [worst('history_segment', true), worst('zip_code', false), worst('channel', false)];
    m.parameterization.forEach((e, t) => expect(e.maxLikelihoodSd).toBeCloseTo(expected[t], 12));
    // Rural (9,563 rows) 0.216, Multichannel (7,762) 0.240: pinned, and beside the fixed intercept → split by the rule;
    // "7) $1,000 +" (892 e-mailed) 0.708: not pinned → non-centered
    expect(m.parameterization.map((e) => Number(e.ratio.toFixed(3)))).toEqual([0.708, 0.216, 0.24]);
    expect(m.notes.slice(1)).toEqual([
      "prior b_Intercept ~ normal(-3, 1) (from 'Intercept')",
      "prior b_treatment, b_recency_z, b_history_z, b_mens, b_womens, b_newbie ~ normal(0, 0.5) (from 'b')",
      "prior sd_history_segment__treatment, sd_zip_code__Intercept, sd_channel__Intercept ~ halfnormal(0.5) (from 'sd')",
      "history_segment__treatment: noncentered — largest likelihood sd 0.354 (level '7) $1,000 +') = 0.708 × sd prior scale 0.5; rule: centered when ≤ 0.4 for every level; levels' mean folded into b_treatment; sd sampled signed (sd = |v|), levels scaled by √(1 + sd²·I_k)",
      "zip_code__Intercept: noncentered — largest likelihood sd 0.108 (level 'Rural') = 0.216 × sd prior scale 0.5; rule: centered when ≤ 0.4 for every level; levels' mean folded into b_Intercept; pinned, so (sd-scale scaled) non-centered with log sd and its levels scaled by √(1 + sd²·I_k): centered in the data's units unless sd is near 0",
      "channel__Intercept: noncentered — largest likelihood sd 0.120 (level 'Multichannel') = 0.240 × sd prior scale 0.5; rule: centered when ≤ 0.4 for every level; levels' mean folded into b_Intercept; pinned, so (sd-scale scaled) non-centered with log sd and its levels scaled by √(1 + sd²·I_k): centered in the data's units unless sd is near 0",
    ]);
  });

  it('pooled and hierarchical models: sizes and the presets\' priors as in golden/stan', () => {
    const pooled = buildModel(frame, HILLSTROM_FORMULAS.pooled, { priors: HILLSTROM_PRIORS.pooled }).spec;
    expect(pooled.dim).toBe(7);
    expect(pooled.fixed.priors[0]).toEqual({ family: 'normal', params: [-3, 1] });
    const hier = buildModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical }).spec;
    expect(hier.dim).toBe(7 + 8);
    expect(hier.fixed.priors.slice(1)).toEqual(Array(6).fill({ family: 'normal', params: [0, 0.5] }));
    expect(hier.terms[0].sdPrior).toEqual({ family: 'halfnormal', params: [0.5] });
  });
});
