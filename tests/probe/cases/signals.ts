/**
 * Signals and pipes (issue 14, item 5): SIGINT, SIGTERM and SIGHUP end a fit keeping what was drawn, marked
 * incomplete, with exit 128 + signal (or 130 as after Ctrl-C); `nutmeg summary` of such a run says so first; writing
 * to a closed pipe ends quietly; `nutmeg serve` stops on SIGTERM.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseContext, CliCase, CliOptions, Verdict } from '../types.js';
import { DATA, drawRows, fitArgs, runWritten, setFlag } from '../data.js';
import { signalExitCodes } from '../harness.js';

const files = { 'd.csv': DATA };

/** A fit that would run for minutes, printing its notes (so the probe can wait for sampling to begin). */
const LONG_FIT = ['fit', '--data', 'd.csv', '--formula', 'y ~ x', '--chains', '2', '--warmup', '20', '--draws', '1000000', '--backend', 'reference', '--seed', '1', '--out', 'run'];

function signalAfterStart(name: NodeJS.Signals): CliOptions {
  return { signal: { name, waitFor: /^model: /m, delayMs: 2000 } };
}

/** The run directory holds what was drawn: fit.json marked incomplete and every chain's CSV with at least one draw. */
function keptIncomplete(ctx: CaseContext): Verdict {
  const dir = join(ctx.dir, 'run');
  const meta = join(dir, 'fit.json');
  if (!existsSync(meta)) return { outcome: 'lost-output', why: 'no run/fit.json after the signal' };
  const parsed = JSON.parse(readFileSync(meta, 'utf8')) as { incomplete?: boolean; files?: string[] };
  if (parsed.incomplete !== true) return `fit.json incomplete is ${String(parsed.incomplete)}`;
  const chains = readdirSync(dir).filter((f) => /^chain-\d+\.csv$/.test(f));
  if (chains.length !== 2) return { outcome: 'lost-output', why: `${chains.length} chain CSVs, expected 2` };
  for (const f of chains) if (drawRows(join(dir, f)) < 1) return { outcome: 'lost-output', why: `${f} has no draws` };
  return null;
}

function signalCase(name: NodeJS.Signals): CliCase {
  return {
    class: 'signals',
    name: `${name} during a fit with --out`,
    files,
    args: LONG_FIT,
    options: signalAfterStart(name),
    successCodes: signalExitCodes(name),
    expect: 'ok',
    check: (r, ctx) => {
      if (r.code === 0) return 'the fit ran to the end: the signal was ignored';
      return keptIncomplete(ctx);
    },
  };
}

/** The first non-empty line of stderr or of stdout. */
function firstLines(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '') ?? '';
}

export const signalCases: CliCase[] = [
  signalCase('SIGINT'),
  signalCase('SIGTERM'),
  signalCase('SIGHUP'),
  {
    class: 'signals',
    name: 'summary of an interrupted run says incomplete first',
    files,
    prepare: async (ctx) => {
      const r = await ctx.cli(LONG_FIT, signalAfterStart('SIGINT'));
      if (!existsSync(join(ctx.dir, 'run', 'chain-2.csv'))) throw new Error(`the interrupted fit kept nothing (exit ${r.code}, ${r.signal})`);
    },
    args: ['summary', 'run/chain-1.csv', 'run/chain-2.csv'],
    expect: 'ok',
    check: (r) =>
      /incomplete|interrupted/i.test(firstLines(r.stderr)) || /incomplete|interrupted/i.test(firstLines(r.stdout))
        ? null
        : `first lines: ${JSON.stringify(firstLines(r.stderr))} / ${JSON.stringify(firstLines(r.stdout))}`,
  },
  {
    class: 'signals',
    name: 'SIGTERM during warm-up of a fit without --out',
    files,
    // --adapt stan: the Fisher warm-up of a pooled model ends by itself after a few hundred iterations (--warmup is
    // its maximum), so only Stan's windows keep the fit in warm-up until the signal comes
    args: ['fit', '--data', 'd.csv', '--formula', 'y ~ x', '--chains', '1', '--warmup', '1000000', '--draws', '10', '--backend', 'reference', '--adapt', 'stan'],
    options: signalAfterStart('SIGTERM'),
    successCodes: signalExitCodes('SIGTERM'),
    expect: 'ok',
    check: (r) => (r.code === 0 ? 'the fit ran to the end: the signal was ignored' : null),
  },
  {
    class: 'signals',
    name: 'fit with stdout closed (| head -1)',
    files,
    args: [...fitArgs('y ~ x').filter((a) => a !== '--json'), '--out', 'run'],
    options: { closeStdout: 'at-start' },
    successCodes: [141],
    expect: 'ok',
    check: (r, ctx) => {
      if (/EPIPE/.test(r.stderr)) return `EPIPE reported: ${r.stderr.split('\n')[0]}`;
      const written = runWritten(join(ctx.dir, 'run'), 1, 20);
      return written === null ? null : typeof written === 'string' ? { outcome: 'lost-output', why: written } : written;
    },
  },
  {
    class: 'signals',
    name: 'fit --json with stdout closed after the first chunk',
    files,
    args: setFlag(fitArgs('y ~ x + (1 | note)'), '--chains', '2'),
    options: { closeStdout: 'after-first-chunk' },
    successCodes: [141],
    expect: 'ok',
    check: (r) => (/EPIPE/.test(r.stderr) ? `EPIPE reported: ${r.stderr.split('\n')[0]}` : null),
  },
  {
    class: 'signals',
    name: 'summary with stdout closed',
    args: (ctx) => ['summary', join(ctx.fixtures.run, 'chain-1.csv'), join(ctx.fixtures.run, 'chain-2.csv'), '--format', 'csv'],
    options: { closeStdout: 'at-start' },
    successCodes: [141],
    expect: 'ok',
    check: (r) => (/EPIPE/.test(r.stderr) ? `EPIPE reported: ${r.stderr.split('\n')[0]}` : null),
  },
  {
    class: 'signals',
    name: 'loo with stdout closed',
    args: (ctx) => ['loo', ctx.fixtures.run, '--backend', 'reference'],
    options: { closeStdout: 'at-start' },
    successCodes: [141],
    expect: 'ok',
    check: (r) => (/EPIPE/.test(r.stderr) ? `EPIPE reported: ${r.stderr.split('\n')[0]}` : null),
  },
  {
    class: 'signals',
    name: 'score with stdout closed',
    args: (ctx) => ['score', ctx.fixtures.run, '--data', ctx.fixtures.data, '--quiet'],
    options: { closeStdout: 'at-start' },
    successCodes: [141],
    expect: 'ok',
    check: (r) => (/EPIPE/.test(r.stderr) ? `EPIPE reported: ${r.stderr.split('\n')[0]}` : null),
  },
  {
    class: 'signals',
    name: 'serve stops on SIGTERM',
    args: (ctx) => ['serve', ctx.fixtures.run, '--port', '0'],
    options: { signal: { name: 'SIGTERM', waitFor: /nutmeg serve: /, delayMs: 300 } },
    successCodes: [143],
    expect: 'ok',
    check: (r) => (/nutmeg serve: /.test(r.stderr) ? null : 'the server never said it was listening'),
  },
];

