/**
 * `nutmeg summary`, `loo` and `compare` on good and bad inputs: missing, empty and non-CSV files, the same chain
 * twice (issue 14, item 6), chains with different variables, long-format draws with known means, bad flags, run
 * directories, log-likelihood files with mismatched observation counts.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { CaseContext, CliCase, Token, Verdict, RunResult } from '../types.js';
import { DATA, fitArgs, random } from '../data.js';

const C = 'summary-loo-compare' as const;

/** Long format: chain 1 has a = 1…20, chain 2 a = 21…40; b = 2a. Means 20.5 and 41. */
const LONG = 'chain,draw,a,b\n' + Array.from({ length: 40 }, (_, i) => `${i < 20 ? 1 : 2},${(i % 20) + 1},${i + 1},${2 * (i + 1)}`).join('\n') + '\n';

/** A log-likelihood CSV: 2 chains × 50 draws, `nObs` observations. */
function loglik(nObs: number, seed: number): string {
  const u = random(seed);
  const head = ['chain', ...Array.from({ length: nObs }, (_, j) => `V${j + 1}`)].join(',');
  const rows: string[] = [];
  for (let d = 0; d < 100; d++) {
    const cells = [String(d < 50 ? 1 : 2)];
    for (let j = 0; j < nObs; j++) cells.push((-0.4 - 0.6 * u() - 0.05 * (j % 3)).toFixed(5));
    rows.push(cells.join(','));
  }
  return [head, ...rows].join('\n') + '\n';
}

const chain = (run: string, c: number): string => join(run, `chain-${c}.csv`);

function summaryCase(name: string, args: (ctx: CaseContext) => string[], expect: CliCase['expect'], tokens: Token[] = [], extra: Partial<CliCase> = {}): CliCase {
  return { class: C, name: `summary: ${name}`, args: (ctx) => ['summary', ...args(ctx)], expect, tokens, ...extra };
}

function jsonArray(r: RunResult): { variable: string; mean: number }[] | string {
  try {
    const parsed = JSON.parse(r.stdout) as unknown;
    return Array.isArray(parsed) ? (parsed as { variable: string; mean: number }[]) : 'stdout JSON is not an array';
  } catch {
    return `stdout is not JSON: ${r.stdout.slice(0, 100)}`;
  }
}

/** The loo JSON has finite elpd_loo and p_loo. */
function looJson(r: RunResult): Verdict {
  try {
    const parsed = JSON.parse(r.stdout) as Record<string, unknown>;
    const text = JSON.stringify(parsed);
    const elpd = /"elpd_loo":(-?[\d.e+-]+)/.exec(text);
    if (!elpd || !Number.isFinite(Number(elpd[1]))) return `no finite elpd_loo in ${text.slice(0, 120)}`;
    return null;
  } catch {
    return `stdout is not JSON: ${r.stdout.slice(0, 100)}`;
  }
}

function weightsSumToOne(r: RunResult): Verdict {
  const text = r.stdout;
  const weights = [...text.matchAll(/"weight":\s*(-?[\d.e+-]+)/g)].map((m) => Number(m[1]));
  if (weights.length < 2) return `no weights in ${text.slice(0, 160)}`;
  const sum = weights.reduce((a, b) => a + b, 0);
  return Math.abs(sum - 1) < 1e-6 && weights.every((w) => w >= 0) ? null : `weights ${weights.join(', ')}`;
}

