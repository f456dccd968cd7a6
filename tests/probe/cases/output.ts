/**
 * `--out`: checked before sampling (a file, a path under a file, /dev/null, /proc), an existing run refused without
 * --overwrite and replaced whole with it, a complete run written atomically, warnings kept in fit.json, and a huge
 * factor that must not lose the run when the summary is printed (issue 14, items 3, 4 and 8).
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCase, RunResult, Verdict } from '../types.js';
import { DATA, QUICK, fitArgs, runWritten, setFlag } from '../data.js';

const files = { 'd.csv': DATA };
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** A fit long enough that progress lines appear if --out is only checked after sampling. */
function lateFit(out: string): string[] {
  return ['fit', '--data', 'd.csv', '--formula', 'y ~ x', '--chains', '1', '--warmup', '20', '--draws', '20000', '--backend', 'reference', '--seed', '1', '--out', out];
}

/** The error came before sampling: no progress line on stderr. */
function beforeSampling(r: RunResult): Verdict {
  return /iteration \d+/.test(r.stderr) ? 'refused only after sampling (progress lines came first)' : null;
}

/** Nothing but the case's own files and `keep` in the case's directory (no temporary run directories left). */
function onlyFiles(dir: string, keep: readonly string[]): Verdict {
  const extra = readdirSync(dir).filter((f) => !keep.includes(f) && f !== 'd.csv');
  return extra.length > 0 ? `left behind: ${extra.join(', ')}` : null;
}

const quickOut = (out: string, ...more: string[]): string[] => [...fitArgs('y ~ x'), '--out', out, ...more];

function bigFactor(levels: number): string {
  const lines = ['y,g'];
  for (let i = 0; i < levels; i++) lines.push(`${(i * 7919) % 3 === 0 ? 1 : 0},L${i}`);
  return lines.join('\n') + '\n';
}

