/**
 * `nutmeg summary` through the CLI entry point (`main` from src/cli/main.ts), stdout and stderr captured: the JSON
 * records (exact keys, values equal to R posterior 1.4.0's for a golden case), the table formats and options,
 * warnings on stderr, and user mistakes as one line on stderr with exit code 2.
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../helpers/cli.js';

const fixtures = fileURLToPath(new URL('../fixtures/diagnostics/', import.meta.url));
let io: ReturnType<typeof captureOutput>;
beforeEach(() => {
  io = captureOutput();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const summary = (...args: string[]): Promise<number> => main(['node', 'nutmeg', 'summary', ...args]);

describe('nutmeg summary', () => {
  it('--json: one record per variable with exactly the documented keys, values as R posterior 1.4.0', async () => {
    expect(await summary(`${fixtures}iid.draws.csv`, '--json')).toBe(0);
    const records = JSON.parse(io.out()) as Record<string, number | string | null>[];
    expect(records.map((r) => r.variable)).toEqual(['a', 'b', 'c']);
    for (const r of records) {
      expect(Object.keys(r)).toEqual([
        'variable', 'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean',
        'mcse_sd', 'mcse_q5', 'mcse_q95', 'hdi_low', 'hdi_high',
      ]);
    }
    // iid.expected.csv, variable a: rhat 1.00003628637213, ess_bulk 4143.37453522893
    expect(records[0].rhat as number).toBeCloseTo(1.00003628637213, 12);
    expect(Math.abs((records[0].ess_bulk as number) / 4143.37453522893 - 1)).toBeLessThan(1e-9);
  });

  it('NA statistics are null in JSON and NA in the table', async () => {
    expect(await summary(`${fixtures}degenerate.draws.csv`, '--format', 'json')).toBe(0);
    const records = JSON.parse(io.out()) as Record<string, number | null>[];
    expect(records[0].rhat).toBeNull();
    expect(records[2].ess_tail).toBeNull();
    io.clear();
    expect(await summary(`${fixtures}degenerate.draws.csv`, '--vars', 'constant')).toBe(0);
    expect(io.out()).toBe(
      'variable  mean  sd  hdi_3%  hdi_97%  mcse_mean  mcse_sd  ess_bulk  ess_tail  r_hat\n' +
        'constant  3.50   0    3.50     3.50         NA       NA        NA        NA     NA\n',
    );
  });

  it('--stats, --vars, --hdi-prob and --format markdown', async () => {
    expect(await summary(`${fixtures}unconverged.draws.csv`, '--stats', 'mean,hdi,rhat', '--vars', 'ok,sh', '--hdi-prob', '0.9', '--format', 'markdown')).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines[0]).toBe('| variable | mean | hdi_5% | hdi_95% | r_hat |');
    expect(lines.slice(2).map((l) => l.split(' | ')[0])).toEqual(['| shifted', '| ok']);
    expect(lines[2]).toMatch(/\| 1\.20 \|$/); // R-hat 1.19704
    expect(io.err()).toMatch(/^warning: R-hat above 1\.01 for 1 variable \(shifted 1\.197\)/m);
  });

  it('CmdStan files: sampler warnings on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-cli-'));
    const files = [0, 1].map((c) => join(dir, `chain-${c + 1}.csv`));
    files.forEach((f, c) => {
      let text = 'lp__,treedepth__,divergent__,energy__,theta\n';
      for (let d = 0; d < 200; d++) text += `-1,${d < 3 ? 10 : 4},${c === 0 && d < 2 ? 1 : 0},${Math.sin(d * 1.7 + c)},${Math.cos(d * 2.3 + c)}\n`;
      writeFileSync(f, text);
    });
    expect(await summary(...files, '--format', 'csv')).toBe(0);
    expect(io.out().split('\n')[0]).toBe('variable,mean,sd,hdi_3%,hdi_97%,mcse_mean,mcse_sd,ess_bulk,ess_tail,r_hat');
    expect(io.out().split('\n')[1]).toMatch(/^theta,/);
    expect(io.err()).toMatch(/^warning: 2 of 400 draws \(0\.5%\) ended in a divergent transition/m);
    expect(io.err()).toMatch(/^warning: 6 of 400 draws \(1\.5%\) hit the maximum tree depth of 10/m);
  });

  it('user mistakes: one line on stderr, exit code 2, nothing on stdout', async () => {
    expect(await summary(join(tmpdir(), 'no-such-draws.csv'))).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: .*no-such-draws\.csv: file not found; check the path\n$/);
    expect(io.out()).toBe('');
    io.clear();
    expect(await summary(`${fixtures}iid.draws.csv`, '--stats', 'mean,nope')).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: unknown statistic "nope"/);
    io.clear();
    expect(await summary(`${fixtures}iid.draws.csv`, '--hdi-prob', '1.5')).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --hdi-prob must be a probability between 0 and 1/);
    io.clear();
    expect(await summary(`${fixtures}iid.draws.csv`, '--format', 'xml')).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --format must be one of table, markdown, csv, json/);
    io.clear();
    expect(await summary(`${fixtures}iid.draws.csv`, '--vars', 'zzz')).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: no variable is named or starts with "zzz"/);
  });

  it('refuses the same chain given twice: the same path (also via ./ and a symlink) or a copy with identical draws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-dup-'));
    const chain = (c: number): string => {
      let text = '# model = test\nlp__,theta\n';
      for (let d = 0; d < 50; d++) text += `-1,${Math.cos(d * 2.3 + c)}\n`;
      return text;
    };
    const a = join(dir, 'chain-1.csv');
    const b = join(dir, 'chain-2.csv');
    writeFileSync(a, chain(0));
    writeFileSync(b, chain(1));
    expect(await summary(a, b, '--json')).toBe(0);
    io.clear();
    const cases: Array<[string[], string]> = [
      [[a, b, a], `nutmeg: ${a} and ${a} are the same file; give each chain's CSV once\n`],
      [[a, join(dir, '.', 'chain-1.csv')], `nutmeg: ${a} and ${join(dir, '.', 'chain-1.csv')} are the same file; give each chain's CSV once\n`],
    ];
    const link = join(dir, 'link.csv');
    symlinkSync(a, link);
    cases.push([[b, link, a], `nutmeg: ${link} and ${a} are the same file; give each chain's CSV once\n`]);
    // a copy with a different comment header but the same draws
    const copy = join(dir, 'copy.csv');
    writeFileSync(copy, '# copied\n' + chain(0));
    cases.push([[a, b, copy], `nutmeg: ${a} and ${copy} hold identical draws (the same chain twice); give each chain once\n`]);
    for (const [files, message] of cases) {
      io.clear();
      expect(await summary(...files)).toBe(2);
      expect(io.err()).toBe(message);
      expect(io.out()).toBe('');
    }
  });
});
