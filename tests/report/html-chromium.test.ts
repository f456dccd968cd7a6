/**
 * The report page in headless Chromium: it loads with no console errors or page errors, makes no network request,
 * and every plot is an SVG of non-zero size. Skipped, with a notice, where chromium is not installed
 * (scripts/install-system-deps.sh installs it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport, type ReportSection } from '../../src/report/html.js';
import { chromiumPath, withChromium } from './chromium.js';
import { everyPlotKind } from './plot-specs.js';

const browser = chromiumPath();
if (!browser) console.warn('NOTICE: chromium not found (/usr/bin/chromium); the headless report tests are skipped');

describe.skipIf(!browser)('HTML report in headless Chromium', () => {
  let dir = '';
  let file = '';
  const plots = everyPlotKind();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-report-'));
    file = path.join(dir, 'report.html');
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
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads without console errors and shows every plot with a non-zero size', async () => {
    const result = await withChromium(browser as string, async (context) => {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const figures = await page.$$eval('figure.plot', (els) =>
        els.map((el) => {
          const svg = el.querySelector(':scope > svg');
          const box = svg?.getBoundingClientRect();
          return { hasSvg: svg !== null, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path,line,rect,text').length ?? 0 };
        }),
      );
      const scripts = await page.$$eval('script', (els) => els.length);
      const title = await page.title();
      const injected = await page.$$eval('section h2', (els) => els.map((e) => e.textContent));
      return { errors, requests, figures, scripts, title, injected };
    });
    expect(result.errors).toEqual([]);
    // only the page itself is loaded: no stylesheet, font, image or script from anywhere
    expect(result.requests).toEqual([pathToFileURL(file).href]);
    expect(result.scripts).toBe(0);
    expect(result.title).toBe('nutmeg test report');
    expect(result.injected[0]).toBe('Sampler <checks>');
    expect(result.figures).toHaveLength(Object.keys(plots).length);
    for (const f of result.figures) {
      expect(f.hasSvg).toBe(true);
      expect(f.width).toBeGreaterThan(50);
      expect(f.height).toBeGreaterThan(50);
      expect(f.marks).toBeGreaterThan(10);
    }
  }, 120_000);
});
