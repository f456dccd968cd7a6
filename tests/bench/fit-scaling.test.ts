/**
 * bench/fit-scaling.ts on tiny sizes (reference backend): the cells of both sweeps, the figures of each fit (a fit
 * of C chains × (warm-up + draws) iterations takes at least that many gradient evaluations, one per leapfrog step),
 * the plots and the README table.
 */
import { describe, expect, it } from 'vitest';
import { fitScalingCells, runFitScaling, type FitScalingPlan } from '../../bench/fit-scaling.js';
import { fitScalingSpec, renderSvg } from '../../bench/plot.js';
import { renderSection } from '../../bench/report.js';
import { resultsShapeProblems, type BenchResults } from '../../bench/results.js';
import { machineSlug, parseCpuinfo, peakThroughput } from '../../bench/machine.js';
import { readFileSync } from 'node:fs';

const TINY: FitScalingPlan = { rowsSweep: [100, 300], rowsSweepChains: 2, chainsSweep: [1, 2], chainsSweepRows: 300, warmup: 10, draws: 10, seed: 4 };

describe('fit scaling', async () => {
  const report = await runFitScaling(['reference'], TINY);

  it('fits each distinct cell once, with consistent figures', () => {
    expect(fitScalingCells(TINY).map((c) => `${c.rows}x${c.chains}:${c.sweeps.join('+')}`)).toEqual([
      '100x2:rows',
      '300x2:rows+chains',
      '300x1:chains',
    ]);
    expect(report.failures).toEqual([]);
    expect(report.results).toHaveLength(3);
    for (const r of report.results) {
      expect(r.backend).toBe('reference');
      expect(r.gradients).toBeGreaterThanOrEqual(r.chains * (TINY.warmup + TINY.draws));
      expect(r.secondsPerGradient).toBeCloseTo(r.wallSeconds / r.gradients, 15);
      expect(r.wallSeconds).toBeGreaterThan(0);
      expect(r.minEssBulk).toBeGreaterThan(0);
    }
  });

  it('plots seconds per fit and renders the table', async () => {
    const svg = await renderSvg(fitScalingSpec(report.results, 'chains'));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('seconds per fit');
    const cpu = parseCpuinfo(readFileSync(new URL('../fixtures/bench/cpuinfo-amd-epyc-2c.txt', import.meta.url), 'utf8'));
    const results: BenchResults = {
      schema: 1,
      startedAt: '2026-01-02T03:04:05.000Z',
      quick: true,
      machine: { cpu, peak: peakThroughput(cpu), memoryBytes: 2 ** 33, lastLevelCacheBytes: null, gpu: null, node: process.version, platform: 'linux-x64', slug: machineSlug(cpu), versions: {} },
      micro: { results: [], skipped: [], failures: [] },
      modules: [],
      stan: { notice: 'not requested', results: [] },
      wholeFit: { notice: 'not requested', results: [], failures: [] },
      fitScaling: report,
      plots: [],
    };
    expect(resultsShapeProblems(JSON.parse(JSON.stringify(results)))).toEqual([]);
    expect(resultsShapeProblems({ ...results, fitScaling: { notice: null } })).toContain('fitScaling lacks results');
    const section = renderSection(results);
    expect(section).toContain('#### Fit scaling');
    expect(section).toMatch(/\| reference \| rows, chains \| 300 \| 2 \| 10 \+ 10 \|/);
  });
});
