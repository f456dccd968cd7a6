/**
 * `nutmeg mmm` input mistakes: one line naming the file line and column, exit 2, and no output written.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-mmm-'));

function csv(name: string, rows: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, ['week,tv,search,sales', ...rows].join('\n') + '\n');
  return path;
}

const good = ['2024-01-01,100,50,1000', '2024-01-08,0,60,1100', '2024-01-15,120,55,1050', '2024-01-22,80,40,990'];
const liftFile = join(dir, 'lift.csv');
writeFileSync(liftFile, 'channel,spend,delta_spend,lift,lift_se\ntv,100,50,30,10\nradio,10,5,3,1\n');
const base = ['mmm', '--date', 'week', '--outcome', 'sales', '--channels', 'tv,search', '--quiet'];

describe('nutmeg mmm input errors', () => {
  const cases: Array<[string, string[], string[], RegExp]> = [
    ['negative spend', ['2024-01-01,100,50,1000', '2024-01-08,0,-60,1100', ...good.slice(2)], [], /line 3, column "search": spend -60 is negative/],
    ['a repeated week', [...good.slice(0, 2), '2024-01-08,120,55,1050', good[3]], [], /line 4, column "week": date 2024-01-08 repeats the row before/],
    ['unsorted weeks', [good[0], good[2], good[1], good[3]], [], /line 4, column "week": date 2024-01-08 comes before the row above; sort the rows by date/],
    ['an unparsable date', [good[0], '2024-02-30,0,60,1100', ...good.slice(2)], [], /line 3, column "week": "2024-02-30" is not a date/],
    ['an unknown channel column', good, ['--channels', 'tv,radio'], /--channels: no column "radio" in .*; its columns are week, tv, search, sales/],
    ['--bounds without --budget', good, ['--bounds', 'tv=0:10'], /--bounds limits the split of --budget; give --budget TOTAL too/],
    ['--bounds naming no channel', good, ['--budget', '100', '--bounds', 'radio=0:10'], /--bounds: "radio" is not one of the channels \(tv, search\)/],
    ['a lift test for an unknown channel', good, ['--lift-tests', liftFile], /lift\.csv, line 3, column "channel": "radio" is not one of --channels \(tv, search\)/],
    ['minimums over the budget', good, ['--budget', '100', '--bounds', 'tv=60:100,search=50:100'], /--bounds: the minimums sum to 110, more than --budget 100/],
  ];
  cases.forEach(([what, rows, extra, message], k) => {
    it(`${what}: one line, exit 2, no run directory`, async () => {
      const file = csv(`case${k}.csv`, rows);
      const out = join(dir, `run${k}`);
      const args = [...base, '--data', file, '--out', out, '--warmup', '10', '--draws', '10', ...extra];
      // a second --channels replaces the first (commander keeps the last value)
      const r = await runNutmeg(args);
      expect(r.code).toBe(2);
      expect(r.err.split('\n').filter((l) => l !== '')).toHaveLength(1);
      expect(r.err).toMatch(message);
      expect(existsSync(out)).toBe(false);
    });
  });
});
