/**
 * The memory a backend adds when created for `y ~ x + (1 | g)` (the levels curve's model, bench/levels-curve.ts):
 * RSS after createBackend and one gradient call of 4 chains, minus RSS before, for the given rows and levels.
 *
 *   npx tsx bench/backend-memory.ts [--rows 1000000] [--levels 100000] [--backend native]
 */
import type { BackendKind } from '../src/backend/backend.js';
import { createBackend } from '../src/backend/select.js';
import { buildModel } from '../src/model/build.js';
import { levelsFrame } from './levels-curve.js';
import { flagValue } from './cli-args.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => flagValue(args, name, fallback);
  const rows = Number(flag('--rows', '1000000'));
  const levels = Number(flag('--levels', '100000'));
  const kind = flag('--backend', 'native') as BackendKind;
  const spec = buildModel(levelsFrame(rows, levels), 'y ~ x + (1 | g)').spec;
  const before = process.memoryUsage().rss;
  const backend = await createBackend(kind, spec, { maxChains: 4 });
  const positions = new Float64Array(4 * backend.dim).fill(0.1);
  await backend.logDensityGradient(positions, 4, new Float64Array(4), new Float64Array(4 * backend.dim));
  const grown = process.memoryUsage().rss - before;
  console.log(`${backend.description}: ${rows.toLocaleString('en-US')} rows, ${levels.toLocaleString('en-US')} levels: RSS +${(grown / 2 ** 20).toFixed(0)} MiB`);
  await backend.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
