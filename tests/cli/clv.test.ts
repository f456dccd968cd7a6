import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-clv-'));
const COLUMNS = ['--customer', 'customer', '--date', 'date', '--amount', 'amount'];

describe('nutmeg clv', () => {
  it('fits sim:clv, prints parameters, totals and the holdout table, and writes run, customers.csv and report.html', async () => {
    const out = join(dir, 'run');
    const r = await runNutmeg(['clv', '--data', 'sim:clv', ...COLUMNS, '--sim-customers', '300', '--chains', '2', '--warmup', '150', '--draws', '150', '--holdout', '13w', '--horizon', '26w', '--target-accept', '0.9', '--out', out, '--quiet']);
    expect(r.err.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Customer lifetime value of simulated clv \(seed 1\): \d+ transactions, 300 customers; calibration 2024-01-01 to 2025-03-29, holdout 13 weeks to 2025-06-28/);
    for (const name of ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma', 'sigma_purchase', 'sigma_spend', 'spend_mean']) expect(r.out).toMatch(new RegExp(`\\n${name} `));
    expect(r.out).toMatch(/purchases in the next 26 weeks/);
    expect(r.out).toMatch(/Holdout check/);
    expect(readdirSync(out).sort()).toEqual(['chain-1.csv', 'chain-2.csv', 'customers.csv', 'fit.json', 'report.html']);
    const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(meta.model.kind).toBe('bgnbd-gamma-gamma');
    expect(meta.model.settings.horizon_weeks).toBe(26);
    expect(meta.settings.targetAccept).toBe(0.9);
    const lines = readFileSync(join(out, 'customers.csv'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(301);
    expect(lines[0]).toBe(
      'customer,frequency,recency_weeks,age_weeks,mean_repeat_spend,holdout_purchases,holdout_spend,p_alive,p_alive_5%,p_alive_95%,purchases,purchases_5%,purchases_95%,spend_per_purchase,spend_per_purchase_5%,spend_per_purchase_95%,value,value_5%,value_95%',
    );
    const page = readFileSync(join(out, 'report.html'), 'utf8');
    for (const title of ['P(alive)', 'Expected value over 26 weeks', 'Holdout check', 'Sampler']) expect(page).toContain(`<h2>${title}</h2>`);
    expect((page.match(/<svg/g) ?? []).length).toBe(4);
  });

  it('bad input: one line, exit 2, naming the row and column or the flag', async () => {
    const file = join(dir, 'tx.csv');
    writeFileSync(file, 'id,day,spend\nA,2024-01-01,5\nB,2024-13-01,5\n');
    const flags = ['--customer', 'id', '--date', 'day', '--amount', 'spend'];
    const cases: Array<[string[], RegExp]> = [
      [['--data', file, ...flags], /^nutmeg: .*tx\.csv, line 3, column "day": "2024-13-01" is not a date; give dates as YYYY-MM-DD\n$/],
      [['--data', file, ...flags, '--target-accept', '1'], /^nutmeg: --target-accept must be a number strictly between 0 and 1, got "1"\n$/],
      [['--data', file, ...flags, '--horizon', '12'], /^nutmeg: --horizon "12": give a duration in weeks or days, such as 52w or 182d\n$/],
      [['--data', file, ...flags, '--sim-customers', '10'], /^nutmeg: --sim-customers applies to --data sim:clv, not to ".*tx\.csv"\n$/],
      [['--data', file, '--customer', 'id', '--date', 'when', '--amount', 'spend'], /^nutmeg: .*"when".*\n$/],
    ];
    for (const [args, line] of cases) {
      const r = await runNutmeg(['clv', ...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.err).toMatch(line);
    }
  });
});
