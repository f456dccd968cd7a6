/**
 * The benchmark harness's own pieces on tiny sizes: /proc/cpuinfo parsing, the physical-limit arithmetic (closed
 * forms written out below), the micro benchmark on the reference backend, the results JSON shape, the markdown
 * section, the Stan result parser and the plot rendering.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DIV_SLOTS,
  EXP_SLOTS,
  LOG1P_SLOTS,
  machineSlug,
  parseCpuinfo,
  peakThroughput,
  physicalLimit,
  rowCost,
  type MachineDescription,
} from '../../bench/machine.js';
import { hillstromSpec, modelShape, positionsNearPosterior, specShape } from '../../bench/micro/hillstrom-like.js';
import { planCells, QUICK_PLAN, runLogDensityMicro, type MicroPlan } from '../../bench/micro/log-density.js';
import { chainsWallSeconds, parseStanResult } from '../../bench/peers/stan.js';
import { renderSvg, scalingSpec } from '../../bench/plot.js';
import { fmt, renderSection, replaceSection, SECTION_END, SECTION_START } from '../../bench/report.js';
import { resultsShapeProblems, type BenchResults } from '../../bench/results.js';
import { wholeFitResult } from '../../bench/whole-fit.js';
import { createReferenceBackend } from '../../src/backend/reference.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/bench/${name}`, import.meta.url), 'utf8');

const EPYC = parseCpuinfo(fixture('cpuinfo-amd-epyc-2c.txt'));

// a hyper-threaded Intel part: 4 logical CPUs on 2 cores, AVX-512 on full-width pipes
const INTEL = parseCpuinfo(
  [0, 1, 2, 3]
    .map(
      (i) => `processor\t: ${i}\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz\n` +
        `cpu MHz\t\t: ${i < 2 ? 2500 : 3000}.000\nphysical id\t: 0\ncore id\t\t: ${i % 2}\nflags\t\t: fpu sse2 avx avx2 fma avx512f\n`,
    )
    .join('\n'),
);

describe('machine description', () => {
  it('parses /proc/cpuinfo of the development machine', () => {
    expect(EPYC.modelName).toBe('AMD EPYC');
    expect(EPYC.vendor).toBe('AuthenticAMD');
    expect(EPYC.family).toBe(25);
    expect(EPYC.logicalCpus).toBe(2);
    expect(EPYC.physicalCores).toBe(2);
    expect(EPYC.mhz).toBeGreaterThan(1000);
    expect(EPYC.flags).toEqual({ avx: true, avx2: true, fma: true, avx512f: true });
    expect(machineSlug(EPYC)).toBe('amd-epyc-2c');
  });

  it('counts physical cores and averages the clock over logical CPUs', () => {
    expect(INTEL.logicalCpus).toBe(4);
    expect(INTEL.physicalCores).toBe(2);
    expect(INTEL.mhz).toBe(2750);
    expect(machineSlug(INTEL)).toBe('intel-xeon-gold-4c');
  });

  it('rejects text without processor entries', () => {
    expect(() => parseCpuinfo('nothing here')).toThrow(/processor/);
  });
});

describe('physical-limit model', () => {
  it('peak: cores × GHz × 2 pipes × lanes (× 2 flops per FMA); Zen 4 AVX-512 runs on 256-bit pipes', () => {
    const peak = peakThroughput(EPYC);
    expect(peak.vectorBits).toBe(256);
    const slots = 2 * (EPYC.mhz / 1000) * 1e9 * 2 * 4;
    expect(peak.slotsPerSecond.f64).toBeCloseTo(slots, -3);
    expect(peak.slotsPerSecond.f32).toBeCloseTo(2 * slots, -3);
    expect(peak.flopsPerSecond.f64).toBeCloseTo(2 * slots, -3);
    // Intel with avx512f: 512-bit, 8 doubles per pipe: 2 cores × 2.75 GHz × 2 × 8 = 88e9 slots/s
    const intel = peakThroughput(INTEL);
    expect(intel.vectorBits).toBe(512);
    expect(intel.slotsPerSecond.f64).toBeCloseTo(88e9, -3);
  });

  it('row cost of the pooled and hierarchical models as counted in bench/machine.ts', () => {
    const pooled = rowCost(modelShape('pooled'), 'f64');
    expect(pooled.slots).toBe(2 * 7 + 8 + EXP_SLOTS + LOG1P_SLOTS + DIV_SLOTS);
    expect(pooled.slots).toBe(56);
    expect(pooled.flops).toBe(4 * 7 + 9);
    expect(pooled.bytesPerRow).toBe(8 * 8); // 7 columns of X + y
    expect(rowCost(modelShape('pooled'), 'f32').bytesPerRow).toBe(32);
    const hier = rowCost(modelShape('hierarchical'), 'f64');
    expect(hier.slots).toBe(56 + 5);
    expect(hier.bytesPerRow).toBe(64 + 4 + 8); // + level index + treatment covariate
  });

  it('limit = min(compute, memory), memory shared by the chains of one call', () => {
    const peak = peakThroughput(EPYC);
    const cost = rowCost(modelShape('pooled'), 'f64');
    const compute = peak.slotsPerSecond.f64 / 56;
    const slowMemory = physicalLimit(peak, cost, 1, 1e9, 'f64'); // 1 GB/s ÷ 64 B = 15.6 M rows/s
    expect(slowMemory.memoryBound).toBeCloseTo(1e9 / 64, 0);
    expect(slowMemory.binding).toBe('memory');
    expect(slowMemory.evalsPerSecond).toBe(slowMemory.memoryBound);
    const manyChains = physicalLimit(peak, cost, 4096, 1e9, 'f64');
    expect(manyChains.binding).toBe('compute');
    expect(manyChains.evalsPerSecond).toBeCloseTo(compute, -3);
    expect(manyChains.secondsPerEval).toBeCloseTo(1 / compute, 20);
  });
});

const TINY_PLAN: MicroPlan = { ...QUICK_PLAN, rowsSweep: [50, 200], rowsSweepChains: 2, chainsSweep: [1, 2], chainsSweepRows: 200 };

function fakeMachine(): MachineDescription {
  return {
    cpu: EPYC,
    peak: peakThroughput(EPYC),
    memoryBytes: 8 * 1024 ** 3,
    lastLevelCacheBytes: 32 * 1024 ** 2,
    gpu: null,
    node: process.version,
    platform: 'linux-x64',
    slug: machineSlug(EPYC),
    versions: { nutmeg: '0.1.0' },
  };
}

describe('micro benchmark, results and report', async () => {
  const machine = fakeMachine();
  const micro = await runLogDensityMicro(machine, TINY_PLAN, ['reference']);
  const stan = parseStanResult(fixture('stan-pooled-result.json'));
  const results: BenchResults = {
    schema: 1,
    startedAt: '2026-01-02T03:04:05.000Z',
    quick: true,
    machine,
    micro,
    modules: [
      { name: 'loo.bench.ts', status: 'ok', seconds: 1.5, result: [{ size: '4000x64000', seconds: 2.25 }] },
      { name: 'native.bench.ts', status: 'skipped', seconds: 0, notice: 'addon not built' },
    ],
    stan: { notice: null, results: [stan] },
    wholeFit: {
      notice: null,
      results: [wholeFitResult('reference', 'pooled', { rows: 64000, wallSeconds: 600, gradients: 150000, minEssBulk: 1500 }, stan)],
      failures: [],
    },
    plots: ['rows-scaling.svg'],
  };

  it('measures every distinct cell once, on the reference backend', () => {
    // rows sweep 50, 200 at 2 chains; chains sweep 1, 2 at 200 rows (200 × 2 is shared) → 3 cells × 2 models
    expect(planCells(TINY_PLAN).map((c) => `${c.rows}x${c.chains}`)).toEqual(['50x2', '200x2', '200x1']);
    expect(micro.results).toHaveLength(6);
    expect(micro.failures).toEqual([]);
    for (const r of micro.results) {
      expect(r.backend).toBe('reference');
      expect(r.evalsPerSecond).toBeCloseTo((r.rows * r.chains) / r.secondsPerCall, 6);
      expect(r.ratioToLimit).toBeGreaterThan(0);
      expect(r.ratioToLimit).toBeLessThan(1); // nothing beats the machine's physical limit
    }
    expect(micro.results.find((r) => r.rows === 200 && r.chains === 2)?.sweeps).toEqual(['rows', 'chains']);
  });

  it('results JSON has the expected shape, and a broken one is caught', () => {
    expect(resultsShapeProblems(JSON.parse(JSON.stringify(results)))).toEqual([]);
    const broken = JSON.parse(JSON.stringify(results)) as Record<string, unknown>;
    delete broken.machine;
    (broken.micro as { results: Record<string, unknown>[] }).results[0].evalsPerSecond = 'fast';
    const problems = resultsShapeProblems(broken);
    expect(problems).toContain('machine lacks cpu, peak or node');
    expect(problems).toContain('micro.results[0].evalsPerSecond is not a finite number');
  });

  it('markdown section renders tables with ratios and replaces only its own section', () => {
    const section = renderSection(results);
    expect(section.startsWith(SECTION_START)).toBe(true);
    expect(section.endsWith(SECTION_END)).toBe(true);
    expect(section).toContain('| backend | model | rows | chains | ns / row·chain |');
    expect(section).toMatch(/\| reference \| pooled \| 200 \| 2 \|/);
    expect(section).toContain('CPU: AMD EPYC (2 cores');
    // whole fit vs Stan: ESS/s 1500/600 = 2.5 against Stan's 5.25318 → 0.476
    expect(section).toContain('| reference | pooled | 64000 | 600 | 150000 | 1500 | 2.50 | 0.476 |');
    expect(section).toContain('`native.bench.ts`: skipped — addon not built');
    expect(section).toContain('| 4000x64000 | 2.25 |');
    const readme = `# title\n\nintro\n\n${SECTION_START}\nold\n${SECTION_END}\n\nfooter\n`;
    const updated = replaceSection(readme, section);
    expect(updated).toBe(`# title\n\nintro\n\n${section}\n\nfooter\n`);
    expect(replaceSection(updated, section)).toBe(updated);
    expect(replaceSection('# no markers', section)).toBe(`# no markers\n\n${section}\n`);
  });

  it('draws the scaling plot as SVG', async () => {
    const svg = await renderSvg(scalingSpec(micro.results, 'chains'));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('chains per call');
  });
});

describe('Stan peer result and number formatting', () => {
  it('parses the JSON line of stan.R and rejects a malformed one', () => {
    const r = parseStanResult(`noise\n${fixture('stan-pooled-result.json')}`);
    expect(r.model).toBe('pooled');
    expect(r.rows).toBe(64000);
    expect(r.gradients).toBe(149077);
    expect(() => parseStanResult('{"peer":"stan","model":"pooled","rows":"many"}')).toThrow(/rows/);
    expect(() => parseStanResult('')).toThrow(/no JSON/);
  });

  it("gives the wall time of Stan's chains as rstan runs them: in order, each on the first worker free", () => {
    // worked by hand: on 2 workers, chains 1 and 2 start at 0; chain 3 follows chain 2 (free at 0.5), chain 4 chain 1
    // (free at 1.0 < 0.5 + 0.75); the workers end at 1.0 + 0.25 = 1.25 and 0.5 + 0.75 = 1.25 → 1.25
    expect(chainsWallSeconds([1.0, 0.5, 0.75, 0.25], 2)).toBeCloseTo(1.25, 12);
    // chain 3 on chain 1's worker (free at 0.3, ends 1.1), chain 4 on chain 2's (free at 0.8 < 1.1, ends 1.2)
    expect(chainsWallSeconds([0.3, 0.8, 0.8, 0.4], 2)).toBeCloseTo(1.2, 12);
    expect(chainsWallSeconds([0.3, 0.8, 0.8, 0.4], 1)).toBeCloseTo(2.3, 12);
    expect(chainsWallSeconds([0.3, 0.8, 0.8, 0.4], 8)).toBeCloseTo(0.8, 12);
  });

  it('formats with significant digits', () => {
    expect(fmt(1234.5)).toBe('1235');
    expect(fmt(0.012345)).toBe('0.0123');
    expect(fmt(2.5)).toBe('2.50');
    expect(fmt(1.5e7)).toBe('1.50e+7');
  });
});

it('the simulated Hillstrom spec has the shape the cost model assumes and a finite log density', async () => {
  const spec = hillstromSpec('hierarchical', 500);
  expect(specShape(spec)).toEqual(modelShape('hierarchical'));
  expect(specShape(hillstromSpec('pooled', 100))).toEqual(modelShape('pooled'));
  expect(spec.dim).toBe(7 + 1 + 7);
  const backend = await createReferenceBackend(spec);
  const logp = new Float64Array(1);
  const grad = new Float64Array(spec.dim);
  await backend.logDensityGradient(positionsNearPosterior(spec, 1), 1, logp, grad);
  expect(Number.isFinite(logp[0])).toBe(true);
});
