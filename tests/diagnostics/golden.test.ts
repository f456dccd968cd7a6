/**
 * Every statistic of every case in tests/fixtures/diagnostics against R posterior 1.4.0 (`summarise_draws`, see the
 * fixtures' README): 1e-8 relative for the summaries and R-hat, 1e-6 for ESS and MCSE, NA exactly where R gives NA.
 * The draws are read with the long-format reader, so the reader is exercised on R's own output too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { variableChains } from '../../src/diagnostics/chains.js';
import { essBulk, essTail } from '../../src/diagnostics/ess.js';
import { mcseMean, mcseQuantile, mcseSd } from '../../src/diagnostics/mcse.js';
import { rhat } from '../../src/diagnostics/rhat.js';
import type { SummaryRow } from '../../src/diagnostics/summary.js';
import { summarizeDraws } from '../../src/diagnostics/summary.js';
import { readDrawsCsv } from '../../src/io/draws-csv-read.js';

const dir = fileURLToPath(new URL('../fixtures/diagnostics/', import.meta.url));
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.expected.csv'))
  .map((f) => f.replace('.expected.csv', ''))
  .sort();

/** R's column name → our field, and the tolerance the issue sets for it. */
const COLUMNS: Record<string, { field: keyof SummaryRow; tol: number }> = {
  mean: { field: 'mean', tol: 1e-8 },
  median: { field: 'median', tol: 1e-8 },
  sd: { field: 'sd', tol: 1e-8 },
  mad: { field: 'mad', tol: 1e-8 },
  '5%': { field: 'q5', tol: 1e-8 },
  '95%': { field: 'q95', tol: 1e-8 },
  rhat: { field: 'rhat', tol: 1e-8 },
  ess_bulk: { field: 'ess_bulk', tol: 1e-6 },
  ess_tail: { field: 'ess_tail', tol: 1e-6 },
  mcse_mean: { field: 'mcse_mean', tol: 1e-6 },
  mcse_sd: { field: 'mcse_sd', tol: 1e-6 },
  mcse_q5: { field: 'mcse_q5', tol: 1e-6 },
  mcse_q95: { field: 'mcse_q95', tol: 1e-6 },
};

function readExpected(name: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(`${dir}${name}.expected.csv`, 'utf8').trim().split('\n');
  const unquote = (s: string): string => s.replace(/^"(.*)"$/, '$1');
  return { header: lines[0].split(',').map(unquote), rows: lines.slice(1).map((l) => l.split(',').map(unquote)) };
}

function relativeError(got: number, want: number): number {
  if (got === want) return 0;
  return Math.abs(got - want) / Math.abs(want);
}

let worst: Record<string, number> = {};

describe('summary statistics equal R posterior 1.4.0 on every golden case', () => {
  it('finds the seven cases', () => {
    expect(cases).toEqual(['autocorrelated', 'degenerate', 'heavy_tailed', 'iid', 'odd_draws', 'single_chain', 'unconverged']);
  });

  for (const name of cases) {
    it(name, () => {
      const { draws } = readDrawsCsv([`${dir}${name}.draws.csv`]);
      const { rows } = summarizeDraws(draws);
      const expected = readExpected(name);
      expect(rows.map((r) => r.variable)).toEqual(expected.rows.map((r) => r[0]));
      for (const want of expected.rows) {
        const row = rows.find((r) => r.variable === want[0])!;
        expected.header.slice(1).forEach((col, k) => {
          const spec = COLUMNS[col];
          expect(spec, `unknown column ${col}`).toBeDefined();
          const got = row[spec.field] as number | null;
          const text = want[k + 1];
          const where = `${name}/${want[0]}/${col}`;
          if (text === 'NA') {
            expect(got, where).toBeNull();
            return;
          }
          expect(got, where).not.toBeNull();
          const err = relativeError(got!, Number(text));
          worst[col] = Math.max(worst[col] ?? 0, err);
          expect(err, `${where}: got ${got}, R gives ${text}`).toBeLessThanOrEqual(spec.tol);
        });
      }
    });
  }

  it('the one-function entry points agree with the summary (no precomputed inputs passed)', () => {
    for (const name of ['autocorrelated', 'odd_draws', 'degenerate']) {
      const { draws } = readDrawsCsv([`${dir}${name}.draws.csv`]);
      const { rows } = summarizeDraws(draws);
      draws.names.forEach((v, i) => {
        const x = variableChains(draws, i);
        const row = rows[i];
        expect(rhat(x), v).toBe(row.rhat);
        expect(essBulk(x), v).toBe(row.ess_bulk);
        expect(essTail(x), v).toBe(row.ess_tail);
        expect(mcseMean(x), v).toBe(row.mcse_mean);
        expect(mcseSd(x), v).toBe(row.mcse_sd);
        expect(mcseQuantile(x, 0.05), v).toBe(row.mcse_q5);
        expect(mcseQuantile(x, 0.95), v).toBe(row.mcse_q95);
      });
    }
    // the largest relative errors seen, for the record (printed once)
    console.log('largest relative error vs R posterior 1.4.0:', JSON.stringify(worst));
    worst = {};
  });
});