export const outputCases: CliCase[] = [
  {
    class: 'output',
    name: '--out a fresh directory',
    files,
    args: quickOut('run'),
    expect: 'ok',
    check: (_r, ctx) => runWritten(join(ctx.dir, 'run'), 1, 20) ?? onlyFiles(ctx.dir, ['run']),
  },
  {
    class: 'output',
    name: '--out a fresh nested directory',
    files,
    args: quickOut('a/b/run'),
    expect: 'either',
    tokens: ['a/b'],
    check: (_r, ctx) => runWritten(join(ctx.dir, 'a/b/run'), 1, 20),
  },
  {
    class: 'output',
    name: '--out an existing empty directory',
    files,
    prepare: (ctx) => void mkdirSync(join(ctx.dir, 'run')),
    args: quickOut('run'),
    expect: 'ok',
    check: (_r, ctx) => runWritten(join(ctx.dir, 'run'), 1, 20) ?? onlyFiles(ctx.dir, ['run']),
  },
  {
    class: 'output',
    name: '--out an existing run without --overwrite',
    files,
    prepare: (ctx) => {
      mkdirSync(join(ctx.dir, 'run'));
      writeFileSync(join(ctx.dir, 'run', 'chain-1.csv'), 'old\n');
      writeFileSync(join(ctx.dir, 'run', 'fit.json'), '{"old":true}\n');
    },
    args: lateFit('run'),
    expect: 'error',
    tokens: ['run', '--overwrite'],
    check: (r, ctx) =>
      readFileSync(join(ctx.dir, 'run', 'fit.json'), 'utf8') !== '{"old":true}\n' ? { outcome: 'lost-output', why: 'the old run was overwritten' } : beforeSampling(r),
  },
  {
    class: 'output',
    name: '--overwrite a 4-chain run with a 2-chain run',
    files,
    prepare: async (ctx) => {
      const first = await ctx.cli(setFlag(quickOut('run'), '--chains', '4'));
      if (first.code !== 0) throw new Error(`first fit failed: ${first.stderr.slice(0, 200)}`);
    },
    args: setFlag(quickOut('run', '--overwrite'), '--chains', '2'),
    expect: 'ok',
    check: (_r, ctx) => runWritten(join(ctx.dir, 'run'), 2, 20) ?? onlyFiles(ctx.dir, ['run']),
  },
  {
    class: 'output',
    name: '--out an existing file',
    files: { ...files, 'taken.txt': 'keep me\n' },
    args: lateFit('taken.txt'),
    expect: 'error',
    tokens: ['taken.txt'],
    check: (r, ctx) =>
      readFileSync(join(ctx.dir, 'taken.txt'), 'utf8') !== 'keep me\n' ? { outcome: 'lost-output', why: 'the file was overwritten' } : beforeSampling(r),
  },
  { class: 'output', name: '--out under a file', files: { ...files, f: 'x\n' }, args: lateFit('f/run'), expect: 'error', tokens: ['f/run'], check: beforeSampling },
  { class: 'output', name: '--out /dev/null', files, args: lateFit('/dev/null'), expect: 'error', tokens: ['/dev/null'], check: beforeSampling },
  { class: 'output', name: '--out /proc/…', files, args: lateFit('/proc/nutmeg-probe/run'), expect: 'error', tokens: ['/proc/nutmeg-probe'], check: beforeSampling },
  {
    class: 'output',
    name: '--out in a read-only directory',
    skip: isRoot ? 'running as root: permissions do not stop writing' : undefined,
    files,
    prepare: (ctx) => {
      mkdirSync(join(ctx.dir, 'ro'));
      chmodSync(join(ctx.dir, 'ro'), 0o555);
    },
    args: lateFit('ro/run'),
    expect: 'error',
    tokens: ['ro'],
    check: beforeSampling,
  },
  {
    class: 'output',
    name: 'warnings kept in fit.json',
    files: { 'd.csv': DATA.replace(/\n[01],/g, '\n0,') },
    args: quickOut('run'),
    expect: 'warn',
    tokens: [/\by\b/],
    check: (_r, ctx) => {
      const meta = join(ctx.dir, 'run', 'fit.json');
      if (!existsSync(meta)) return { outcome: 'lost-output', why: 'no fit.json' };
      const text = readFileSync(meta, 'utf8');
      return /"warnings"/.test(text) && /constant|all|only|every|never|same/i.test(text) ? null : 'fit.json has no warnings about the constant outcome';
    },
  },
  {
    class: 'output',
    name: 'factor with 70,000 levels: condensed summary printed, run and effects table kept',
    files: { 'd.csv': bigFactor(70_000) },
    args: ['fit', '--data', 'd.csv', '--formula', 'y ~ (1 | g)', '--chains', '1', '--warmup', '5', '--draws', '5', '--max-treedepth', '3', '--backend', 'reference', '--quiet', '--out', 'run'],
    timeoutMs: 90_000,
    expect: 'ok',
    check: (r, ctx) => {
      const written = runWritten(join(ctx.dir, 'run'), 1, 5);
      if (written !== null) return typeof written === 'string' ? { outcome: 'lost-output', why: written } : written;
      // 140,000 per-level values per draw: the default keeps their summaries in effects-summary.csv and prints the
      // population-level rows, the extremes and a line counting the rest
      if (!/group effects not shown/.test(r.stdout)) return 'the condensed summary does not say how many effects it hides';
      const table = join(ctx.dir, 'run', 'effects-summary.csv');
      if (!existsSync(table)) return { outcome: 'lost-output', why: 'no effects-summary.csv' };
      return readFileSync(table, 'utf8').includes('r_g__Intercept[70000]') ? null : 'effects-summary.csv does not reach r_g__Intercept[70000]';
    },
  },
  {
    class: 'output',
    name: 'summary of a fresh run matches its fit',
    files,
    prepare: async (ctx) => {
      const fit = await ctx.cli(quickOut('run'));
      if (fit.code !== 0) throw new Error(`fit failed: ${fit.stderr.slice(0, 200)}`);
      writeFileSync(join(ctx.dir, 'fit-summary.json'), fit.stdout);
    },
    args: ['summary', 'run/chain-1.csv', '--json'],
    expect: 'ok',
    check: (r, ctx) => {
      try {
        const fitted = (JSON.parse(readFileSync(join(ctx.dir, 'fit-summary.json'), 'utf8')) as { summary: { variable: string; mean: number }[] }).summary;
        const read = JSON.parse(r.stdout) as { variable: string; mean: number }[];
        for (const v of fitted) {
          const w = read.find((x) => x.variable === v.variable);
          if (!w) return `summary of the files has no ${v.variable}`;
          // the chain CSV keeps 6 significant digits
          if (Math.abs(w.mean - v.mean) > 1e-5 * Math.max(1, Math.abs(v.mean))) return `${v.variable}: ${w.mean} from the files, ${v.mean} from the fit`;
        }
        return null;
      } catch (e) {
        return `not JSON: ${(e as Error).message}`;
      }
    },
  },
  {
    class: 'output',
    name: 'fit --method map with --out',
    files,
    args: ['fit', '--data', 'd.csv', '--formula', 'y ~ x', '--method', 'map', '--backend', 'reference', '--quiet', '--out', 'run'],
    expect: 'either',
    tokens: [/--out|map/],
    check: (_r, ctx) => (existsSync(join(ctx.dir, 'run', 'fit.json')) ? null : { outcome: 'lost-output', why: '--out given, exit 0, and nothing written' }),
  },
  {
    class: 'output',
    name: 'fit table to stdout, notes to stderr',
    files,
    args: ['fit', '--data', 'd.csv', '--formula', 'y ~ x', ...QUICK],
    expect: 'ok',
    check: (r) => (/^variable\s+mean/m.test(r.stdout) && !/^model: /m.test(r.stdout) && /model: /.test(r.stderr) ? null : 'summary table not on stdout or notes not on stderr'),
  },
];
