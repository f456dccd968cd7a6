/**
 * Command-line flags: ranges of every numeric flag (issue 14, item 6), enumerations, priors and parameterizations,
 * unknown and incomplete flags, the warnings of item 3 (--thin, --threads), and the memory estimate that refuses
 * a run too large to hold before it starts.
 */
import { availableParallelism } from 'node:os';
import type { CliCase, RunResult, Token, Verdict } from '../types.js';
import { DATA, QUICK, fitArgs, hasFixed, summaryOf } from '../data.js';

const files = { 'd.csv': DATA };
const POOLED = hasFixed(['b_Intercept', 'b_x']);

/** fit with flag=value replacing QUICK's value (or added). */
function fitWith(flag: string, value: string, formula = 'y ~ x'): string[] {
  const base = fitArgs(formula);
  const i = base.indexOf(flag);
  if (i >= 0) return [...base.slice(0, i + 1), value, ...base.slice(i + 2)];
  return [...base, flag, value];
}

function badFlag(flag: string, value: string, more: Token[] = []): CliCase {
  return { class: 'flags', name: `${flag} ${JSON.stringify(value)}`, files, args: fitWith(flag, value), expect: 'error', tokens: [flag, ...more], timeoutMs: 20_000 };
}

function goodFlag(flag: string, value: string, check: CliCase['check'] = POOLED): CliCase {
  return { class: 'flags', name: `${flag} ${value} (valid)`, files, args: fitWith(flag, value), expect: 'ok', check };
}

/** Two seeds must give different draws. */
function distinctFrom(seed: string): (r: RunResult, ctx: Parameters<NonNullable<CliCase['check']>>[1]) => Promise<Verdict> {
  return async (r, ctx) => {
    const mine = summaryOf(r);
    if (typeof mine === 'string') return mine;
    const other = summaryOf(await ctx.cli(fitWith('--seed', seed)));
    if (typeof other === 'string') return `the fit with seed ${seed} failed: ${other}`;
    return JSON.stringify(mine) === JSON.stringify(other) ? `same draws as seed ${seed}` : null;
  };
}

const AB = 'arm,clicked\n' + Array.from({ length: 40 }, (_, i) => `${'ABC'[i % 3]},${(i * 7) % 5 === 0 ? 1 : 0}`).join('\n') + '\n';
const abtest = (...more: string[]): string[] => ['abtest', '--data', 'ab.csv', '--arm', 'arm', '--outcome', 'clicked', '--draws', '2000', ...more];

function abtestCase(name: string, args: string[], expect: CliCase['expect'], tokens: Token[] = []): CliCase {
  return { class: 'flags', name: `abtest ${name}`, files: { 'ab.csv': AB }, args, expect, tokens, timeoutMs: 20_000 };
}

const TS = 'date,sales\n' + Array.from({ length: 30 }, (_, d) => `2024-01-${String(d + 1).padStart(2, '0')},${100 + (d % 7)}`).join('\n') + '\n';
const its = (...more: string[]): string[] => ['its', '--data', 'ts.csv', '--time', 'date', '--outcome', 'sales', '--intervention', '2024-01-21', '--draws', '100', '--warmup', '100', ...more];

function itsCase(name: string, args: string[], tokens: Token[]): CliCase {
  return { class: 'flags', name: `its ${name}`, files: { 'ts.csv': TS }, args, expect: 'error', tokens, timeoutMs: 20_000 };
}

