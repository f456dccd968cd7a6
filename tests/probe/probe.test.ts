/**
 * The robustness probe of issue 14 ("Done when"): a few hundred things a new user might try — CSV files, formulas,
 * flags, output directories, signals and pipes, summary/loo/compare, the scoring API — each run against the built
 * CLI (dist/, `npx tsc -p tsconfig.build.json`) and classified (tests/probe/types.ts). Prints the table of outcomes
 * per class and every case that did not behave well; PROBE_REPORT=path also writes them as markdown. Fails on any
 * silent wrong result, stack trace, crash, hang or lost output.
 *
 * Run alone: npx vitest run tests/probe (PROBE_CLASS=api,signals for some classes only; PROBE_NAME=zip,weights for
 * the cases whose names contain those)
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCases } from './cases/api.js';
import { csvCases } from './cases/csv.js';
import { flagCases } from './cases/flags.js';
import { formulaCases } from './cases/formula.js';
import { outputCases } from './cases/output.js';
import { signalCases } from './cases/signals.js';
import { summaryLooCompareCases } from './cases/summary-loo-compare.js';
import { startFixtures, type StartedFixtures } from './fixtures.js';
import { BIN, REPO, countTable, markdownReport, probeRoot, runAll, textTable } from './harness.js';
import { FATAL_OUTCOMES, GOOD_OUTCOMES, type CaseOutcome, type ProbeCase } from './types.js';
import { join } from 'node:path';

const ALL: ProbeCase[] = [...csvCases, ...formulaCases, ...flagCases, ...outputCases, ...signalCases, ...summaryLooCompareCases, ...apiCases];
/** PROBE_CLASS=api,signals runs those classes only (while working on them); the coverage test then does not apply. */
const only = process.env.PROBE_CLASS?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [];
/** PROBE_NAME=leading,unused runs the cases whose names contain one of these; the coverage test then does not apply. */
const named = process.env.PROBE_NAME?.split(',').map((s) => s.trim()).filter((s) => s !== '') ?? [];
const runnable = ALL.filter(
  (c) => c.skip === undefined && (only.length === 0 || only.includes(c.class)) && (named.length === 0 || named.some((n) => c.name.includes(n))),
);
const skipped = ALL.filter((c) => c.skip !== undefined).map((c) => `${c.class}: ${c.name} — ${c.skip}`);
const built = existsSync(join(REPO, 'dist', 'cli', 'main.js'));

describe('robustness probe (issue 14)', () => {
  const root = probeRoot();
  let started: StartedFixtures;
  let results: CaseOutcome[] = [];

  beforeAll(async () => {
    if (!built) throw new Error('the probe runs the built CLI: run npx tsc -p tsconfig.build.json first');
    started = await startFixtures(root);
    const t0 = performance.now();
    results = await runAll(runnable, root, started.fixtures, 2);
    const seconds = (performance.now() - t0) / 1000;
    const bad = results.filter((r) => !GOOD_OUTCOMES.includes(r.outcome));
    const lines = [
      `robustness probe: ${results.length} cases in ${seconds.toFixed(0)} s (${BIN})`,
      ...(started.fixtures.problems.length > 0 ? ['fixture problems:', ...started.fixtures.problems.map((p) => `  ${p}`)] : []),
      textTable(countTable(results)),
      '',
      `cases not ok (${bad.length}):`,
      ...bad.map((r) => `  [${r.outcome}] ${r.class}: ${r.name} — ${r.why}`),
      'slowest cases:',
      ...[...results].sort((a, b) => b.seconds - a.seconds).slice(0, 12).map((r) => `  ${r.seconds.toFixed(1)} s  ${r.class}: ${r.name} [${r.outcome}]`),
      ...(skipped.length > 0 ? ['skipped:', ...skipped.map((s) => `  ${s}`)] : []),
    ];
    console.log(lines.join('\n'));
    if (process.env.PROBE_REPORT) writeFileSync(process.env.PROBE_REPORT, markdownReport(results, skipped, seconds));
  }, 900_000);

  afterAll(async () => {
    await started?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(only.length > 0 || named.length > 0)('covers every class with at least 150 cases in all', () => {
    expect(results.length).toBe(runnable.length);
    expect(results.length).toBeGreaterThanOrEqual(150);
    for (const cls of ['csv', 'formula', 'flags', 'output', 'signals', 'summary-loo-compare', 'api']) {
      expect(results.filter((r) => r.class === cls).length, cls).toBeGreaterThan(0);
    }
  });

  it('has names unique within a class', () => {
    const names = ALL.map((c) => `${c.class}: ${c.name}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  for (const outcome of FATAL_OUTCOMES) {
    it(`ends with 0 ${outcome}`, () => {
      expect(results.filter((r) => r.outcome === outcome).map((r) => `${r.class}: ${r.name} — ${r.why}`)).toEqual([]);
    });
  }
});
