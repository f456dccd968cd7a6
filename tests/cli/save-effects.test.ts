/**
 * `--save-effects` and the condensed terminal summary (issue 16 items 4 and 5) through the CLI entry point: a
 * 20,000-level varying intercept (non-centered, so 20,000 r_ and 20,000 z_ values per draw, over the 10,000 limit)
 * defaults to `summary` — the chain CSV keeps b_ and sd_ only, effects-summary.csv holds the 40,000 per-level rows,
 * effects-draws.bin their draws (z only, float32), fit.json records both, the printed table is short with a line
 * counting what it hides — and `nutmeg summary DIR` reads the population-level rows from the draws and the group
 * effects from the summary file, while loo and score read effects-draws.bin. `--save-effects all` keeps every
 * column (and matches the compact draws to float32 precision); `none` keeps no effects, and loo, score and serve
 * refuse it in one line; a small model keeps `all` by default and prints every row.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { main } from '../../src/cli/main.js';
import { variableDraws } from '../../src/draws.js';
import { loadRun } from '../../src/io/run-dir.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
});
afterEach(() => vi.restoreAllMocks());

const backend = loadNativeAddon() === null ? 'reference' : 'native';
const tiny = ['--chains', '1', '--warmup', '10', '--draws', '10', '--max-treedepth', '3', '--backend', backend];
const nutmeg = (...args: string[]): Promise<number> => main(['node', 'nutmeg', ...args]);

function header(csv: string): string[] {
  return readFileSync(csv, 'utf8').split('\n').find((l) => !l.startsWith('#'))!.split(',');
}

const LEVELS = 20_000;
let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nutmeg-effects-'));
  let text = 'y,x,g\n';
  for (let i = 0; i < 2 * LEVELS; i++) text += `${(i * 7) % 10 < 3 ? 1 : 0},${(((i * 37) % 101) / 50 - 1).toFixed(2)},L${i % LEVELS}\n`;
  writeFileSync(join(dir, 'big.csv'), text);
  let small = 'y,x,g\n';
  for (let i = 0; i < 60; i++) small += `${(i * 7) % 10 < 3 ? 1 : 0},${(((i * 37) % 101) / 50 - 1).toFixed(2)},G${i % 5}\n`;
  writeFileSync(join(dir, 'small.csv'), small);
});

const formula = ['--formula', 'y ~ x + (1 | g)', '--param', 'g=noncentered'];

describe('--save-effects with 20,000 levels', () => {
  it('defaults to summary: population-level CSV columns, effects-summary.csv, fit.json, a short table', async () => {
    const run = join(dir, 'run-default');
    expect(await nutmeg('fit', '--data', join(dir, 'big.csv'), ...formula, ...tiny, '--out', run)).toBe(0);
    expect(err).toMatch(/effects: 40,000 group-effect values per draw \(over 10,000\), so --save-effects summary/);
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'effects-draws.bin', 'effects-summary.csv', 'fit.json']);
    const columns = header(join(run, 'chain-1.csv'));
    expect(columns.filter((c) => /^(r|z)_/.test(c))).toEqual([]);
    expect(columns).toContain('b_x');
    expect(columns).toContain('sd_g__Intercept');
    const effects = readFileSync(join(run, 'effects-summary.csv'), 'utf8').trim().split('\n');
    expect(effects.length).toBe(1 + 2 * LEVELS);
    expect(effects[0].split(',').slice(0, 3)).toEqual(['variable', 'mean', 'median']);
    expect(effects.filter((l) => l.startsWith('r_g__Intercept[')).length).toBe(LEVELS);
    const meta = JSON.parse(readFileSync(join(run, 'fit.json'), 'utf8')) as Record<string, unknown>;
    expect(meta.saveEffects).toBe('summary');
    expect(meta.effectsSummary).toEqual({ file: 'effects-summary.csv', hdiProb: 0.94, variables: 2 * LEVELS });
    // the draws that loo, score and serve need: z only (r = sd · z), 4 bytes a value
    expect(meta.effectsDraws).toEqual({ file: 'effects-draws.bin', dtype: 'float32', variables: LEVELS });
    expect(statSync(join(run, 'effects-draws.bin')).size).toBeLessThan(LEVELS * 10 * 4 + 400_000);
    // the printed table: header, 3 population rows, 3 lowest + 3 highest of r_ and of z_, then the hidden-count line
    const lines = out.trim().split('\n');
    expect(lines.length).toBe(1 + 3 + 12 + 1);
    expect(lines.at(-1)).toBe(
      `… 39,988 group effects not shown (levels: z_g__Intercept 20,000, r_g__Intercept 20,000; the 3 lowest and 3 highest ` +
        `means of each are shown); the full table: nutmeg summary ${run} --vars z_g__Intercept,r_g__Intercept (or ${run}/effects-summary.csv)`,
    );
    const shownR = lines.filter((l) => l.startsWith('r_g__Intercept[')).map((l) => Number(l.split(/ +/)[1]));
    expect(shownR).toEqual([...shownR].sort((a, b) => a - b));

    // nutmeg summary DIR: the same condensed table, the population rows from the draws
    out = '';
    err = '';
    expect(await nutmeg('summary', run)).toBe(0);
    const again = out.trim().split('\n');
    expect(again.length).toBe(1 + 3 + 12 + 1);
    expect(again.at(-1)).toMatch(/^… 39,988 group effects not shown .*; the full table: nutmeg summary .* --vars z_g__Intercept,r_g__Intercept$/);
    // --vars of a family prints it whole, from effects-summary.csv
    out = '';
    expect(await nutmeg('summary', run, '--vars', 'r_g__Intercept', '--format', 'csv')).toBe(0);
    const rows = out.trim().split('\n');
    expect(rows.length).toBe(1 + LEVELS);
    expect(rows[1].startsWith('r_g__Intercept[1],')).toBe(true);
    const fromFile = effects.find((l) => l.startsWith('r_g__Intercept[1],'))!.split(',')[1];
    expect(rows[1].split(',')[1]).toBe(fromFile);
    // the effects' HDIs were computed at the fit: another --hdi-prob says so
    err = '';
    expect(await nutmeg('summary', run, '--vars', 'b_x,r_g__Intercept[1]', '--hdi-prob', '0.9')).toBe(0);
    expect(err).toContain(`warning: the group effects' HDIs come from ${run}/effects-summary.csv, computed at the fit with probability 0.94; --hdi-prob 0.9 applies to the other rows`);
    // a name in neither the draws nor the effects is still refused
    err = '';
    expect(await nutmeg('summary', run, '--vars', 'r_nothing')).toBe(2);
    expect(err).toMatch(/^nutmeg: no variable is named or starts with "r_nothing"/);

    // loo and score read the group effects' draws from effects-draws.bin
    out = '';
    err = '';
    expect(await nutmeg('loo', run, '--backend', backend)).toBe(0);
    expect(out).toMatch(/elpd_loo/);
    out = '';
    expect(await nutmeg('score', run, '--data', join(dir, 'big.csv'), '--quiet')).toBe(0);
    expect(out.length).toBeGreaterThan(0);
  }, 120_000);

  it('--save-effects all writes every column and the table still hides all but the extremes', async () => {
    const run = join(dir, 'run-all');
    expect(await nutmeg('fit', '--data', join(dir, 'big.csv'), ...formula, ...tiny, '--save-effects', 'all', '--out', run, '--quiet')).toBe(0);
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'fit.json']);
    const columns = header(join(run, 'chain-1.csv'));
    expect(columns.filter((c) => c.startsWith('r_g__Intercept.')).length).toBe(LEVELS);
    expect(columns.filter((c) => c.startsWith('z_g__Intercept.')).length).toBe(LEVELS);
    expect((JSON.parse(readFileSync(join(run, 'fit.json'), 'utf8')) as { saveEffects: string }).saveEffects).toBe('all');
    expect(out.trim().split('\n').at(-1)).toMatch(/group effects not shown .*; the full table: nutmeg summary .*run-all --vars z_g__Intercept,r_g__Intercept$/);
    // the summary run's draws, read back through effects-draws.bin, are the CSV draws to float32 precision
    const full = loadRun(run).draws;
    const compact = loadRun(join(dir, 'run-default')).draws;
    for (const name of ['b_x', 'sd_g__Intercept', 'z_g__Intercept[7]', 'r_g__Intercept[7]', 'r_g__Intercept[20000]']) {
      const a = variableDraws(full, full.names.indexOf(name));
      const b = variableDraws(compact, compact.names.indexOf(name));
      expect(b.length).toBe(10);
      for (let i = 0; i < a.length; i++) expect(Math.abs(b[i] - a[i])).toBeLessThanOrEqual(1e-6 * Math.abs(a[i]) + 1e-12);
    }
    expect(compact.names.length).toBe(full.names.length);
    // keepZ: false (LOO, score): the z become r in place — the same r, bit for bit, and no z
    const rOnly = loadRun(join(dir, 'run-default'), 'test', { keepZ: false }).draws;
    expect(rOnly.names.filter((n) => n.startsWith('z_'))).toEqual([]);
    expect(rOnly.names.length).toBe(full.names.length - LEVELS);
    for (const name of ['b_x', 'sd_g__Intercept', 'r_g__Intercept[1]', 'r_g__Intercept[7]', 'r_g__Intercept[20000]']) {
      expect(variableDraws(rOnly, rOnly.names.indexOf(name))).toEqual(variableDraws(compact, compact.names.indexOf(name)));
    }
    // nutmeg summary of the draws, as markdown: the count line apart from the table
    out = '';
    expect(await nutmeg('summary', run, '--format', 'markdown')).toBe(0);
    expect(out).toMatch(/\|\n\n… 39,988 group effects not shown/);
    expect(out.trim().split('\n').length).toBe(2 + 3 + 12 + 2);
  }, 120_000);

  it('--save-effects none keeps neither draws nor summaries', async () => {
    const run = join(dir, 'run-none');
    expect(await nutmeg('fit', '--data', join(dir, 'big.csv'), ...formula, ...tiny, '--save-effects', 'none', '--out', run, '--quiet')).toBe(0);
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'fit.json']);
    expect(header(join(run, 'chain-1.csv')).filter((c) => /^(r|z)_/.test(c))).toEqual([]);
    expect((JSON.parse(readFileSync(join(run, 'fit.json'), 'utf8')) as { saveEffects: string }).saveEffects).toBe('none');
    expect(out.trim().split('\n').at(-1)).toMatch(/group effects not shown \(.*shown\)$/);
    // loo, score and serve need the effects' draws: one line saying how to get them
    err = '';
    expect(await nutmeg('loo', run)).toBe(2);
    expect(err.trim()).toBe(`nutmeg: ${run}: saved with --save-effects none, so the group effects' draws that LOO needs were not kept; refit with --save-effects all --out ${run}`);
    err = '';
    expect(await nutmeg('score', run, '--data', join(dir, 'big.csv'))).toBe(2);
    expect(err.trim()).toMatch(/^nutmeg: .*saved with --save-effects none, so the group effects' draws that scoring needs were not kept; refit with --save-effects all/);
    err = '';
    expect(await nutmeg('serve', run, '--port', '0')).toBe(2);
    expect(err.trim()).toMatch(/^nutmeg: .*saved with --save-effects none, so the group effects' draws that serving needs were not kept; refit with --save-effects all/);
    // nutmeg summary: --vars of effects the run has not kept says why
    err = '';
    expect(await nutmeg('summary', run, '--vars', 'r_g__Intercept')).toBe(2);
    expect(err.trim()).toBe(`nutmeg: --vars r_g__Intercept: ${run} was saved with --save-effects none, so it keeps no group effects; refit with --save-effects summary or all`);
  }, 120_000);
});

describe('small models and mistakes', () => {
  it('a 5-level model keeps all by default, says nothing about it, and prints every row', async () => {
    const run = join(dir, 'run-small');
    expect(await nutmeg('fit', '--data', join(dir, 'small.csv'), ...formula, ...tiny, '--out', run)).toBe(0);
    expect(err).not.toMatch(/effects:/);
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'fit.json']);
    expect(header(join(run, 'chain-1.csv')).filter((c) => c.startsWith('r_g__Intercept.')).length).toBe(5);
    expect((JSON.parse(readFileSync(join(run, 'fit.json'), 'utf8')) as { saveEffects: string }).saveEffects).toBe('all');
    const lines = out.trim().split('\n');
    expect(lines.length).toBe(1 + 3 + 10);
    expect(out).not.toMatch(/not shown/);
  }, 60_000);

  it('refuses an unknown --save-effects, and --save-effects without --out', async () => {
    expect(await nutmeg('fit', '--data', join(dir, 'small.csv'), ...tiny, '--save-effects', 'some', '--out', join(dir, 'x'))).toBe(2);
    expect(err).toMatch(/^nutmeg: --save-effects/);
    err = '';
    expect(await nutmeg('fit', '--data', join(dir, 'small.csv'), ...tiny, '--save-effects', 'all')).toBe(2);
    expect(err.trim()).toBe('nutmeg: --save-effects says what --out and --netcdf keep of the group effects; give --out DIR or --netcdf FILE.nc too (or drop --save-effects)');
  });
});
