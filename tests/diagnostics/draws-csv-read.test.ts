/**
 * Reading draws CSVs: CmdStan files (comments, saved warm-up before `# Adaptation terminated`, one file per chain,
 * sampler-stat columns apart, names kept as written, max_depth from the configuration), the long format of R
 * posterior's `as_draws_df` (`.chain`/`.iteration`/`.draw`, rows in any order), gzip, and every user mistake as a
 * UserError naming the file and line. The expected DrawSets are written out by hand from the files below.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chainDraws, variableIndex } from '../../src/draws.js';
import type { DrawSet } from '../../src/draws.js';
import { UserError } from '../../src/errors.js';
import { readDrawsCsv } from '../../src/io/draws-csv-read.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-draws-'));
function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const CONFIG = `# stan_version_major = 2
# stan_version_minor = 33
# model = hier_model
# method = sample (Default)
#   sample
#     num_samples = 3
#     num_warmup = 2
#     save_warmup = 1
#     algorithm = hmc (Default)
#       hmc
#         engine = nuts (Default)
#           nuts
#             max_depth = 8
#         metric = diag_e (Default)
`;
const HEADER = 'lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,b_Intercept,r_g__t.1,r_g__t.2\n';

/** A CmdStan file with two saved warm-up draws, then three draws after adaptation; `k` offsets the values. */
function cmdstanChain(k: number): string {
  const row = (d: number): string =>
    [-7 - d - k, 0.9, 0.5, 3, 7, d === 1 ? 1 : 0, 8 + d + k, 0.1 * d + k, 1e-3 * d - k, `${d + k}e+00`].join(',') + '\n';
  return (
    CONFIG + HEADER + '-99,1,2,1,1,0,99,99,99,99\n-98,1,2,1,1,0,98,98,98,98\n' +
    '# Adaptation terminated\n# Step size = 0.5\n# Diagonal elements of inverse mass matrix:\n# 1, 1, 1\n' +
    row(0) + row(1) + row(2) +
    '# \n#  Elapsed Time: 0.01 seconds (Warm-up)\n#                0.02 seconds (Sampling)\n'
  );
}

function values(ds: DrawSet, name: string, c: number): number[] {
  return Array.from(chainDraws(ds, variableIndex(ds, name), c));
}

