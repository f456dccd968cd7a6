/**
 * Categorical fixed effects with many levels (src/model/indexed-fixed.ts): seconds per batched log density + gradient
 * call (4 chains) of `y ~ x + f` on n simulated bernoulli rows, for a factor f of 10, 10⁴ and 10⁵ levels, as ratios
 * to the 10-level factor as dense columns (timed first, and again in its place) in the same run; plus the rule's
 * question — a factor of 4, 10, 17 and 33 levels as dense columns against the same factor as a level index.
 *
 * Run: `npx tsx bench/levels.bench.ts` (or through bench/run.ts, which calls run()). `--quick`: 20,000 rows.
 */
import { pathToFileURL } from 'node:url';
import { createBackend } from '../src/backend/select.js';
import { loadNativeAddon, nativeAddonUnavailableReason } from '../src/backend/native.js';
import type { BackendKind } from '../src/backend/backend.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../src/data/frame-build.js';
import { buildModel } from '../src/model/build.js';
import { denseFixedCount } from '../src/model/spec.js';
import { Rng } from '../src/rng.js';
import { timeCalls } from './backend-timing.js';

export interface LevelsBenchRow {
  readonly backend: BackendKind;
  readonly levels: number;
  readonly layout: 'dense' | 'indexed';
  readonly rows: number;
  readonly secondsPerCall: number;
  /** secondsPerCall ÷ that of the 10-level factor with the default rule (dense), same backend, same run. */
  readonly ratio: number;
}

export interface LevelsBenchResult {
  readonly rows: readonly LevelsBenchRow[];
}

const CHAINS = 4;

/** n rows of y ~ Bernoulli(logit⁻¹(−1 + 0.5x + a[f])), a ~ Normal(0, 0.3), every level present when n ≥ K. */
function levelsFrame(n: number, K: number) {
  const rng = new Rng(29, K);
  const a = Float64Array.from({ length: K }, () => 0.3 * rng.normal());
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const f = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    f[i] = i < K ? i : Math.floor(rng.uniform() * K);
    y[i] = rng.uniform() < 1 / (1 + Math.exp(1 - 0.5 * x[i] - a[f[i]])) ? 1 : 0;
  }
  const levels = Array.from({ length: K }, (_, k) => `L${k}`);
  return frameFromColumns([numericColumn('y', y), numericColumn('x', x), categoricalColumn('f', f, levels)], `levels bench (${K} levels)`);
}

async function measure(backend: BackendKind, n: number, K: number, layout: 'dense' | 'indexed', budgetMs: number): Promise<number> {
  const { spec } = buildModel(levelsFrame(n, K), 'y ~ x + f', { fixedBasis: 'natural', indexedAbove: layout === 'dense' ? Infinity : 0 });
  if ((denseFixedCount(spec.fixed) === spec.fixed.names.length) !== (layout === 'dense')) throw new Error('unexpected layout');
  const b = await createBackend(backend, spec, { maxChains: CHAINS, maxDraws: 1 });
  try {
    const times = await timeCalls(b, CHAINS, 5, budgetMs);
    return times[Math.floor(times.length / 2)];
  } finally {
    await b.dispose();
  }
}

export async function run(options: { quick?: boolean } = {}): Promise<LevelsBenchResult> {
  if (!loadNativeAddon()) throw new Error(`native backend unavailable: ${nativeAddonUnavailableReason()}`);
  const n = options.quick ? 20_000 : 200_000;
  const budgetMs = options.quick ? 100 : 1500;
  const cells: { levels: number; layout: 'dense' | 'indexed' }[] = [
    { levels: 10, layout: 'dense' },
    ...[4, 10, 17, 33].flatMap((levels) => [
      { levels, layout: 'dense' as const },
      { levels, layout: 'indexed' as const },
    ]),
    { levels: 10_000, layout: 'indexed' },
    { levels: 100_000, layout: 'indexed' },
  ];
  const rows: LevelsBenchRow[] = [];
  for (const backend of ['native'] as const) {
    let base = 0;
    for (const c of cells) {
      const seconds = await measure(backend, n, c.levels, c.layout, budgetMs);
      if (base === 0) base = seconds;
      rows.push({ backend, levels: c.levels, layout: c.layout, rows: n, secondsPerCall: seconds, ratio: seconds / base });
    }
  }
  return { rows };
}

export function format(result: LevelsBenchResult): string {
  const lines = ['| backend | levels | layout | rows | ms per call (4 chains) | ratio to 10 levels dense |', '|---|---:|---|---:|---:|---:|'];
  for (const r of result.rows) {
    lines.push(`| ${r.backend} | ${r.levels} | ${r.layout} | ${r.rows} | ${(r.secondsPerCall * 1000).toFixed(3)} | ${r.ratio.toFixed(2)}× |`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(format(await run({ quick: process.argv.includes('--quick') })));
}
