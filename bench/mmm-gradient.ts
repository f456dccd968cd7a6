/**
 * Cost of the media-mix model's hand-derived gradient relative to its value alone, in one process: logDensity (value
 * + gradient) vs pointwiseLogLik (value only, same adstock and saturation work), on sim:mmm (156 weeks, 3 channels,
 * L = 8). Prints the ratio and the load average. Run: npx tsx bench/mmm-gradient.ts
 */
import { loadavg } from 'node:os';
import { buildMmmDesign, DEFAULT_MMM_SETTINGS } from '../src/model/mmm/design.js';
import { createMmmModel } from '../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../src/model/mmm/series.js';
import { simulateMmm } from '../src/data/simulate/mmm.js';

const sim = simulateMmm({ seed: 1 });
const input = mmmInputFromFrame(sim.frame, { date: 'week', outcome: 'sales', channels: ['tv', 'search', 'social'], controls: ['promo'] });
const model = createMmmModel(buildMmmDesign(input, DEFAULT_MMM_SETTINGS));
const theta = new Float64Array(model.layout.size).fill(0.3);
const grad = new Float64Array(theta.length);
const out = new Float64Array(model.observations);
const N = 20_000;
function time(f: () => void): number {
  for (let i = 0; i < 2000; i++) f();
  const t = performance.now();
  for (let i = 0; i < N; i++) f();
  return (performance.now() - t) / N;
}
const value = time(() => model.pointwiseLogLik!(theta, out));
const withGradient = time(() => model.logDensity(theta, grad));
console.log(`value only ${(value * 1000).toFixed(1)} µs, value + gradient ${(withGradient * 1000).toFixed(1)} µs, ratio ${(withGradient / value).toFixed(2)} (load ${loadavg()[0].toFixed(1)})`);