function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('CmdStan CSV', () => {
  const a = file('chain-1.csv', cmdstanChain(0));
  const b = file('chain-2.csv', cmdstanChain(10));

  it('one file per chain; warm-up dropped; parameters and sampler statistics apart; names as written', () => {
    const r = readDrawsCsv([a, b]);
    expect(r.format).toBe('cmdstan');
    expect(r.draws.names).toEqual(['b_Intercept', 'r_g__t.1', 'r_g__t.2']);
    expect([r.draws.nChains, r.draws.nDraws]).toEqual([2, 3]);
    expect(values(r.draws, 'b_Intercept', 0)).toEqual([0, 0.1, 0.2]);
    expect(values(r.draws, 'r_g__t.1', 1)).toEqual([-10, -9.999, -9.998]);
    expect(values(r.draws, 'r_g__t.2', 1)).toEqual([10, 11, 12]);
    expect(r.samplerStats!.names).toEqual(['lp__', 'accept_stat__', 'stepsize__', 'treedepth__', 'n_leapfrog__', 'divergent__', 'energy__']);
    expect(values(r.samplerStats!, 'divergent__', 0)).toEqual([0, 1, 0]);
    expect(values(r.samplerStats!, 'energy__', 1)).toEqual([18, 19, 20]);
    expect(r.maxTreedepth).toBe(8);
    // the parameters in a SharedArrayBuffer: the threaded summary reads them where they are, without a copy
    expect(r.draws.values.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('without saved warm-up (adaptation comments before the draws) every row is a draw', () => {
    const text = CONFIG.replace('save_warmup = 1', 'save_warmup = 0') + HEADER +
      '# Adaptation terminated\n# Step size = 0.5\n' + '-7,0.9,0.5,3,7,0,8,1,2,3\n-7,0.9,0.5,3,7,0,8,4,5,6\n';
    const r = readDrawsCsv([file('nowarmup.csv', text)]);
    expect(values(r.draws, 'r_g__t.2', 0)).toEqual([3, 6]);
  });

  it('nan and inf as CmdStan writes them', () => {
    const r = readDrawsCsv([file('special.csv', 'lp__,x,y\n-1,nan,inf\n-2,-inf,1.5E-3\n')]);
    expect(values(r.draws, 'x', 0)).toEqual([NaN, -Infinity]);
    expect(values(r.draws, 'y', 0)).toEqual([Infinity, 0.0015]);
  });

  it('gzip-compressed files', () => {
    const gz = file('chain-1.csv.gz', gzipSync(cmdstanChain(0)));
    expect(values(readDrawsCsv([gz]).draws, 'b_Intercept', 0)).toEqual([0, 0.1, 0.2]);
  });

  it('mistakes name the file and line', () => {
    expect(userError(() => readDrawsCsv([file('bad-number.csv', 'lp__,x\n-1,0.5\n-2,abc\n')]))).toBe(
      `${dir}/bad-number.csv: line 3, column 2 (x): "abc" is not a number; every value after the header must be numeric`,
    );
    expect(userError(() => readDrawsCsv([file('short-row.csv', '# c\nlp__,x\n-1,0.5\n-2\n')]))).toMatch(
      /short-row\.csv: line 4: .*each row needs one value per column/,
    );
    const other = file('other.csv', 'lp__,y\n-1,2\n-2,3\n-3,4\n');
    expect(userError(() => readDrawsCsv([a, other]))).toMatch(/other\.csv: its header differs from .*chain-1\.csv's/);
    const shorter = file('shorter.csv', cmdstanChain(0).replace(/^-7,0\.9.*\n/m, ''));
    expect(userError(() => readDrawsCsv([a, shorter]))).toMatch(/shorter\.csv: has 2 draws but .*chain-1\.csv has 3/);
    expect(userError(() => readDrawsCsv([file('empty.csv', '# only a comment\n')]))).toMatch(/empty\.csv: no header line/);
    expect(userError(() => readDrawsCsv([join(dir, 'missing.csv')]))).toMatch(/missing\.csv: file not found/);
    expect(userError(() => readDrawsCsv([file('dup.csv', 'x,x\n1,2\n')]))).toMatch(/dup\.csv: line 1: column "x" appears twice/);
    expect(userError(() => readDrawsCsv([]))).toMatch(/no draws files given/);
  });
});

describe('long format', () => {
  it('as_draws_df columns, rows in any order, sampler statistics apart', () => {
    const text =
      '".chain",".iteration",".draw","mu","theta[1]","lp__"\n' +
      '2,2,4,22,-22,-4\n1,1,1,11,-11,-1\n2,1,3,21,-21,-3\n1,2,2,12,-12,-2\n';
    const r = readDrawsCsv([file('long.csv', text)]);
    expect(r.format).toBe('long');
    expect(r.draws.names).toEqual(['mu', 'theta[1]']);
    expect(values(r.draws, 'mu', 0)).toEqual([11, 12]);
    expect(values(r.draws, 'theta[1]', 1)).toEqual([-21, -22]);
    expect(values(r.samplerStats!, 'lp__', 1)).toEqual([-3, -4]);
  });
  it('chain and draw columns (the golden files’ layout)', () => {
    const r = readDrawsCsv([file('long2.csv', 'chain,draw,a\n1,1,5\n1,2,6\n3,1,7\n3,2,8\n')]);
    expect([r.draws.nChains, r.draws.nDraws]).toEqual([2, 2]);
    expect(values(r.draws, 'a', 1)).toEqual([7, 8]);
    expect(r.samplerStats).toBeNull();
  });
  it("R's write.csv row-names column (unnamed, first) is skipped", () => {
    const r = readDrawsCsv([file('rownames.csv', '"","chain","draw","a"\n"r1",1,1,5\n"r2",1,2,6\n')]);
    expect(r.draws.names).toEqual(['a']);
    expect(values(r.draws, 'a', 0)).toEqual([5, 6]);
    expect(userError(() => readDrawsCsv([file('noname.csv', 'chain,,a\n1,1,5\n')]))).toMatch(/noname\.csv: line 1: column 2 has no name/);
  });
  it('mistakes', () => {
    expect(userError(() => readDrawsCsv([file('uneven.csv', 'chain,draw,a\n1,1,5\n1,2,6\n2,1,7\n')]))).toMatch(
      /uneven\.csv: chain 2 has 1 draws but chain 1 has 2/,
    );
    expect(userError(() => readDrawsCsv([file('frac.csv', 'chain,draw,a\n1.5,1,5\n')]))).toMatch(
      /frac\.csv: line 2: chain "1.5" is not a whole number/,
    );
    const long = file('long3.csv', 'chain,draw,a\n1,1,5\n');
    expect(userError(() => readDrawsCsv([long, file('c.csv', 'lp__,a\n1,2\n')]))).toMatch(
      /long3\.csv: is a long-format file .* give it alone/,
    );
  });
});

describe('chain by chain (issue 16): plain files scanned in chunks, others by the full parser, each chain into place', () => {
  /** Chain k: `warm` saved warm-up rows, then `n` draws; values that need every digit (x = k + d / 7). */
  const chain = (k: number, n: number, warm = 0): string => {
    let text = '# model = t\n# max_depth = 9\nlp__,accept_stat__,b_x,r_g__t.1\n';
    for (let d = 0; d < warm; d++) text += `${-50 - d},0.5,${100 + d},${-100 - d}\n`;
    if (warm > 0) text += '# Adaptation terminated\n# Step size = 0.5\n';
    for (let d = 0; d < n; d++) text += `${-d - k},${0.9},${String(k + d / 7)},${(-(k * d) / 3).toExponential()}\n`;
    return text + '#  Elapsed Time: 0.1 seconds\n';
  };
  const expected = (k: number, n: number): { x: number[]; r: number[] } => ({
    x: Array.from({ length: n }, (_, d) => Number(String(k + d / 7))),
    r: Array.from({ length: n }, (_, d) => Number((-(k * d) / 3).toExponential())),
  });

  it('the scan and the full parser give the same draws (CRLF, quotes, spaces, gzip)', () => {
    const plain = [file('p1.csv', chain(1, 6, 2)), file('p2.csv', chain(2, 6)), file('p3.csv', chain(3, 6, 9))];
    const r = readDrawsCsv(plain);
    expect([r.draws.nChains, r.draws.nDraws]).toEqual([3, 6]);
    for (const k of [1, 2, 3]) {
      expect(values(r.draws, 'b_x', k - 1)).toEqual(expected(k, 6).x);
      expect(values(r.draws, 'r_g__t.1', k - 1)).toEqual(expected(k, 6).r);
    }
    expect(r.maxTreedepth).toBe(9);
    const variants = [
      [file('crlf.csv', chain(2, 6).replaceAll('\n', '\r\n'))],
      [file('quoted.csv', chain(2, 6).replace('lp__,accept_stat__,b_x,r_g__t.1', '"lp__","accept_stat__","b_x","r_g__t.1"'))],
      [file('spaces.csv', chain(2, 6).replaceAll(',', ', '))],
      [file('p2.csv.gz', gzipSync(chain(2, 6)))],
    ];
    for (const [path] of variants) {
      const v = readDrawsCsv([plain[0], path, plain[2]]);
      expect(v.draws.values).toEqual(r.draws.values);
      expect(v.samplerStats!.values).toEqual(r.samplerStats!.values);
    }
  });

  it('a file the scan gives up on part-way is read again from its start', () => {
    // the last row of chain 2 has a quoted number: its first rows were already in place when the scan gave up
    const lines = chain(2, 6).split('\n');
    const last = lines.findLastIndex((l) => /^-/.test(l));
    lines[last] = lines[last].replace(/^([^,]*),/, '"$1",');
    const r = readDrawsCsv([file('q1.csv', chain(1, 6)), file('q2.csv', lines.join('\n'))]);
    expect(values(r.draws, 'b_x', 1)).toEqual(expected(2, 6).x);
    expect(values(r.samplerStats!, 'lp__', 1)).toEqual([-2, -3, -4, -5, -6, -7]);
  });

  it('a later chain whose saved warm-up is longer than the draws', () => {
    const r = readDrawsCsv([file('w1.csv', chain(1, 3)), file('w2.csv', chain(2, 3, 8))]);
    expect(values(r.draws, 'b_x', 1)).toEqual(expected(2, 3).x);
  });

  it('chains of different lengths: longer or shorter than the first, after a good one', () => {
    const one = file('l1.csv', chain(1, 4));
    const same = file('l2.csv', chain(2, 4));
    expect(userError(() => readDrawsCsv([one, same, file('l3.csv', chain(3, 7))]))).toBe(
      `${dir}/l3.csv: has 7 draws but ${one} has 4; every chain needs the same number of draws (were the runs finished?)`,
    );
    expect(userError(() => readDrawsCsv([one, same, file('l4.csv', chain(3, 2, 5))]))).toMatch(/l4\.csv: has 2 draws but .*l1\.csv has 4/);
    expect(userError(() => readDrawsCsv([one, file('l5.csv', chain(3, 0, 5))]))).toMatch(
      /l5\.csv: no draws after the header \(only warm-up before "# Adaptation terminated"\)/,
    );
  });

  it('a missing or unreadable chain is said before any file is read in full; mistakes in a scanned file as the full parser says them', () => {
    const bad = file('m1.csv', chain(1, 4).replace('0.9', 'abc'));
    expect(userError(() => readDrawsCsv([bad, join(dir, 'gone.csv')]))).toBe(`${dir}/gone.csv: file not found; check the path`);
    expect(userError(() => readDrawsCsv([bad, dir]))).toBe(`${dir}: is a directory; give the CSV files of the chains`);
    expect(userError(() => readDrawsCsv([bad]))).toBe(
      `${bad}: line 4, column 2 (accept_stat__): "abc" is not a number; every value after the header must be numeric`,
    );
    const copy = file('m2.csv', '# a copy\n' + chain(1, 4));
    expect(userError(() => readDrawsCsv([file('m3.csv', chain(1, 4)), copy]))).toMatch(/m3\.csv and .*m2\.csv hold identical draws/);
  });
});
