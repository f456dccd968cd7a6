/**
 * The selection behind the condensed summary and the report's capped forest plots: extremeIndices picks the k
 * lowest and k highest values (NaN never, each index once, ordered by value), condenseSummary keeps every
 * population-level row and the extremes of each per-level family, and only past its limit.
 */
import { describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/diagnostics/summary.js';
import { extremeIndices } from '../../src/report/extremes.js';
import { condenseSummary, effectFamily, familiesFlag, hiddenEffectsLine } from '../../src/report/summary-condense.js';
import { effectsSummaryCsv, readEffectsSummary } from '../../src/io/effects-summary.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function row(variable: string, mean: number | null): SummaryRow {
  return {
    variable, mean, median: mean, sd: 1, mad: 1, q5: null, q95: null, rhat: 1, ess_bulk: 100, ess_tail: 100,
    mcse_mean: 0.1, mcse_sd: 0.1, mcse_q5: null, mcse_q95: null, hdi_low: -1, hdi_high: 1,
  };
}

describe('extremeIndices', () => {
  it('the k lowest and k highest, ordered by value, against a full sort', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const sorted = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
    const expected = [...sorted.slice(0, 4), ...sorted.slice(-4)].map(([, i]) => i);
    expect(extremeIndices(values, 4)).toEqual(expected);
  });
  it('never picks NaN, never repeats an index, and copes with fewer values than 2k', () => {
    expect(extremeIndices([NaN, 3, 1, NaN, 2], 2)).toEqual([2, 4, 1]);
    expect(extremeIndices([5], 3)).toEqual([0]);
    expect(extremeIndices([1, 2, 3], 0)).toEqual([]);
  });
});

describe('condenseSummary', () => {
  const population = [row('b_Intercept', 0.1), row('b_x', 0.2), row('sd_g__Intercept', 0.5)];
  const effects = Array.from({ length: 300 }, (_, k) => row(`r_g__Intercept[${k + 1}]`, ((k * 37) % 300) - 150));
  const z = Array.from({ length: 300 }, (_, k) => row(`z_g__Intercept.${k + 1}`, (k % 7) - 3 + k / 1000));

  it('keeps every population row and the 3 lowest and highest of each family', () => {
    const c = condenseSummary([...population, ...z, ...effects])!;
    expect(c.rows.slice(0, 3)).toEqual(population);
    const r = c.rows.filter((x) => x.variable.startsWith('r_'));
    expect(r.map((x) => x.mean)).toEqual([-150, -149, -148, 147, 148, 149]);
    expect(c.rows.filter((x) => x.variable.startsWith('z_')).length).toBe(6);
    expect(c.hidden).toBe(600 - 12);
    expect(c.families).toEqual([{ name: 'z_g__Intercept', levels: 300 }, { name: 'r_g__Intercept', levels: 300 }]);
    expect(familiesFlag(c)).toBe('--vars z_g__Intercept,r_g__Intercept');
    expect(hiddenEffectsLine(c, 'somewhere')).toBe(
      '… 588 group effects not shown (levels: z_g__Intercept 300, r_g__Intercept 300; the 3 lowest and 3 highest means of each are shown); the full table: somewhere',
    );
  });
  it('leaves a table of up to 200 per-level rows alone', () => {
    expect(condenseSummary([...population, ...effects.slice(0, 200)])).toBeNull();
    expect(condenseSummary([...population, ...effects.slice(0, 201)])).not.toBeNull();
  });
  it('names families in both spellings and nothing else', () => {
    expect(effectFamily('r_g__Intercept[12]')).toBe('r_g__Intercept');
    expect(effectFamily('z_a:b__x.3')).toBe('z_a:b__x');
    expect(effectFamily('e_g__Intercept[2]')).toBe('e_g__Intercept');
    expect(effectFamily('b_x')).toBeNull();
    expect(effectFamily('sd_g__Intercept')).toBeNull();
    expect(effectFamily('theta[3]')).toBeNull();
  });
});

describe('effects-summary.csv', () => {
  it('reads back what it writes: quoted names, NA, every digit', () => {
    const rows = [row('r_g__poly(x, 2)1[1]', 0.1234567890123), row('r_g__x[2]', null), row('r_g__"q"[3]', -1e-12)];
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-es-'));
    writeFileSync(join(dir, 'e.csv'), effectsSummaryCsv(rows));
    expect(readEffectsSummary(join(dir, 'e.csv'))).toEqual(rows);
  });
  it('refuses a file that is not one, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-es-'));
    writeFileSync(join(dir, 'e.csv'), 'a,b\n1,2\n');
    expect(() => readEffectsSummary(join(dir, 'e.csv'))).toThrow(/e\.csv: not a nutmeg effects summary/);
  });
});