export const flagCases: CliCase[] = [
  badFlag('--chains', '0'),
  badFlag('--chains', '-1'),
  badFlag('--chains', 'abc'),
  badFlag('--chains', '1.5'),
  badFlag('--chains', '1e9'),
  badFlag('--chains', ''),
  badFlag('--draws', '0'),
  badFlag('--draws', '1e12'),
  badFlag('--draws', '-5'),
  badFlag('--warmup', '-1'),
  badFlag('--warmup', 'abc'),
  badFlag('--warmup', '1e12'),
  badFlag('--thin', '0'),
  badFlag('--thin', '2.5'),
  badFlag('--seed', '-1'),
  badFlag('--seed', '1.5'),
  badFlag('--seed', '9007199254740992'),
  badFlag('--seed', '1e20'),
  badFlag('--seed', 'abc'),
  badFlag('--threads', '0'),
  badFlag('--threads', 'abc'),
  badFlag('--target-accept', '0'),
  badFlag('--target-accept', '1'),
  badFlag('--target-accept', '1.5'),
  badFlag('--max-treedepth', '0'),
  badFlag('--metric', 'bad'),
  badFlag('--init', 'bad'),
  badFlag('--backend', 'bad'),
  badFlag('--fixed-basis', 'bad'),
  badFlag('--method', 'bad'),
  badFlag('--format', 'bad'),
  badFlag('--model', 'bad'),
  { class: 'flags', name: '--stats of an unknown statistic', files, args: [...fitArgs('y ~ x').filter((a) => a !== '--json'), '--stats', 'mean,bogus'], expect: 'error', tokens: ['bogus'] },
  { class: 'flags', name: '--vars of an unknown variable', files, args: fitWith('--vars', 'nosuch'), expect: 'error', tokens: ['nosuch'] },
  goodFlag('--vars', 'b_x', (r) => {
    const rows = summaryOf(r);
    if (typeof rows === 'string') return rows;
    return rows.length === 1 && rows[0].variable === 'b_x' ? null : `--vars b_x gave ${rows.map((x) => x.variable).join(', ')}`;
  }),
  goodFlag('--seed', '9007199254740991', distinctFrom('9007199254740990')),
  goodFlag('--seed', '0'),
  goodFlag('--thin', '2', (r) => {
    const rows = summaryOf(r);
    return typeof rows === 'string' ? rows : null;
  }),
  goodFlag('--max-treedepth', '3'),
  { class: 'flags', name: '--max-treedepth 100', files, args: fitWith('--max-treedepth', '100'), expect: 'either', tokens: ['--max-treedepth'], check: POOLED },
  { class: 'flags', name: '--thin leaving fewer than 4 draws', files, args: fitWith('--thin', '10'), expect: 'warn', tokens: [/thin/, /draw/] },
  { class: 'flags', name: '--thin above --draws', files, args: fitWith('--thin', '50'), expect: 'either', tokens: ['--thin'] },
  {
    class: 'flags',
    name: '--threads above the core count',
    files,
    args: [...fitWith('--backend', 'native'), '--threads', String(availableParallelism() * 50)],
    expect: 'warn',
    tokens: [/thread/, /core/],
  },
  { class: 'flags', name: '--threads 1 on native', files, args: [...fitWith('--backend', 'native'), '--threads', '1'], expect: 'ok', check: POOLED },
  {
    class: 'flags',
    name: '--backend webgpu (works, or a clear error)',
    files,
    args: fitWith('--backend', 'webgpu'),
    expect: 'either',
    tokens: [/webgpu|gpu|adapter/i],
    check: POOLED,
  },
  {
    class: 'flags',
    name: '--backend auto prints only nutmeg lines (item 7)',
    files,
    args: fitWith('--backend', 'auto'),
    expect: 'ok',
    check: (r) => {
      const foreign = r.stderr.split('\n').filter((l) => l.trim() !== '' && !/^(warning\b|note: |backend\b|auto\b)/.test(l));
      // not a wrong result, but the GPU libraries' noise the issue asks to silence
      return foreign.length === 0 ? null : { outcome: 'unclear-error', why: `${foreign.length} foreign stderr lines, e.g. ${foreign[0].slice(0, 120)}` };
    },
  },
  { class: 'flags', name: '--prior with bad syntax', files, args: fitWith('--prior', 'b=normal(0'), expect: 'error', tokens: [/--prior|normal\(0/] },
  { class: 'flags', name: '--prior without =', files, args: fitWith('--prior', 'normal(0,1)'), expect: 'error', tokens: [/--prior|=/] },
  { class: 'flags', name: '--prior of an unknown parameter', files, args: fitWith('--prior', 'b_nosuch=normal(0,1)'), expect: 'error', tokens: ['b_nosuch'] },
  { class: 'flags', name: '--prior of an unknown distribution', files, args: fitWith('--prior', 'b=cauchyy(0,1)'), expect: 'error', tokens: ['cauchyy'] },
  { class: 'flags', name: '--prior with a negative scale', files, args: fitWith('--prior', 'b=normal(0,-1)'), expect: 'error', tokens: [/scale|-1|positive/i] },
  { class: 'flags', name: '--prior with a non-number', files, args: fitWith('--prior', 'b=normal(0,abc)'), expect: 'error', tokens: ['abc'] },
  { class: 'flags', name: '--prior valid', files, args: fitWith('--prior', 'b_x=student_t(3,0,1)'), expect: 'ok', check: POOLED },
  { class: 'flags', name: '--param of an unknown choice', files, args: [...fitArgs('y ~ x + (1 | g)'), '--param', 'g=weird'], expect: 'error', tokens: ['weird'] },
  { class: 'flags', name: '--param of an unknown group', files, args: [...fitArgs('y ~ x + (1 | g)'), '--param', 'nosuch=centered'], expect: 'error', tokens: ['nosuch'] },
  { class: 'flags', name: '--param without =', files, args: [...fitArgs('y ~ x + (1 | g)'), '--param', 'centered'], expect: 'error', tokens: [/--param|=/] },
  { class: 'flags', name: '--param valid', files, args: [...fitArgs('y ~ x + (1 | g)'), '--param', 'g=centered'], expect: 'ok', check: hasFixed(['b_Intercept', 'b_x'], ['sd_g__Intercept']) },
  { class: 'flags', name: 'unknown flag', files, args: [...fitArgs('y ~ x'), '--bogus'], expect: 'error', tokens: ['--bogus'] },
  { class: 'flags', name: 'flag without its value', files, args: ['fit', '--data', 'd.csv', '--formula', 'y ~ x', '--quiet', '--chains'], expect: 'error', tokens: ['--chains'] },
  { class: 'flags', name: 'unknown command', args: ['fitt'], expect: 'error', tokens: ['fitt'] },
  { class: 'flags', name: '--rows with a CSV file', files, args: [...fitArgs('y ~ x'), '--rows', '10'], expect: 'error', tokens: ['--rows'] },
  { class: 'flags', name: '--rows 0 of simulated data', args: ['fit', '--data', 'sim:hillstrom', '--rows', '0', ...QUICK, '--quiet'], expect: 'error', tokens: ['--rows'] },
  { class: 'flags', name: 'unknown simulated data set', args: ['fit', '--data', 'sim:nosuch', ...QUICK, '--quiet'], expect: 'error', tokens: ['nosuch'] },
  {
    class: 'flags',
    name: 'run too large for memory refused with an estimate',
    files,
    args: [...fitWith('--chains', '4096'), '--draws', '1000000', '--warmup', '10'],
    expect: 'error',
    tokens: [/memory|[GT]i?B|MB/],
    timeoutMs: 30_000,
  },
  {
    class: 'flags',
    name: 'many variables × many draws refused with an estimate',
    files,
    args: ['fit', '--data', 'sim:hillstrom', '--rows', '2000', '--model', 'crossed', '--chains', '64', '--draws', '1000000', '--warmup', '10', '--backend', 'reference', '--quiet'],
    expect: 'error',
    tokens: [/memory|[GT]i?B|MB/],
  },
  abtestCase('--draws 0', abtest('--draws', '0'), 'error', ['--draws']),
  abtestCase('--draws 1e12', abtest('--draws', '1e12'), 'error', ['--draws']),
  abtestCase('--draws abc', abtest('--draws', 'abc'), 'error', ['--draws']),
  abtestCase('unknown arm column', ['abtest', '--data', 'ab.csv', '--arm', 'nosuch', '--outcome', 'clicked'], 'error', ['nosuch']),
  abtestCase('unknown outcome column', ['abtest', '--data', 'ab.csv', '--arm', 'arm', '--outcome', 'nosuch'], 'error', ['nosuch']),
  abtestCase('outcome not 0/1', ['abtest', '--data', 'ab.csv', '--arm', 'clicked', '--outcome', 'arm'], 'error', [/\barm\b/]),
  abtestCase('unknown control', abtest('--control', 'Z'), 'error', ['Z']),
  abtestCase('--interval 2', abtest('--interval', '2'), 'error', ['--interval']),
  abtestCase('--seed -1', abtest('--seed', '-1'), 'error', ['--seed']),
  itsCase('--fourier 0', its('--fourier', '0'), ['--fourier']),
  itsCase('--placebos 11', its('--placebos', '11'), ['--placebos']),
  itsCase('--interval 1.5', its('--interval', '1.5'), ['--interval']),
  itsCase('--family poisson', its('--family', 'poisson'), ['--family']),
  itsCase('--seasonality monthly', its('--seasonality', 'monthly'), ['--seasonality']),
  itsCase('--chains 0', its('--chains', '0'), ['--chains']),
  itsCase('intervention not a date', ['its', '--data', 'ts.csv', '--time', 'date', '--outcome', 'sales', '--intervention', 'soon'], ['--intervention', 'soon']),
  itsCase('unknown covariate', its('--covariates', 'price'), ['--covariates', 'price']),
  {
    class: 'flags',
    name: 'abtest valid',
    files: { 'ab.csv': AB },
    args: abtest('--json', '--control', 'A'),
    expect: 'ok',
    check: (r) => {
      try {
        const parsed = JSON.parse(r.stdout) as { arms: { arm: string; n: number; successes: number }[] };
        const counts = parsed.arms.map((a) => `${a.arm}:${a.n}:${a.successes}`).join(' ');
        // by hand: rows i with i % 3 = arm, clicked when 7i mod 5 = 0 (i = 0, 5, 10, …, 35)
        return counts === 'A:14:3 B:13:2 C:13:3' ? null : `arm counts ${counts}`;
      } catch {
        return 'stdout is not JSON';
      }
    },
  },
  { class: 'flags', name: 'score --interval bad', args: (ctx) => ['score', ctx.fixtures.run, '--data', ctx.fixtures.data, '--interval', '0.9,0.1'], expect: 'error', tokens: ['--interval'] },
  { class: 'flags', name: 'score --top -1', args: (ctx) => ['score', ctx.fixtures.run, '--data', ctx.fixtures.data, '--top', '-1'], expect: 'error', tokens: ['--top'] },
  { class: 'flags', name: 'score --target-prob 2', args: (ctx) => ['score', ctx.fixtures.run, '--data', ctx.fixtures.data, '--target-prob', '2'], expect: 'error', tokens: ['--target-prob'] },
  { class: 'flags', name: 'score --new-levels bad', args: (ctx) => ['score', ctx.fixtures.run, '--data', ctx.fixtures.data, '--new-levels', 'gaussian'], expect: 'error', tokens: ['--new-levels'] },
  { class: 'flags', name: 'score without --data', args: (ctx) => ['score', ctx.fixtures.run], expect: 'error', tokens: ['--data'] },
  { class: 'flags', name: 'serve --port 70000', args: (ctx) => ['serve', ctx.fixtures.run, '--port', '70000'], expect: 'error', tokens: ['--port'] },
  { class: 'flags', name: 'serve --port abc', args: (ctx) => ['serve', ctx.fixtures.run, '--port', 'abc'], expect: 'error', tokens: ['--port'] },
  { class: 'flags', name: 'serve --max-rows 0', args: (ctx) => ['serve', ctx.fixtures.run, '--port', '0', '--max-rows', '0'], expect: 'error', tokens: ['--max-rows'] },
  { class: 'flags', name: 'serve --body-limit abc', args: (ctx) => ['serve', ctx.fixtures.run, '--port', '0', '--body-limit', 'abc'], expect: 'error', tokens: ['--body-limit'] },
  { class: 'flags', name: 'serve of a directory that is not a run', args: ['serve', '.', '--port', '0'], expect: 'error', tokens: ['fit.json'] },
];
