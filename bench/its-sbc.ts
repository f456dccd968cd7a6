/**
 * Simulation-based calibration of the ITS model with 200 replicates per family (the count; the test suite
 * runs 100, tests/model/its/its-sbc.test.ts): ranks among L = 199 draws (thin 2, warm-up 500), 10-bin histograms,
 * χ²₉ per parameter against the 1% family-wise critical value (Bonferroni over the model's parameters).
 * Writes bench/results/its-sbc.json (counts, χ², critical values) and bench/results/its-sbc.svg (the histograms
 * with the uniform expectation and its 99% band, binomial, marked).
 * Run: npx tsx bench/its-sbc.ts
 */
import { writeFileSync } from 'node:fs';
import { renderSvg } from '../src/report/plots/render.js';
import { VEGA_LITE_SCHEMA, type Datum, type PlotSpec } from '../src/report/plots/spec.js';
import { runItsSbc, type ItsSbcResult } from '../tests/helpers/its-sbc.js';
import { SBC_BINS } from '../tests/helpers/sbc.js';

const REPLICATES = 200;
const options = { replicates: REPLICATES, L: 199, thin: 2, warmup: 500, seed: 2026 };

const results: Record<string, ItsSbcResult> = {};
for (const family of ['gaussian', 'student'] as const) {
  const r = await runItsSbc({ family, ...options });
  results[family] = r;
  const worst = r.parameters.reduce((a, b) => (b.chi2 > a.chi2 ? b : a));
  console.log(
    `${family}: ${r.seconds.toFixed(1)} s, ${r.divergences} divergences; largest χ²₉ ${worst.chi2.toFixed(2)} (${worst.name}) vs ${r.critical.toFixed(2)}; ` +
      r.parameters.map((p) => `${p.name} ${p.chi2.toFixed(1)}`).join(', '),
  );
}

const expected = REPLICATES / SBC_BINS;
// 99% band of one bin's count under uniform ranks: binomial(200, 0.1), normal approximation
const half = 2.576 * Math.sqrt(REPLICATES * 0.1 * 0.9);
const values: Datum[] = [];
for (const [family, r] of Object.entries(results)) {
  for (const p of r.parameters) {
    p.counts.forEach((count, bin) => values.push({ panel: `${family} ${p.name} (χ² ${p.chi2.toFixed(1)})`, bin: bin + 1, count }));
  }
}
const spec = {
  $schema: VEGA_LITE_SCHEMA,
  title: {
    text: `ITS SBC: rank histograms, ${REPLICATES} replicates per family`,
    subtitle: `10 bins of ranks among ${options.L} draws; line: expected ${expected}, band: 99% binomial range; χ²₉ critical (1% family-wise) gaussian ${results.gaussian.critical.toFixed(2)}, student ${results.student.critical.toFixed(2)}`,
  },
  data: { values },
  facet: { field: 'panel', type: 'nominal', title: null, sort: null },
  columns: 4,
  spec: {
    width: 160,
    height: 90,
    layer: [
      { mark: { type: 'rect', color: '#ddd' }, encoding: { y: { datum: expected - half, type: 'quantitative' }, y2: { datum: expected + half } } },
      { mark: { type: 'bar', color: '#5b7fa6' }, encoding: { x: { field: 'bin', type: 'ordinal', title: 'rank bin' }, y: { field: 'count', type: 'quantitative', title: 'replicates', scale: { domain: [0, 40] } } } },
      { mark: { type: 'rule', color: '#c0392b' }, encoding: { y: { datum: expected, type: 'quantitative' } } },
    ],
  },
} as unknown as PlotSpec;
writeFileSync('bench/results/its-sbc.svg', await renderSvg(spec));
writeFileSync(
  'bench/results/its-sbc.json',
  JSON.stringify(
    {
      options,
      results: Object.fromEntries(
        Object.entries(results).map(([f, r]) => [f, { critical: r.critical, divergences: r.divergences, seconds: r.seconds, parameters: r.parameters.map((p) => ({ name: p.name, counts: Array.from(p.counts), chi2: p.chi2 })) }]),
      ),
    },
    null,
    1,
  ) + '\n',
);