export const summaryLooCompareCases: CliCase[] = [
  summaryCase('nonexistent file', () => ['nope.csv'], 'error', ['nope.csv']),
  summaryCase('empty file', () => ['empty.csv'], 'error', ['empty.csv'], { files: { 'empty.csv': '' } }),
  summaryCase('binary file', () => ['bin.csv'], 'error', ['bin.csv'], { files: { 'bin.csv': Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256)) } }),
  summaryCase('a data CSV, not draws', () => ['d.csv'], 'either', ['d.csv'], { files: { 'd.csv': DATA } }),
  summaryCase('a text file', () => ['notes.txt'], 'error', ['notes.txt'], { files: { 'notes.txt': 'These are my notes.\nNothing to see here.\n' } }),
  summaryCase('the same chain twice', (ctx) => [chain(ctx.fixtures.run, 1), chain(ctx.fixtures.run, 1)], 'error', ['chain-1.csv', /twice|same|duplicate|more than once/i]),
  summaryCase('the same chain by two paths', (ctx) => [chain(ctx.fixtures.run, 1), 'copy.csv'], 'either', [/twice|same|duplicate|identical/i], {
    prepare: (ctx) => copyFileSync(chain(ctx.fixtures.run, 1), join(ctx.dir, 'copy.csv')),
  }),
  summaryCase('chains with different variables', (ctx) => [chain(ctx.fixtures.run, 1), chain(ctx.fixtures.runPooled, 2)], 'error', [/variable|column|b_z|b_gb|differ/i]),
  summaryCase('a directory', (ctx) => [ctx.fixtures.run, '--json'], 'either', [/director|fit\.json|chain/i], {
    check: (r) => {
      const rows = jsonArray(r);
      return typeof rows === 'string' ? rows : rows.some((x) => x.variable === 'b_x') ? null : 'no b_x';
    },
  }),
  summaryCase('long format with known means', () => ['long.csv', '--json'], 'ok', [], {
    files: { 'long.csv': LONG },
    check: (r) => {
      const rows = jsonArray(r);
      if (typeof rows === 'string') return rows;
      const a = rows.find((x) => x.variable === 'a');
      const b = rows.find((x) => x.variable === 'b');
      return a?.mean === 20.5 && b?.mean === 41 ? null : `means a ${a?.mean}, b ${b?.mean}; expected 20.5 and 41`;
    },
  }),
  summaryCase('long format gzipped', () => ['long.csv.gz', '--json'], 'ok', [], {
    files: { 'long.csv.gz': gzipSync(LONG) },
    check: (r) => {
      const rows = jsonArray(r);
      return typeof rows === 'string' ? rows : rows.find((x) => x.variable === 'a')?.mean === 20.5 ? null : 'wrong mean of a';
    },
  }),
  summaryCase('long format with a text cell', () => ['long.csv'], 'error', ['long.csv', /line 5\b/], { files: { 'long.csv': LONG.replace('\n1,4,4,8\n', '\n1,4,four,8\n') } }),
  summaryCase('long format with a ragged line', () => ['long.csv'], 'error', ['long.csv', /line 5\b/], { files: { 'long.csv': LONG.replace('\n1,4,4,8\n', '\n1,4,4\n') } }),
  summaryCase('long format with a NaN draw', () => ['long.csv'], 'warn', [/\ba\b/, /non-?finite|NaN|missing/i], { files: { 'long.csv': LONG.replace('\n1,4,4,8\n', '\n1,4,NaN,8\n') } }),
  summaryCase('long format without a chain column', () => ['long.csv'], 'either', [/chain/i], { files: { 'long.csv': 'a,b\n1,2\n2,4\n3,6\n4,8\n' } }),
  summaryCase('--vars of an unknown variable', (ctx) => [chain(ctx.fixtures.run, 1), '--vars', 'nosuch'], 'error', ['nosuch']),
  summaryCase('--hdi-prob 2', (ctx) => [chain(ctx.fixtures.run, 1), '--hdi-prob', '2'], 'error', ['--hdi-prob']),
  summaryCase('--stats bogus', (ctx) => [chain(ctx.fixtures.run, 1), '--stats', 'bogus'], 'error', ['bogus']),
  summaryCase('--format bad', (ctx) => [chain(ctx.fixtures.run, 1), '--format', 'bad'], 'error', ['--format']),
  summaryCase('--max-treedepth 0', (ctx) => [chain(ctx.fixtures.run, 1), '--max-treedepth', '0'], 'error', ['--max-treedepth']),
  summaryCase('two chains of a run', (ctx) => [chain(ctx.fixtures.run, 1), chain(ctx.fixtures.run, 2), '--json'], 'ok', [], {
    check: (r) => {
      const rows = jsonArray(r);
      return typeof rows === 'string' ? rows : ['b_Intercept', 'b_x', 'b_z', 'sd_h__Intercept'].every((v) => rows.some((x) => x.variable === v)) ? null : 'variables missing';
    },
  }),
  summaryCase('a chain CSV cut off mid-line', () => ['cut.csv'], 'either', ['cut.csv'], {
    prepare: (ctx) => {
      const text = readFileSync(chain(ctx.fixtures.run, 1), 'utf8');
      writeFileSync(join(ctx.dir, 'cut.csv'), text.slice(0, Math.floor(text.length * 0.7)));
    },
  }),
  { class: C, name: 'loo of a run directory', args: (ctx) => ['loo', ctx.fixtures.run, '--backend', 'reference', '--json'], expect: 'ok', check: looJson },
  { class: C, name: 'loo of a directory that is not a run', args: ['loo', '.', '--backend', 'reference'], expect: 'error', tokens: ['fit.json'] },
  { class: C, name: 'loo of a nonexistent directory', args: ['loo', 'nope', '--backend', 'reference'], expect: 'error', tokens: ['nope'] },
  {
    class: C,
    name: 'loo of a run whose data file is gone',
    files: { 'd.csv': DATA },
    prepare: async (ctx) => {
      const r = await ctx.cli([...fitArgs('y ~ x'), '--out', 'run']);
      if (r.code !== 0) throw new Error(`fit failed: ${r.stderr.slice(0, 200)}`);
      rmSync(join(ctx.dir, 'd.csv'));
    },
    args: ['loo', 'run', '--backend', 'reference'],
    expect: 'error',
    tokens: ['d.csv'],
  },
  { class: C, name: 'loo --loglik valid', files: { 'a.csv': loglik(30, 1) }, args: ['loo', '--loglik', 'a.csv', '--json'], expect: 'ok', check: looJson },
  { class: C, name: 'loo --loglik nonexistent', args: ['loo', '--loglik', 'nope.csv'], expect: 'error', tokens: ['nope.csv'] },
  { class: C, name: 'loo --loglik binary', files: { 'a.csv': Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 131 + 7) % 256)) }, args: ['loo', '--loglik', 'a.csv'], expect: 'error', tokens: ['a.csv'] },
  { class: C, name: 'loo --loglik with a text cell', files: { 'a.csv': loglik(30, 1).replace(/\n1,-0\.\d+/, '\n1,oops') }, args: ['loo', '--loglik', 'a.csv'], expect: 'error', tokens: ['a.csv', /line 2\b/] },
  { class: C, name: 'loo --loglik with a NaN cell', files: { 'a.csv': loglik(30, 1).replace(/\n1,-0\.\d+/, '\n1,NaN') }, args: ['loo', '--loglik', 'a.csv'], expect: 'either', tokens: ['a.csv', /NaN|finite/i] },
  { class: C, name: 'loo --loglik header only', files: { 'a.csv': 'chain,V1,V2\n' }, args: ['loo', '--loglik', 'a.csv'], expect: 'error', tokens: ['a.csv'] },
  { class: C, name: 'loo with both a run and --loglik', files: { 'a.csv': loglik(30, 1) }, args: (ctx) => ['loo', ctx.fixtures.run, '--loglik', 'a.csv'], expect: 'error', tokens: ['--loglik'] },
  { class: C, name: 'loo with nothing to do', args: ['loo'], expect: 'error', tokens: ['--loglik'] },
  { class: C, name: 'compare with one model', files: { 'a.csv': loglik(30, 1) }, args: ['compare', '--loglik', 'a.csv'], expect: 'error', tokens: [/two|2/] },
  {
    class: C,
    name: 'compare two log-likelihood files',
    files: { 'a.csv': loglik(30, 1), 'b.csv': loglik(30, 2) },
    args: ['compare', '--loglik', 'a.csv', 'b.csv', '--json'],
    expect: 'ok',
    check: weightsSumToOne,
  },
  {
    class: C,
    name: 'compare with mismatched observation counts',
    files: { 'a.csv': loglik(30, 1), 'b.csv': loglik(25, 2) },
    args: ['compare', '--loglik', 'a.csv', 'b.csv'],
    expect: 'error',
    tokens: [/30/, /25/],
  },
  { class: C, name: 'compare --method bad', files: { 'a.csv': loglik(30, 1), 'b.csv': loglik(30, 2) }, args: ['compare', '--loglik', 'a.csv', 'b.csv', '--method', 'bad'], expect: 'error', tokens: ['bad'] },
  { class: C, name: 'compare --seed -1', files: { 'a.csv': loglik(30, 1), 'b.csv': loglik(30, 2) }, args: ['compare', '--loglik', 'a.csv', 'b.csv', '--method', 'bb-pseudobma', '--seed', '-1'], expect: 'error', tokens: ['--seed'] },
  { class: C, name: 'compare the same file twice', files: { 'a.csv': loglik(30, 1) }, args: ['compare', '--loglik', 'a.csv', 'a.csv'], expect: 'either', tokens: ['a'], check: weightsSumToOne },
  {
    class: C,
    name: 'compare two run directories',
    args: (ctx) => ['compare', ctx.fixtures.run, ctx.fixtures.runPooled, '--backend', 'reference', '--json'],
    expect: 'ok',
    check: weightsSumToOne,
  },
  {
    class: C,
    name: 'compare runs on different observations',
    args: (ctx) => ['compare', ctx.fixtures.run, ctx.fixtures.runSmall, '--backend', 'reference'],
    expect: 'error',
    tokens: [/120/, /50/],
  },
];
