/**
 * Per-gradient time of the reference backend on the real Hillstrom hierarchical model (64,000 rows), 4 chains:
 * median and minimum wall time of 41 calls after 3 warm-up calls, and the CPU time per gradient (steadier than wall
 * time on a shared machine). Run: npx tsx bench/micro/reference-gradient.ts [path/to/hillstrom.csv]
 */
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom } from '../../src/data/hillstrom.js';
import { buildModel } from '../../src/model/build.js';
import { createBackend } from '../../src/backend/select.js';

const path = process.argv[2] ?? new URL('../../../shared/data/hillstrom.csv', import.meta.url).pathname;
const { spec } = buildModel(loadHillstrom(path), HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical });
const backend = await createBackend('reference', spec, { maxChains: 4 });
const chains = 4;
const positions = new Float64Array(chains * spec.dim);
for (let i = 0; i < positions.length; i++) positions[i] = 0.1 * Math.sin(i + 1);
const logp = new Float64Array(chains);
const grad = new Float64Array(chains * spec.dim);
for (let w = 0; w < 3; w++) await backend.logDensityGradient(positions, chains, logp, grad);
const times: number[] = [];
const cpu0 = process.cpuUsage();
for (let r = 0; r < 41; r++) {
  const t0 = performance.now();
  await backend.logDensityGradient(positions, chains, logp, grad);
  times.push(performance.now() - t0);
}
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000 / (times.length * chains);
times.sort((a, b) => a - b);
console.log(`rows ${spec.n}, dim ${spec.dim}, chains ${chains}: median ${(times[20] / chains).toFixed(3)} ms per gradient (min ${(times[0] / chains).toFixed(3)}; CPU ${cpuMs.toFixed(3)} ms), logp[0] ${logp[0]}`);
await backend.dispose();
