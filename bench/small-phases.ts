/**
 * The child process of bench/small-models.bench.ts: one `nutmeg fit` of a small model, done as src/cli/fit.ts does
 * it, from a build's dist/ (the JavaScript the CLI runs, in a fresh process, so the JIT is as cold as the CLI's), each
 * phase timed in wall and CPU seconds (process.cpuUsage: this process, every thread). Prints one JSON line.
 *
 *   node --import tsx bench/small-phases.ts DIST_DIR DATA_FILE FORMULA
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PhaseTime {
  readonly wall: number;
  readonly cpu: number;
}

export interface SmallPhases {
  /** Loading the fit command's modules (dist/cli/fit.js and everything it imports). */
  readonly modules: PhaseTime;
  readonly data: PhaseTime;
  /** fitModel: build, backend, warm-up, sampling, constrained draws; its parts below are wall seconds from its timings. */
  readonly fit: PhaseTime;
  readonly build: number;
  readonly backend: number;
  readonly warmup: number;
  readonly sampling: number;
  readonly summary: PhaseTime;
  readonly table: PhaseTime;
  readonly backendDescription: string;
  readonly targetCalls: number;
  readonly gradients: number;
  readonly minEssBulk: number;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function timed<T>(work: () => T | Promise<T>): Promise<[T, PhaseTime]> {
  const w = performance.now();
  const c = cpuNow();
  const value = await work();
  return [value, { wall: (performance.now() - w) / 1000, cpu: cpuNow() - c }];
}

async function main(): Promise<void> {
  const [dist, file, formula] = process.argv.slice(2);
  const load = (m: string) => import(pathToFileURL(path.join(dist, m)).href);
  const [mods, modules] = await timed(async () => {
    await load('cli/fit.js');
    return {
      data: await load('data/load.js'),
      fit: await load('fit/fit.js'),
      // the table's presenter: report/summary-table.js since session 12, diagnostics/summary.js in older builds
      summary: await load('report/summary-table.js').catch(() => load('diagnostics/summary.js')),
      parallel: await load('diagnostics/summary-parallel.js'),
      table: await load('report/table.js'),
    };
  });
  const [loaded, data] = await timed(() => mods.data.loadData(file, 1, undefined, {}));
  const [fitted, fit] = await timed(() => mods.fit.fitModel(loaded.frame, formula, { chains: 4, warmup: 1000, draws: 1000, seed: 1 }));
  // as the CLI's table does: without the MCSEs of the quantiles (an older build ignores the option)
  const [summary, summaryTime] = await timed(() => mods.parallel.summarizeDrawsParallel(fitted.draws, { variables: [], quantileMcse: false }));
  const [, table] = await timed(() => mods.table.renderTable(mods.summary.summaryTable(summary.rows, mods.summary.DEFAULT_SUMMARY_STATS), 'table'));
  const s = fitted.sample;
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  const result: SmallPhases = {
    modules,
    data,
    fit,
    build: fitted.timings.buildSeconds,
    backend: fitted.timings.backendSeconds,
    warmup: s.timing.warmupSeconds,
    sampling: s.timing.samplingSeconds,
    summary: summaryTime,
    table,
    backendDescription: fitted.backend.description,
    targetCalls: s.targetCalls,
    gradients: sum(s.gradientEvaluations),
    minEssBulk: Math.min(...summary.rows.map((r: { ess_bulk: number | null }) => r.ess_bulk ?? Infinity)),
  };
  await fitted.dispose();
  process.stdout.write(JSON.stringify(result) + '\n');
}

void main();
