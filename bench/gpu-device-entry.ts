/**
 * What bench/gpu-device.sh runs on the GPU machine, bundled into one file with the WebGPU backend (no tsx or
 * node_modules there besides Dawn's bindings):
 *   bench OUT.json [--quick]   the WebGPU chain ladder of bench/webgpu.bench.ts (Hillstrom-sized pooled and hierarchical
 *                    models, 64,000 rows, 1 … 4096 chains), one line per cell as measured, all cells into OUT.json
 *   cli ARGS…        the nutmeg CLI (`nutmeg ARGS…`), e.g. `cli devices`, or `cli fit …` for a full WebGPU fit of
 *                    the real data into a run directory
 * Run it through a launcher that imports it (gpu-device.sh writes .gpu/run.mjs): webgpu.bench.ts, bundled in here,
 * runs its own command-line block when the bundle itself is the main script.
 */
import { writeFileSync } from 'node:fs';
import { main } from '../src/cli/main.js';
import { run, type WebGpuCell } from './webgpu.bench.js';

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

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'bench' && (rest.length === 1 || (rest.length === 2 && rest[1] === '--quick'))) {
  await bench(rest[0], rest[1] === '--quick');
} else if (mode === 'cli') {
  process.exitCode = await main([process.argv[0], 'nutmeg', ...rest]);
} else {
  console.error('usage: run.mjs bench OUT.json [--quick] | cli NUTMEG_ARGS…');
  process.exitCode = 2;
}
