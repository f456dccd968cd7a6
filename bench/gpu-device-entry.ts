/**
 * What bench/gpu-device.sh runs on the GPU machine, bundled into one file with the WebGPU backend (no tsx or
 * node_modules there besides Dawn's bindings):
 *   bench OUT.json [--quick]   the WebGPU chain ladder of bench/webgpu.bench.ts (Hillstrom-sized pooled and hierarchical
 *                    models, 64,000 rows, 1 … 4096 chains), one line per cell as measured, all cells into OUT.json
 *   tune OUT.json [--quick]  layouts of the gradient kernel (invocations per workgroup × rows per invocation) at 4 … 4096
 *                    chains on the same models, each checked against the reference backend at 4 chains first
 *   cli ARGS…        the nutmeg CLI (`nutmeg ARGS…`), e.g. `cli devices`, or `cli fit …` for a full WebGPU fit of
 *                    the real data into a run directory
 * Run it through a launcher that imports it (gpu-device.sh writes .gpu/run.mjs): webgpu.bench.ts, bundled in here,
 * runs its own command-line block when the bundle itself is the main script.
 */
import { writeFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { createReferenceBackend } from '../src/backend/reference.js';
import { centeredSpec } from '../src/backend/split-terms.js';
import { createWebGpuBackend } from '../src/backend/webgpu/backend.js';
import { builtinDataset } from '../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../src/data/hillstrom.js';
import { buildModel } from '../src/model/build.js';
import { benchPositions } from './backend-timing.js';
import { run, timeCallsAdaptive, type WebGpuCell } from './webgpu.bench.js';

async function bench(outFile: string, quick: boolean): Promise<void> {
  const started = performance.now();
  let adapter = '';
  const result = await run({
    quick,
    onCell: (cell: WebGpuCell, name: string) => {
      if (!adapter) console.log(`adapter: ${name}`);
      adapter = name;
      console.log(
        `${cell.model.padEnd(13)} chains ${String(cell.chains).padStart(5)}  rows ${cell.rows}  best ${(cell.bestSeconds * 1e3).toFixed(3)} ms` +
          `  median ${(cell.medianSeconds * 1e3).toFixed(3)} ms  ${(cell.evalsPerSecond / 1e6).toFixed(1)} M evals/s  ${cell.nsPerEval.toFixed(3)} ns/eval`,
      );
    },
  });
  const record = {
    adapter: result.adapter,
    node: process.version,
    date: new Date().toISOString(),
    seconds: (performance.now() - started) / 1000,
    cells: result.cells,
  };
  writeFileSync(outFile, JSON.stringify(record, null, 2) + '\n');
}

/** Largest |a − b| / max(|b|, 1) over two arrays. */
function worstRelative(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1));
  return worst;
}

async function tune(outFile: string, quick: boolean): Promise<void> {
  const layouts: [number, number][] = quick
    ? [[64, 1], [64, 32]]
    : [[256, 1], [128, 1], [64, 1], [256, 2], [256, 4], [128, 4], [256, 8], [128, 16], [64, 32]];
  const chainsList = quick ? [4] : [4, 64, 1024, 4096];
  const rows = quick ? 2_000 : 64_000;
  const { frame } = builtinDataset('hillstrom', 1, rows);
  const cells: object[] = [];
  for (const model of ['pooled', 'hierarchical'] as const) {
    const spec = centeredSpec(buildModel(frame, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model] }).spec);
    const reference = await createReferenceBackend(spec);
    const pos = benchPositions(spec, 4);
    const refLogp = new Float64Array(4);
    const refGrad = new Float64Array(4 * spec.dim);
    await reference.logDensityGradient(pos, 4, refLogp, refGrad);
    for (const [workgroupSize, rowsPerThread] of layouts) {
      const backend = await createWebGpuBackend(spec, { workgroupSize, rowsPerThread, maxChains: Math.max(...chainsList) });
      try {
        const logp = new Float64Array(4);
        const grad = new Float64Array(4 * spec.dim);
        await backend.logDensityGradient(pos, 4, logp, grad);
        const logpError = worstRelative(logp, refLogp);
        const gradError = worstRelative(grad, refGrad);
        for (const chains of chainsList) {
          const times = await timeCallsAdaptive(backend, chains, quick);
          const best = times[0];
          const cell = {
            model, workgroupSize, rowsPerThread, chains, rows, calls: times.length, logpError, gradError,
            bestSeconds: best, medianSeconds: times[Math.floor(times.length / 2)], nsPerEval: (best * 1e9) / (rows * chains),
          };
          cells.push(cell);
          console.log(
            `${model.padEnd(13)} ${String(workgroupSize).padStart(4)}x${String(rowsPerThread).padEnd(3)} chains ${String(chains).padStart(5)}` +
              `  best ${(best * 1e3).toFixed(3)} ms  median ${(cell.medianSeconds * 1e3).toFixed(3)} ms  ${cell.nsPerEval.toFixed(4)} ns/eval` +
              `  (${times.length} calls; vs reference logp ${logpError.toExponential(1)}, grad ${gradError.toExponential(1)})`,
          );
        }
      } finally {
        await backend.dispose();
      }
    }
  }
  writeFileSync(outFile, JSON.stringify({ node: process.version, date: new Date().toISOString(), cells }, null, 2) + '\n');
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'bench' && (rest.length === 1 || (rest.length === 2 && rest[1] === '--quick'))) {
  await bench(rest[0], rest[1] === '--quick');
} else if (mode === 'tune' && (rest.length === 1 || (rest.length === 2 && rest[1] === '--quick'))) {
  await tune(rest[0], rest[1] === '--quick');
} else if (mode === 'cli') {
  process.exitCode = await main([process.argv[0], 'nutmeg', ...rest]);
} else {
  console.error('usage: run.mjs bench OUT.json [--quick] | tune OUT.json [--quick] | cli NUTMEG_ARGS…');
  process.exitCode = 2;
}
