/**
 * The report page in headless Chromium: it loads with no console errors or page errors, makes no request beyond the
 * page itself, runs no script, and every plot is an SVG of non-zero size with marks in it. Two pages: one with every
 * plot kind on fixed inputs (from a file), the page `nutmeg analyze hillstrom --report FILE` writes for a small
 * simulated analysis (every plot of the analysis), and the report `nutmeg serve` builds from a small fitted run (over
 * HTTP, with its Content-Security-Policy header). Skipped, with a notice, where chromium is not installed
 * (scripts/install-system-deps.sh installs it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { main } from '../../src/cli/main.js';
import { loadRun } from '../../src/io/run-dir.js';
import { writeReport, type ReportSection } from '../../src/report/html.js';
import { buildServer } from '../../src/serve/server.js';
import { runFixture } from '../serve/run-fixture.js';
import { chromiumPath, withChromium } from './chromium.js';
import { everyPlotKind } from './plot-specs.js';

const browser = chromiumPath();
if (!browser) console.warn('NOTICE: chromium not found (/usr/bin/chromium); the headless report tests are skipped');

interface PageCheck {
  readonly errors: string[];
  readonly requests: string[];
  readonly figures: { label: string; hasSvg: boolean; width: number; height: number; marks: number }[];
  readonly scripts: number;
  readonly title: string;
  readonly headings: (string | null)[];
}

/** Opens `url` in headless Chromium and collects console errors, requests, and the size and marks of every plot. */
async function inspect(url: string): Promise<PageCheck> {
  return withChromium(browser as string, async (context) => {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    const figures = await page.$$eval('figure.plot', (els) =>
      els.map((el) => {
        const svg = el.querySelector(':scope > svg');
        const box = svg?.getBoundingClientRect();
        return { label: el.getAttribute('aria-label') ?? '', hasSvg: svg !== null, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path,line,rect,text').length ?? 0 };
      }),
    );
    const scripts = await page.$$eval('script', (els) => els.length);
    const headings = await page.$$eval('section h2', (els) => els.map((e) => e.textContent));
    return { errors, requests, figures, scripts, title: await page.title(), headings };
  });
}

function expectPlotsShown(check: PageCheck, url: string, plots: number): void {
  expect(check.errors).toEqual([]);
  // only the page itself is loaded: no stylesheet, font, image or script from anywhere
  expect(check.requests).toEqual([url]);
  expect(check.scripts).toBe(0);
  expect(check.figures).toHaveLength(plots);
  for (const f of check.figures) {
    expect(f.hasSvg).toBe(true);
    expect(f.width).toBeGreaterThan(50);
    expect(f.height).toBeGreaterThan(50);
    expect(f.marks).toBeGreaterThan(10);
  }
}

describe.skipIf(!browser)('HTML report in headless Chromium', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-report-'));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows every plot kind with a non-zero size, and no console errors', async () => {
    const plots = everyPlotKind();
    const file = path.join(dir, 'report.html');
    const sections: ReportSection[] = [
      {
        title: 'Sampler <checks>',
        text: 'Trace and rank plots.\n\nA second paragraph with "quotes" & ampersands.',
        tables: [{ caption: 'numbers', columns: ['variable', 'mean'], rows: [['b_<x>', 0.5], ['b_y', null]] }],
        plots: [plots.trace, plots.rank],
      },
      { title: 'Effects', text: 'By segment.', tables: [], plots: [plots.forest, plots.uplift] },
      { title: 'Checks', text: 'Fit checks.', tables: [], plots: [plots.ppc, plots.calibration, plots.paretoK] },
    ];
    await writeReport(file, sections, { title: 'nutmeg test report' });
    const url = pathToFileURL(file).href;
    const check = await inspect(url);
    expectPlotsShown(check, url, Object.keys(plots).length);
    expect(check.title).toBe('nutmeg test report');
    // escaped text comes back as text
    expect(check.headings[0]).toBe('Sampler <checks>');
  }, 120_000);

  it('shows every plot of nutmeg analyze hillstrom --report FILE', async () => {
    const file = path.join(dir, 'hillstrom.html');
    const backend = loadNativeAddon() ? 'native' : 'reference';
    const argv = ['analyze', 'hillstrom', '--rows', '3000', '--chains', '2', '--warmup', '150', '--draws', '150'];
    // the JSON on stdout is not looked at here (tests/analyses covers it)
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['node', 'nutmeg', ...argv, '--backend', backend, '--quiet', '--json', '--report', file])).toBe(0);
    } finally {
      quiet.mockRestore();
    }
    const url = pathToFileURL(file).href;
    const check = await inspect(url);
    expectPlotsShown(check, url, 10);
    const labels = check.figures.map((f) => f.label);
    for (const kind of [/^pooled: Trace/, /^pooled: Rank/, /^Posterior predictive/, /^Treatment effect by segment/, /^hierarchical: Trace/, /^hierarchical: Rank/, /^Uplift by segment/, /^Calibration/, /Pareto k/, /^Expected revenue uplift per contact/]) {
      expect(labels.filter((l) => kind.test(l)), String(kind)).toHaveLength(1);
    }
    expect(check.headings).toContain('PSIS-LOO: pooled vs hierarchical');
    expect(check.title).toBe('Hillstrom e-mail campaign analysis');
  }, 600_000);

  it('shows the report nutmeg serve builds from a fitted run', async () => {
    const { dir: runDir } = await runFixture();
    const app = buildServer(loadRun(runDir), { looBackend: 'reference' });
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `${base}/report`;
      const check = await inspect(url);
      // trace, rank, the forest plot of the varying treatment effect, Pareto k
      expectPlotsShown(check, url, 4);
      expect(check.headings).toEqual(['Model', 'Sampler checks', 'Effects by group', 'PSIS-LOO']);
    } finally {
      await app.close();
    }
  }, 180_000);
});
