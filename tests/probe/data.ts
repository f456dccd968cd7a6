/**
 * Small deterministic data sets and helpers the probe cases share: a CSV table generator, cell edits, the fit flags
 * that keep a case under a second or two, and checks of a fit's JSON summary.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult, Verdict } from './types.js';

/** mulberry32: a tiny seeded generator, so every data file is the same on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Table {
  header: string[];
  rows: string[][];
}

export const COLUMNS = ['y', 'x', 'z', 'g', 'h', 'n', 's', 'e', 'w', 'note'] as const;

/**
 * n rows: y 0/1 from logit⁻¹(−0.3 + 0.8 x); x numeric in (−2, 2); z positive; g a factor a–d; h a grouping factor
 * h1–h6; n trials 1–5 with s successes; e a positive exposure; w an unused number; note unused text.
 */
export function table(n = 60, seed = 7): Table {
  const u = random(seed);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const x = u() * 4 - 2;
    const p = 1 / (1 + Math.exp(-(-0.3 + 0.8 * x)));
    const trials = 1 + Math.floor(u() * 5);
    let s = 0;
    for (let k = 0; k < trials; k++) if (u() < p) s++;
    rows.push([
      u() < p ? '1' : '0',
      x.toFixed(3),
      (0.5 + u() * 3).toFixed(3),
      'abcd'[i % 4],
      `h${1 + (i % 6)}`,
      String(trials),
      String(s),
      (1 + u() * 9).toFixed(2),
      (u() * 100).toFixed(1),
      `row ${i + 1}`,
    ]);
  }
  // both outcomes present whatever the seed
  rows[0][0] = '0';
  rows[1][0] = '1';
  return { header: [...COLUMNS], rows };
}

export function csv(t: Table, eol = '\n'): string {
  const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [t.header, ...t.rows].map((r) => r.map(quote).join(',')).join(eol) + eol;
}

/** A copy of t with data row `row` (0-based; file line row + 2) of `column` set to `value`. */
export function withCell(t: Table, row: number, column: string, value: string): Table {
  const j = t.header.indexOf(column);
  if (j < 0) throw new Error(`no column ${column}`);
  const rows = t.rows.map((r, i) => (i === row ? r.map((c, k) => (k === j ? value : c)) : r));
  return { header: t.header, rows };
}

/** A copy of t with a column added (values from f(row)). */
export function withColumn(t: Table, name: string, f: (row: string[], i: number) => string): Table {
  return { header: [...t.header, name], rows: t.rows.map((r, i) => [...r, f(r, i)]) };
}

/** The default data file of a case. */
export const DATA = csv(table());

/** Flags that make a fit take about a second. */
export const QUICK = ['--chains', '1', '--warmup', '20', '--draws', '20', '--backend', 'reference', '--seed', '1'];

/** args with FLAG's value replaced (or the flag added). */
export function setFlag(args: readonly string[], flag: string, value: string): string[] {
  const i = args.indexOf(flag);
  return i >= 0 ? [...args.slice(0, i + 1), value, ...args.slice(i + 2)] : [...args, flag, value];
}

/** `nutmeg fit` on d.csv with `formula`, quick, quiet, JSON summary on stdout. */
export function fitArgs(formula: string, ...more: string[]): string[] {
  return ['fit', '--data', 'd.csv', '--formula', formula, ...QUICK, '--quiet', '--json', ...more];
}

export interface SummaryRecord {
  readonly variable: string;
  readonly mean: number | null;
}

/** The fit's JSON summary, or a reason it is not there. */
export function summaryOf(r: RunResult): SummaryRecord[] | string {
  try {
    const parsed = JSON.parse(r.stdout) as { summary?: SummaryRecord[] } | SummaryRecord[];
    const rows = Array.isArray(parsed) ? parsed : parsed.summary;
    if (!Array.isArray(rows)) return 'stdout JSON has no summary';
    return rows;
  } catch {
    return `stdout is not the JSON summary: ${r.stdout.slice(0, 120).replace(/\s+/g, ' ')}`;
  }
}

/**
 * Check: the summary has exactly the fixed effects `fixed` among its b_ variables (in any order), every mean finite,
 * and the variables in `also` (names or prefixes ending in `[`) present.
 */
export function hasFixed(fixed: readonly string[], also: readonly string[] = []): (r: RunResult) => Verdict {
  return (r) => {
    const rows = summaryOf(r);
    if (typeof rows === 'string') return rows;
    const names = rows.map((x) => x.variable);
    const b = names.filter((v) => v.startsWith('b_')).sort();
    const want = [...fixed].sort();
    if (JSON.stringify(b) !== JSON.stringify(want)) return `fixed effects ${b.join(', ')}; expected ${want.join(', ')}`;
    for (const a of also) {
      if (!names.some((v) => v === a || (a.endsWith('[') && v.startsWith(a)))) return `no ${a} in the summary`;
    }
    const bad = rows.find((x) => x.mean === null || !Number.isFinite(x.mean));
    if (bad) return `${bad.variable} has mean ${String(bad.mean)}`;
    return null;
  };
}

/** Check: DIR is a complete run with exactly `chains` chain CSVs (each with `draws` draws) and fit.json. */
export function runWritten(dir: string, chains: number, draws: number): Verdict {
  const meta = join(dir, 'fit.json');
  if (!existsSync(meta)) return { outcome: 'lost-output', why: `no ${meta}` };
  let parsed: { files?: string[]; incomplete?: boolean };
  try {
    parsed = JSON.parse(readFileSync(meta, 'utf8')) as typeof parsed;
  } catch (e) {
    return { outcome: 'lost-output', why: `fit.json unreadable: ${(e as Error).message}` };
  }
  const files = readdirSync(dir).filter((f) => /^chain-\d+\.csv$/.test(f));
  if (files.length !== chains) return `${files.length} chain files in ${dir}, expected ${chains}: ${files.join(', ')}`;
  if (parsed.files?.length !== chains) return `fit.json lists ${parsed.files?.length} files, expected ${chains}`;
  if (parsed.incomplete !== false) return `fit.json incomplete is ${String(parsed.incomplete)}`;
  for (const f of files) {
    const rows = drawRows(join(dir, f));
    if (rows !== draws) return `${f} has ${rows} draws, expected ${draws}`;
  }
  return null;
}

/** Data rows of a CmdStan CSV (non-comment lines after the header). */
export function drawRows(path: string): number {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return Math.max(0, lines.length - 1);
}
