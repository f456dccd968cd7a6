/**
 * The selection behind the condensed summary and the report's capped forest plots: extremeIndices picks the k
 * lowest and k highest values (NaN never, each index once, ordered by value), condenseSummary keeps every
 * population-level row and the extremes of each per-level family, and only past its limit.
 */
import { describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/diagnostics/summary.js';
import { extremeIndices } from '../../src/report/extremes.js';
import { condenseSummary, effectFamily, familiesFlag, hiddenEffectsLine, indexedFixedFamilies } from '../../src/report/summary-condense.js';
import { effectsSummaryCsv, readEffectsSummary } from '../../src/io/effects-summary.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNutmeg } from '../helpers/cli.js';

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
    expect(c.families).toEqual([{ name: 'z_g__Intercept', levels: 300, fixed: false }, { name: 'r_g__Intercept', levels: 300, fixed: false }]);
    expect(familiesFlag(c)).toBe('--vars z_g__Intercept,r_g__Intercept');
    expect(hiddenEffectsLine(c, 'somewhere')).toBe(
      '… 588 group effects not shown (levels: z_g__Intercept 300, r_g__Intercept 300; the 3 lowest and 3 highest means of each are shown); the full table: somewhere',
    );
  });
  it('leaves a table of up to 200 per-level rows alone', () => {
    expect(condenseSummary([...population, ...effects.slice(0, 200)])).toBeNull();
    expect(condenseSummary([...population, ...effects.slice(0, 201)])).not.toBeNull();
  });
  it('condenses the coefficients of an indexed categorical fixed effect (fit.json fixedLayout) like group effects', () => {
    // y ~ x + g + (1 | h): b_Intercept and b_x dense, then 299 coefficients of the indexed term g
    const bNames = ['b_Intercept', 'b_x', ...Array.from({ length: 299 }, (_, k) => `b_gL${k + 2}`)];
    const families = indexedFixedFamilies(bNames, { dense: 2, indexed: [{ term: 'g', coefficients: 299 }] });
    expect(families.size).toBe(299);
    expect(families.get('b_gL2')).toBe('b_g');
    expect(families.has('b_x')).toBe(false);
    expect(indexedFixedFamilies(bNames, undefined).size).toBe(0); // a run written before fixedLayout: nothing grouped
    const coefficients = bNames.slice(2).map((name, k) => row(name, ((k * 53) % 299) - 149));
    const fixedOnly = condenseSummary([...population, ...coefficients], undefined, undefined, families)!;
    expect(fixedOnly.rows.slice(0, 3)).toEqual(population);
    expect(fixedOnly.rows.slice(3).map((x) => x.mean)).toEqual([-149, -148, -147, 147, 148, 149]);
    expect(familiesFlag(fixedOnly)).toBe('--vars b_g');
    expect(hiddenEffectsLine(fixedOnly, 'there')).toBe(
      '… 293 coefficients of categorical fixed effects not shown (per family: b_g 299; the 3 lowest and 3 highest means of each are shown); the full table: there',
    );
    const both = condenseSummary([...population, ...coefficients, ...effects], undefined, undefined, families)!;
    expect(both.families.map((f) => [f.name, f.fixed])).toEqual([['b_g', true], ['r_g__Intercept', false]]);
    expect(hiddenEffectsLine(both, null)).toMatch(/^… 587 group effects and coefficients not shown \(per family: b_g 299, r_g__Intercept 300;/);
    // without the layout they stay population rows (all printed)
    expect(condenseSummary([...population, ...coefficients])).toBeNull();
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

describe('nutmeg fit and summary with a categorical fixed effect of 300 levels', () => {
  it('print the population rows and the extreme coefficients, and say how to print them all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-condense-'));
    const run = join(dir, 'run');
    const page = join(dir, 'report.html');
    const fit = await runNutmeg(['fit', '--data', 'sim:levels', '--rows', '3000', '--formula', 'y ~ x + g', '--backend', 'reference', '--chains', '2', '--warmup', '20', '--draws', '20', '--seed', '1', '--out', run, '--report', page]);
    expect(fit.code).toBe(0);
    const hidden = `… 293 coefficients of categorical fixed effects not shown (per family: b_g 299; the 3 lowest and 3 highest means of each are shown); the full table: nutmeg summary ${run} --vars b_g`;
    expect(fit.out).toContain(hidden);
    // the HTML report's population table likewise (its model section names the same command)
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('293 coefficients of categorical fixed effects not shown');
    expect(html).toContain('--vars b_g');
    const summary = await runNutmeg(['summary', run]);
    expect(summary.code).toBe(0);
    const lines = summary.out.trim().split('\n');
    expect(lines.at(-1)).toBe(hidden);
    expect(lines.filter((l) => l.startsWith('b_g')).length).toBe(6);
    const all = await runNutmeg(['summary', run, '--vars', 'b_g']);
    expect(all.out.trim().split('\n').filter((l) => l.startsWith('b_g')).length).toBe(299);
  });
});

