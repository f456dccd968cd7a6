/**
 * The summary table's shape: variable selection by name or prefix (either index spelling), statistic names and
 * aliases, HDI column names from the probability; and the table renderer's four formats, checked character for
 * character against tables written out by hand.
 */
import { describe, expect, it } from 'vitest';
import type { SummaryRow } from '../../src/diagnostics/summary.js';
import { selectVariables } from '../../src/diagnostics/summary.js';
import { resolveStats, summaryTable } from '../../src/report/summary-table.js';
import { UserError } from '../../src/errors.js';
import { toBracketName, toDottedName } from '../../src/io/draws-csv-read.js';
import { formatNumber, renderTable } from '../../src/report/table.js';

const NAMES = ['b_Intercept', 'b_treatment', 'sd_g__t', 'r_g__t.1', 'r_g__t.2', 'r_g__t.10', 'Sigma.1.2'];

describe('variable names', () => {
  it('name.3 ↔ name[3], name.1.2 ↔ name[1,2]; plain names unchanged', () => {
    expect(toBracketName('r_g__t.3')).toBe('r_g__t[3]');
    expect(toBracketName('Sigma.1.2')).toBe('Sigma[1,2]');
    expect(toBracketName('b_Intercept')).toBe('b_Intercept');
    expect(toDottedName('r_g__t[3]')).toBe('r_g__t.3');
    expect(toDottedName('Sigma[1, 2]')).toBe('Sigma.1.2');
    expect(toDottedName('lp__')).toBe('lp__');
  });
});

describe('selectVariables', () => {
  const pick = (f: string[]): string[] => selectVariables(NAMES, f).map((i) => NAMES[i]);
  it('all when no filter; prefixes; exact names in either spelling; draws order kept', () => {
    expect(pick([])).toEqual(NAMES);
    expect(pick(['b_'])).toEqual(['b_Intercept', 'b_treatment']);
    expect(pick(['r_g__t'])).toEqual(['r_g__t.1', 'r_g__t.2', 'r_g__t.10']);
    expect(pick(['r_g__t[2]', 'sd_'])).toEqual(['sd_g__t', 'r_g__t.2']);
    expect(pick(['Sigma[1,2]'])).toEqual(['Sigma.1.2']);
  });
  it('a filter matching nothing is a UserError listing the names', () => {
    expect(() => pick(['beta'])).toThrow(UserError);
    expect(() => pick(['beta'])).toThrow(/no variable is named or starts with "beta"; the draws have: b_Intercept/);
  });
});

describe('statistics and columns', () => {
  it('aliases and validation', () => {
    expect(resolveStats(['mean', 'hdi', 'rhat'])).toEqual(['mean', 'hdi_low', 'hdi_high', 'r_hat']);
    expect(() => resolveStats(['mean', 'bogus'])).toThrow(/unknown statistic "bogus"/);
  });
  it('default columns are ArviZ’s, HDI columns named by the interval ends', () => {
    const row: SummaryRow = {
      variable: 'x', mean: 1, median: 1, sd: 2, mad: 2, q5: -2, q95: 4, rhat: 1.001, ess_bulk: 4000, ess_tail: 3900,
      mcse_mean: 0.03, mcse_sd: 0.02, mcse_q5: 0.05, mcse_q95: 0.06, hdi_low: -2.5, hdi_high: 4.5,
    };
    expect(summaryTable([row]).columns).toEqual([
      'variable', 'mean', 'sd', 'hdi_3%', 'hdi_97%', 'mcse_mean', 'mcse_sd', 'ess_bulk', 'ess_tail', 'r_hat',
    ]);
    const t = summaryTable([row], resolveStats(['hdi', 'r_hat']), 0.9);
    expect(t.columns).toEqual(['variable', 'hdi_5%', 'hdi_95%', 'r_hat']);
    expect(t.rows).toEqual([['x', -2.5, 4.5, 1.001]]);
  });
});

describe('renderTable', () => {
  const table = {
    columns: ['variable', 'mean', 'ess', 'note'],
    rows: [
      ['b_Intercept', -5.374911, 2418.04, 'ok'],
      ['sigma', 0.08789, null, 'a, "quoted" note'],
    ],
  };
  it('terminal: aligned, 3 significant digits, NA for null, numbers right-aligned', () => {
    expect(renderTable(table, 'table')).toBe(
      [
        'variable       mean   ess  note',
        'b_Intercept   -5.37  2418  ok',
        'sigma        0.0879    NA  a, "quoted" note',
        '',
      ].join('\n'),
    );
  });
  it('markdown', () => {
    expect(renderTable(table, 'markdown', { digits: 2 })).toBe(
      [
        '| variable | mean | ess | note |',
        '| :--- | ---: | ---: | :--- |',
        '| b_Intercept | -5.4 | 2418 | ok |',
        '| sigma | 0.088 | NA | a, "quoted" note |',
        '',
      ].join('\n'),
    );
  });
  it('csv keeps every digit and quotes as RFC 4180 says', () => {
    expect(renderTable(table, 'csv')).toBe(
      ['variable,mean,ess,note', 'b_Intercept,-5.374911,2418.04,ok', 'sigma,0.08789,NA,"a, ""quoted"" note"', ''].join('\n'),
    );
  });
  it('json: one object per row, null kept', () => {
    expect(JSON.parse(renderTable(table, 'json'))).toEqual([
      { variable: 'b_Intercept', mean: -5.374911, ess: 2418.04, note: 'ok' },
      { variable: 'sigma', mean: 0.08789, ess: null, note: 'a, "quoted" note' },
    ]);
  });
  it('number formatting', () => {
    const f = (x: number): string => formatNumber(x);
    expect([0.99996, 1.00145, 0.0290337, 999.7, 1510.78, 1.2e-5, 12345678, 0, NaN, -Infinity].map(f)).toEqual([
      '1.00', '1.00', '0.0290', '1000', '1511', '1.20e-5', '1.23e+7', '0', 'NaN', '-Inf',
    ]);
    // exact integers (counts) print whole at any digits: 3 rows, not 3.000
    expect([3, -2, 1, 64000, 999999].map((x) => formatNumber(x, 4))).toEqual(['3', '-2', '1', '64000', '999999']);
  });
  it('a row with the wrong number of cells is a programming error', () => {
    expect(() => renderTable({ columns: ['a', 'b'], rows: [[1]] })).toThrow(/row 1 has 1 cells for 2 columns/);
  });
});
