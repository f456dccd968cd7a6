/**
 * `nutmeg fit` prints the model's data warnings as `warning: …` lines on stderr (also under --quiet) and records
 * every warning it printed in fit.json; a formula with the outcome on the right exits 2 with one line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';

describe('nutmeg fit data warnings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nutmeg-warn-'));
  const csv = join(dir, 'data.csv');
  // 40 rows: y alternates in a pattern, x varies, c is 3 everywhere
  const lines = ['y,x,c'];
  for (let i = 0; i < 40; i++) lines.push(`${(i * 7) % 3 === 0 ? 1 : 0},${(i % 10) / 10},3`);
  writeFileSync(csv, lines.join('\n') + '\n');
  const fitArgs = ['fit', '--data', csv, '--chains', '1', '--warmup', '30', '--draws', '30', '--backend', 'reference'];

  it('prints a constant predictor as a warning line under --quiet and records all warnings in fit.json', async () => {
    const out = join(dir, 'run');
    const { code, err: stderr } = await runNutmeg([...fitArgs, '--formula', 'y ~ x + c', '--quiet', '--out', out]);
    expect(code).toBe(0);
    const expected =
      'predictor "c" is constant (3 in all 40 rows), so the data cannot tell it from the intercept (only their combination is identified); drop it';
    const warningLines = stderr
      .split('\n')
      .filter((l) => l.startsWith('warning: '))
      .map((l) => l.slice('warning: '.length));
    expect(warningLines[0]).toBe(expected);
    const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8')) as { warnings: string[] };
    expect(meta.warnings[0]).toBe(expected);
    expect(meta.warnings).toEqual(warningLines);
  });

  it('the outcome on the right-hand side exits 2 with one line naming the position', async () => {
    const { code, err: stderr } = await runNutmeg([...fitArgs, '--formula', 'y ~ x + I(y > 0)', '--quiet']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "nutmeg: formula 'y ~ x + I(y > 0)', position 11: the outcome 'y' cannot also be a predictor (the model would predict the outcome from itself); remove it from the right of '~'\n",
    );
  });
});
